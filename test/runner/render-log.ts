/**
 * Renders what an action printed the way the job log on GitHub shows it: workflow commands are
 * consumed (masks applied, debug hidden unless step debug is on), groups folded into headings,
 * annotations shown as "Error:" and "Warning:" lines.
 */
export function renderLog(stdout: string, options: { debug?: boolean } = {}): string {
  const masks: string[] = []
  const shown: string[] = []
  let indent = ''
  for (const line of stdout.split('\n')) {
    const command = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line)
    if (!command) {
      shown.push(indent + line)
      continue
    }
    const [, name, , rawValue] = command
    const value = (rawValue ?? '').replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%')
    switch (name) {
      case 'add-mask':
        if (value !== '') masks.push(value)
        break
      case 'debug':
        if (options.debug) shown.push(`${indent}##[debug]${value}`)
        break
      case 'group':
        shown.push(`▼ ${value}`)
        indent = '  '
        break
      case 'endgroup':
        indent = ''
        break
      case 'error':
        shown.push(`${indent}Error: ${value}`)
        break
      case 'warning':
        shown.push(`${indent}Warning: ${value}`)
        break
      case 'notice':
        shown.push(`${indent}Notice: ${value}`)
        break
      default:
        shown.push(indent + line)
    }
  }
  let text = shown.join('\n').trimEnd()
  for (const mask of masks) text = text.split(mask).join('***')
  return text
}

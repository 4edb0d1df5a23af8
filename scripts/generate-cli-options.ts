/**
 * Writes src/cli/options.generated.ts from action.yml: each input's name, default and the first
 * sentence of its description, from which the command line builds --help (src/cli/help.ts). The
 * bundle then carries the help text without reading action.yml, which it does not ship. Then puts
 * that --help into docs/cli.md, between its help markers.
 *   npm run docs:cli             rewrite either file where it differs
 *   npm run docs:cli -- --check  write nothing; exit 1 when either is out of date
 * A test fails when either differs from what this writes.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { format, resolveConfig, type Options } from 'prettier'
import { parseActionYml } from './generate-docs.ts'

export const OPTIONS_FILE = new URL('../src/cli/options.generated.ts', import.meta.url)
export const CLI_DOC = new URL('../docs/cli.md', import.meta.url)
const HELP_START = '<!-- help:start -->'
const HELP_END = '<!-- help:end -->'

/** docs/cli.md with this --help text between its markers, as a text block. */
export function withHelp(doc: string, help: string): string {
  const from = doc.indexOf(HELP_START)
  const to = doc.indexOf(HELP_END)
  if (from === -1 || to < from)
    throw new Error(`docs/cli.md needs ${HELP_START} and ${HELP_END}, in that order.`)
  const block = `\n\n\`\`\`text\n${help.trimEnd()}\n\`\`\`\n\n`
  return `${doc.slice(0, from + HELP_START.length)}${block}${doc.slice(to)}`
}

/** The first sentence of a description, on one line: what --help shows. */
export function firstSentence(description: string): string {
  const text = description.replace(/\s+/g, ' ').trim()
  return text.split(/(?<=\.)\s+(?=[A-Z])/)[0] ?? text
}

/** The module's text for this action.yml, formatted as Prettier leaves it. */
export async function renderCliOptions(
  actionYmlText: string,
  prettierOptions: Options = {}
): Promise<string> {
  const { inputs } = parseActionYml(actionYmlText)
  const entries = Object.entries(inputs).map(([name, input]) => ({
    name,
    default: input.default ?? '',
    summary: firstSentence(input.description)
  }))
  const source = `// Generated from action.yml by scripts/generate-cli-options.ts (npm run docs:cli): do not edit.
import type { InputName } from '../step/inputs.ts'

/** One input of action.yml as --help shows it. */
export interface InputSummary {
  name: InputName
  /** As action.yml declares it; '' for none. */
  default: string
  /** The first sentence of its description. */
  summary: string
}

/** Every input of action.yml, in its order. */
export const ACTION_INPUTS: readonly InputSummary[] = ${JSON.stringify(entries)}
`
  return format(source, { ...prettierOptions, parser: 'typescript' })
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check')
  const actionYml = readFileSync(new URL('../action.yml', import.meta.url), 'utf8')
  const options = await renderCliOptions(actionYml, (await resolveConfig(OPTIONS_FILE)) ?? {})
  const stale: string[] = []
  if (update(OPTIONS_FILE, options, check)) stale.push('src/cli/options.generated.ts')
  // Imported only now, so that --help is built from the options just written.
  const { helpText } = await import('../src/cli/help.ts')
  const doc = readFileSync(CLI_DOC, 'utf8')
  if (update(CLI_DOC, withHelp(doc, helpText()), check)) stale.push('docs/cli.md')
  if (stale.length === 0) {
    console.log('src/cli/options.generated.ts and docs/cli.md are up to date with action.yml.')
  } else if (check) {
    console.error(
      `${stale.join(' and ')}: out of date with action.yml (--help): run npm run docs:cli.`
    )
    process.exitCode = 1
  } else {
    console.log(`${stale.join(' and ')}: rewrote --help from action.yml.`)
  }
}

/** Whether the file differs from `text`; written unless only checking. */
function update(file: URL, text: string, check: boolean): boolean {
  let current = ''
  try {
    current = readFileSync(file, 'utf8')
  } catch {
    // Not written yet.
  }
  if (current === text) return false
  if (!check) writeFileSync(file, text)
  return true
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error))
    process.exitCode = 1
  })
}

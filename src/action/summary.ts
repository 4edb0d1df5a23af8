import { formatDuration } from '../lib/duration.ts'
import { worstStatus } from './outputs.ts'
import { ActionStatus, type RunReport } from './report.ts'

/** How each status is shown: a marker a reader spots at a glance, and a headline. */
const LOOKS: Record<string, { marker: string; headline: string }> = {
  COMPLETED: { marker: '✅', headline: 'Hex run completed' },
  ERRORED: { marker: '❌', headline: 'Hex run errored' },
  KILLED: { marker: '🛑', headline: 'Hex run was killed' },
  UNABLE_TO_ALLOCATE_KERNEL: {
    marker: '❌',
    headline: 'Hex could not allocate a kernel for the run'
  },
  PENDING: { marker: '⏳', headline: 'Hex run started' },
  RUNNING: { marker: '⏳', headline: 'Hex run started' },
  [ActionStatus.Timeout]: { marker: '⏱️', headline: 'Hex run timed out' },
  [ActionStatus.Cancelled]: { marker: '🚫', headline: 'Hex run cancelled' },
  [ActionStatus.DryRun]: { marker: '🧪', headline: 'Hex dry run accepted' },
  [ActionStatus.Error]: { marker: '❌', headline: 'Hex run failed' }
}

/** Text from Hex or the user goes into a Markdown table: keep it on one line and inert. */
function cell(text: string): string {
  return (
    text
      // Markdown first: a Hex message about __init__ must not turn bold. Before the entities below,
      // whose # and & it would otherwise break.
      .replace(/[\\`*_[\]~#]/g, '\\$&')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/\|/g, '&#124;')
      .replace(/\r?\n/g, ' ')
  )
}

function code(text: string): string {
  return `<code>${cell(text)}</code>`
}

function link(url: string, text: string): string {
  // Only http(s) links are rendered as links; anything else is shown as text.
  if (!/^https?:\/\//i.test(url)) return cell(url)
  const safe = url.replace(
    /[\s()<>|]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
  )
  return `[${cell(text)}](${safe})`
}

/** The job summary for one step, as GitHub-flavoured Markdown. Holds no secret: it has none. */
export function renderSummary(report: RunReport): string {
  const { marker, headline } = look(report.status)
  const rows: [string, string][] = [['Project', code(report.projectId)]]
  if (report.runUrl) rows.push(['Run', link(report.runUrl, 'Open the run in Hex')])
  if (report.runId) rows.push(['Run ID', code(report.runId)])
  if (report.projectVersion) rows.push(['Project version', cell(report.projectVersion)])
  if (report.startedAt) rows.push(['Started', cell(report.startedAt)])
  if (report.endedAt) rows.push(['Ended', cell(report.endedAt)])
  if (report.elapsedMs !== undefined)
    rows.push(['Duration', cell(formatDuration(report.elapsedMs))])
  if (report.traceId) rows.push(['Trace ID', code(report.traceId)])
  if (report.viewId) rows.push(['Saved view', code(report.viewId)])

  // The status heads the table: a Markdown table needs a header row, and an empty one shows as a
  // blank strip.
  const lines = [
    `### ${marker} ${headline}`,
    '',
    `| Status | ${marker} ${cell(report.status)} |`,
    '| :-- | :-- |'
  ]
  for (const [name, value] of rows) lines.push(`| ${name} | ${value} |`)
  lines.push('')
  if (report.message) lines.push(`> ${cell(report.message)}`, '')
  for (const note of report.notes) lines.push(`- ${cell(note)}`)
  if (report.notes.length > 0) lines.push('')

  lines.push(...paramsBlock(report.inputParams))
  return lines.join('\n')
}

/** The job summary for a step with several runs: one row per run, the worst status on top. */
export function renderGroupSummary(
  reports: RunReport[],
  inputParams: Record<string, unknown>
): string {
  const worst = worstStatus(reports.map((r) => r.status))
  const { marker } = look(worst)
  const ok = reports.filter((r) => r.succeeded).length
  const headline =
    ok === reports.length
      ? `${reports.length} Hex runs succeeded`
      : `${reports.length - ok} of ${reports.length} Hex runs did not succeed`
  const lines = [
    `### ${marker} ${headline}`,
    '',
    '| Project | Run | Status | Duration |',
    '| :-- | :-- | :-- | :-- |'
  ]
  for (const r of reports) {
    const project = r.projectName
      ? `${cell(r.projectName)} ${code(r.projectId)}`
      : code(r.projectId)
    const run = r.runUrl ? link(r.runUrl, r.runId ?? 'Open in Hex') : '–'
    const duration = r.elapsedMs !== undefined ? cell(formatDuration(r.elapsedMs)) : '–'
    lines.push(`| ${project} | ${run} | ${look(r.status).marker} ${cell(r.status)} | ${duration} |`)
  }
  lines.push('')
  for (const r of reports) {
    const label = cell(r.projectName ?? r.projectId)
    if (r.message) lines.push(`- **${label}**: ${cell(r.message)}`)
    for (const note of r.notes) lines.push(`- **${label}**: ${cell(note)}`)
  }
  if (reports.some((r) => r.message || r.notes.length > 0)) lines.push('')
  lines.push(...paramsBlock(inputParams))
  return lines.join('\n')
}

function look(status: string): { marker: string; headline: string } {
  return LOOKS[status] ?? { marker: '❔', headline: `Hex run ended ${status}` }
}

function paramsBlock(inputParams: Record<string, unknown>): string[] {
  const count = Object.keys(inputParams).length
  return [
    '<details>',
    `<summary>Input parameters (${count})</summary>`,
    '',
    // A fence longer than any backtick run in the JSON keeps the block closed.
    fence(JSON.stringify(inputParams, null, 2)),
    '',
    '</details>',
    ''
  ]
}

function fence(body: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length))
  const ticks = '`'.repeat(longest + 1)
  return `${ticks}json\n${body}\n${ticks}`
}

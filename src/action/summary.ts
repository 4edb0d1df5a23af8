import { formatDuration } from '../lib/duration.ts'
import { redact, stripControls } from '../lib/safe-text.ts'
import type { Attempts, RunFacts } from '../runs/types.ts'
import { ActionStatus, projectLabel, slowerThanUsual, type RunReport } from '../step/report.ts'
import { phaseWords, titleOf } from '../step/run-words.ts'
import { isGroup, worstStatus, type StepResult } from '../step/result.ts'
import { cell, code, fence, link, MAX_PARAMS_JSON, redacted, type SummaryView } from './markdown.ts'

export { linkable, MAX_PARAMS_JSON, summaryText, type SummaryView } from './markdown.ts'

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
  [ActionStatus.Skipped]: { marker: '⏭️', headline: 'Hex run skipped: one was in progress' },
  [ActionStatus.Error]: { marker: '❌', headline: 'Hex run failed' }
}

/**
 * The job summary of a step, as GitHub-flavoured Markdown: a headline, then one run's details or
 * a row per run, what the reader should know (each line naming its project when there are
 * several), and the input parameters sent. Every piece of text is redacted, then escaped.
 */
export function renderStepSummary(given: StepResult, view: SummaryView = {}): string {
  const secrets = view.secrets ?? []
  // Input parameters are redacted as JSON text (below): a deep object is not walked here.
  const reports = given.reports.map((r) => redacted(r, secrets))
  const viewId = given.viewId === undefined ? undefined : redact(given.viewId, secrets)
  const group = isGroup(given)
  const lines = group ? runsTable(reports, view) : runTable(reports[0] as RunReport, viewId, view)
  lines.push('')
  for (const r of reports) {
    const label = group ? `**${cell(projectLabel(r))}**: ` : ''
    if (r.message && group) lines.push(`- ${label}${cell(r.message)}`)
    else if (r.message) lines.push(`> ${cell(r.message)}`, '')
    for (const note of r.notes) lines.push(`- ${label}${cell(note)}`)
  }
  if (lines.at(-1) !== '') lines.push('')
  lines.push(...paramsBlock(given.inputParams, secrets))
  return lines.join('\n')
}

/** One run: its status heads a table of its facts. */
function runTable(report: RunReport, viewId: string | undefined, view: SummaryView): string[] {
  const { marker, headline } = look(report.status)
  const run: Partial<RunFacts> = report.run ?? {}
  const title = titleOf(report)
  const rows: [string, string][] = [['Project', projectCell(report)]]
  if (run.runUrl) rows.push(['Run', link(run.runUrl, 'Open the run in Hex', view)])
  if (run.runId) rows.push(['Run ID', code(run.runId)])
  if (report.attempts) rows.push(['Attempts', attemptsCell(report.attempts, view)])
  if (run.projectVersion) rows.push(['Project version', cell(run.projectVersion)])
  if (run.startedAt) rows.push(['Started', cell(run.startedAt)])
  if (run.endedAt) rows.push(['Ended', cell(run.endedAt)])
  if (run.elapsedMs !== undefined) rows.push(['Duration', durationCell(run)])
  if (run.queuedMs !== undefined)
    rows.push(['Queued for a kernel', cell(formatDuration(run.queuedMs))])
  if (run.runMs !== undefined) rows.push(['Ran', cell(formatDuration(run.runMs))])
  if (run.traceId) rows.push(['Trace ID', code(run.traceId)])
  if (viewId) rows.push(['Saved view', code(viewId)])
  // The status heads the table: a Markdown table needs a header row, and an empty one shows as a
  // blank strip.
  return [
    `### ${marker} ${headline}${title === undefined ? '' : `: ${cell(title)}`}`,
    '',
    `| Status | ${marker} ${cell(report.status)} |`,
    '| :-- | :-- |',
    ...rows.map(([name, value]) => `| ${name} | ${value} |`)
  ]
}

/** Several runs: a row each, the worst status on top. */
function runsTable(reports: RunReport[], view: SummaryView): string[] {
  const { marker } = look(worstStatus(reports.map((r) => r.status)))
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
    const project = projectCell(r)
    const run = r.run?.runUrl ? link(r.run.runUrl, r.run.runId, view) : '–'
    const phases = phaseWords(r.run)
    const took = r.run?.elapsedMs !== undefined ? durationCell(r.run) : '–'
    const duration = phases === undefined ? took : `${took}<br>${cell(phases)}`
    lines.push(`| ${project} | ${run} | ${look(r.status).marker} ${cell(r.status)} | ${duration} |`)
  }
  return lines
}

/** retry-unallocated: how many runs it took, each earlier one linked ("3: 1, 2 got no kernel"). */
function attemptsCell({ earlier }: Attempts, view: SummaryView): string {
  const links = earlier.map((run, i) =>
    run.runUrl ? link(run.runUrl, String(i + 1), view) : i + 1
  )
  return `${earlier.length + 1}: ${links.join(', ')} ended UNABLE_TO_ALLOCATE_KERNEL`
}

/** The project: its title where known (else the name it was given by), and its ID. */
function projectCell(report: RunReport): string {
  const { projectId, projectName } = report.target
  const name = titleOf(report) ?? projectName
  return name ? `${cell(name)} ${code(projectId)}` : code(projectId)
}

/** The run's duration, next to the usual one when the history is known; a slow run stands out. */
export function durationCell(run: Pick<RunFacts, 'elapsedMs' | 'usualMs'>): string {
  const took = cell(formatDuration(run.elapsedMs ?? 0))
  if (run.usualMs === undefined) return took
  const usual = `(usually ${cell(formatDuration(run.usualMs))})`
  return slowerThanUsual(run) ? `⚠️ **${took}** ${usual}` : `${took} ${usual}`
}

export function look(status: string): { marker: string; headline: string } {
  // An unknown status is Hex's text: escaped like any other.
  // (A plain status word, SOME_THING, is inert as it is: GitHub does not emphasise within a word.)
  const shown = /^[A-Z0-9]+(?:_[A-Z0-9]+)*$/.test(status) ? status : cell(status)
  return LOOKS[status] ?? { marker: '❔', headline: `Hex run ended ${shown}` }
}

function paramsBlock(inputParams: Record<string, unknown>, secrets: readonly string[]): string[] {
  const count = Object.keys(inputParams).length
  // None were sent: nothing to show.
  if (count === 0) return []
  let json: string
  let note: string | undefined
  try {
    json = redact(JSON.stringify(inputParams, null, 2), secrets)
  } catch {
    // Nested too deep to write out (a RangeError), or otherwise not JSON.
    json = '{}'
    note = 'The input parameters could not be shown: they are nested too deeply.'
  }
  if (json.length > MAX_PARAMS_JSON) {
    note = `The input parameters are cut at ${MAX_PARAMS_JSON / 1024} KiB of their ${Math.ceil(json.length / 1024)} KiB.`
    json = `${json.slice(0, MAX_PARAMS_JSON)}\n…`
  }
  return [
    '<details>',
    `<summary>Input parameters (${count})</summary>`,
    '',
    ...(note === undefined ? [] : [`*${note}*`, '']),
    // A fence longer than any backtick run in the JSON keeps the block closed.
    fence(stripControls(json)),
    '',
    '</details>',
    ''
  ]
}

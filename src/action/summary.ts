import { redact, stripControls } from '../lib/safe-text.ts'
import { formatDuration } from '../lib/duration.ts'
import { ActionStatus, slowerThanUsual, type RunReport } from '../step/report.ts'
import { isGroup, worstStatus, type StepResult } from '../step/result.ts'

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

/** What the summary is rendered against besides the report. */
export interface SummaryView {
  /** The api-url of the step: links go only to its host, or to Hex's. */
  apiBase?: string
  /** Redacted from every piece of text, before any Markdown escaping. */
  secrets?: readonly string[]
}

/** One piece of text from Hex or the user is cut here: the summary stays well under GitHub's 1 MiB. */
const MAX_CELL = 4096
/** The input-parameters block is cut here, with a note saying so. */
export const MAX_PARAMS_JSON = 64 * 1024

/** Text from Hex or the user goes into a Markdown table: keep it on one line and inert. */
function cell(raw: string): string {
  const text = raw.length > MAX_CELL ? `${raw.slice(0, MAX_CELL)}… (cut)` : raw
  return (
    stripControls(text)
      // Markdown first: a Hex message about __init__ must not turn bold. Before the entities below,
      // whose # and & it would otherwise break.
      .replace(/[\\`*_[\]~#]/g, '\\$&')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/\|/g, '&#124;')
      .replace(/\n/g, ' ')
      // GitHub links bare URLs and www. names in text; an entity (the same text to a reader) in
      // place of the `:` of `://` and the `.` of `www.` keeps Hex's text from becoming a link.
      .replace(/:\/\//g, '&#58;//')
      .replace(/\b(www)\./gi, '$1&#46;')
  )
}

function code(text: string): string {
  return `<code>${cell(text)}</code>`
}

/**
 * Whether a URL from Hex may be a link: https to the api-url's host or to a Hex host
 * (hex.tech and its subdomains), or the api-url's own origin exactly (a stand-in on loopback).
 */
export function linkable(url: string, apiBase: string | undefined): boolean {
  let target: URL
  try {
    target = new URL(url)
  } catch {
    return false
  }
  if (target.username !== '' || target.password !== '') return false
  let api: URL | undefined
  try {
    api = apiBase === undefined ? undefined : new URL(apiBase)
  } catch {
    api = undefined
  }
  if (api !== undefined && target.origin === api.origin) return true
  if (target.protocol !== 'https:') return false
  const host = target.hostname.toLowerCase()
  return host === 'hex.tech' || host.endsWith('.hex.tech') || host === api?.hostname.toLowerCase()
}

function link(url: string, text: string, view: SummaryView): string {
  // Only links to Hex (or the api-url's host) are rendered as links; anything else is text.
  if (!linkable(url, view.apiBase)) return cell(url)
  const safe = url.replace(
    /[\s()<>|[\]`]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
  )
  return `[${cell(text)}](${safe})`
}

/** Every string in a report with the secrets redacted: done first, before any escaping. */
function redacted<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value
  if (typeof value === 'string') return redact(value, secrets) as T
  if (Array.isArray(value)) return value.map((v: unknown) => redacted(v, secrets)) as T
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const copy: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) copy[k] = redacted(v, secrets)
    return copy as T
  }
  return value
}

/** One line of text (e.g. the post step's) for the summary: secrets redacted, then escaped. */
export function summaryText(text: string, secrets: readonly string[] = []): string {
  return cell(redact(text, secrets))
}

/** The job summary for one step, as GitHub-flavoured Markdown. Holds no secret: it has none. */
export function renderSummary(given: RunReport, view: SummaryView = {}): string {
  const secrets = view.secrets ?? []
  // Input parameters are redacted as JSON text (below): a deep object is not walked here.
  const report = {
    ...redacted({ ...given, inputParams: {} }, secrets),
    inputParams: given.inputParams
  }
  const { marker, headline } = look(report.status)
  const rows: [string, string][] = [['Project', code(report.projectId)]]
  if (report.runUrl) rows.push(['Run', link(report.runUrl, 'Open the run in Hex', view)])
  if (report.runId) rows.push(['Run ID', code(report.runId)])
  if (report.projectVersion) rows.push(['Project version', cell(report.projectVersion)])
  if (report.startedAt) rows.push(['Started', cell(report.startedAt)])
  if (report.endedAt) rows.push(['Ended', cell(report.endedAt)])
  if (report.elapsedMs !== undefined) rows.push(['Duration', durationCell(report)])
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

  lines.push(...paramsBlock(report.inputParams, secrets))
  return lines.join('\n')
}

/** The job summary for a step with several runs: one row per run, the worst status on top. */
export function renderGroupSummary(
  given: RunReport[],
  inputParams: Record<string, unknown>,
  view: SummaryView = {}
): string {
  const secrets = view.secrets ?? []
  const reports = given.map((r) => ({
    ...redacted({ ...r, inputParams: {} }, secrets),
    inputParams: {}
  }))
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
    const run = r.runUrl ? link(r.runUrl, r.runId ?? 'Open in Hex', view) : '–'
    const duration = r.elapsedMs !== undefined ? durationCell(r) : '–'
    lines.push(`| ${project} | ${run} | ${look(r.status).marker} ${cell(r.status)} | ${duration} |`)
  }
  lines.push('')
  for (const r of reports) {
    const label = cell(r.projectName ?? r.projectId)
    if (r.message) lines.push(`- **${label}**: ${cell(r.message)}`)
    for (const note of r.notes) lines.push(`- **${label}**: ${cell(note)}`)
  }
  if (reports.some((r) => r.message || r.notes.length > 0)) lines.push('')
  lines.push(...paramsBlock(inputParams, secrets))
  return lines.join('\n')
}

/** The run's duration, next to the usual one when the history is known; a slow run stands out. */
function durationCell(report: RunReport): string {
  const took = cell(formatDuration(report.elapsedMs ?? 0))
  if (report.usualMs === undefined) return took
  const usual = `(usually ${cell(formatDuration(report.usualMs))})`
  return slowerThanUsual(report) ? `⚠️ **${took}** ${usual}` : `${took} ${usual}`
}

function look(status: string): { marker: string; headline: string } {
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

function fence(body: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length))
  const ticks = '`'.repeat(longest + 1)
  return `${ticks}json\n${body}\n${ticks}`
}

/** The job summary of a step: one run's, or a group's. */
export function renderStepSummary(result: StepResult, view: SummaryView = {}): string {
  return isGroup(result)
    ? renderGroupSummary(result.reports, result.inputParams, view)
    : renderSummary(result.reports[0] as RunReport, view)
}

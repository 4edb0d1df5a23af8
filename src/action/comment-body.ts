/**
 * The pull-request comment of a step: a hidden marker that names it (so the next run of the job
 * finds it and edits it), a headline, a row per run and what failed, from the step's RunReports
 * alone, with every piece of text redacted, then escaped as the job summary's is (markdown.ts):
 * no HTML, no links but Hex's, no mention of anyone, nothing that breaks the table or the marker.
 */
import { formatDuration } from '../lib/duration.ts'
import { redact } from '../lib/safe-text.ts'
import type { CommentKey } from '../step/comment-settings.ts'
import { projectLabel, type RunReport } from '../step/report.ts'
import { phaseWords } from '../step/run-words.ts'
import { worstStatus, type StepResult } from '../step/result.ts'
import { cell, link, redacted, type SummaryView } from './markdown.ts'
import { durationCell, look } from './summary.ts'

/** How every marker of the action's comments starts. */
export const MARKER_START = '<!-- hex-run-action pr-comment'

/**
 * The comment's first line: an HTML comment (GitHub shows none) naming the workflow, job, step and
 * projects. Each part is percent-encoded, so no `-->`, line break or space can end it early.
 */
export function commentMarker(key: CommentKey): string {
  const part = (name: string, value: string) => `${name}=${encodeURIComponent(value)}`
  const projects = key.projects.map(encodeURIComponent).join(',')
  return `${MARKER_START} ${part('workflow', key.workflow)} ${part('job', key.job)} ${part('step', key.step)} projects=${projects} -->`
}

/** What the comment is written with besides the result. */
export interface CommentView extends SummaryView {
  key: CommentKey
  /** This workflow run on GitHub. */
  runUrl?: string
  /** When the comment is written, on the step's clock. */
  now: number
}

/** One column of the table: its header and each run's cell, from the run's report alone. */
interface Column {
  header: string
  cell: (report: RunReport, view: SummaryView) => string
}

/**
 * The table's columns, left to right. A new fact of a run (the project's title, how long the run
 * waited for a kernel and how long it ran) is a change of one entry here: the project's column
 * shows projectLabel(), the duration's durationCell(), the job summary's own.
 */
const COLUMNS: Column[] = [
  { header: 'Project', cell: (r) => cell(projectLabel(r)) },
  { header: 'Status', cell: (r) => `${look(r.status).marker} ${cell(r.status)}` },
  {
    header: 'Duration',
    cell: (r) => {
      if (r.run?.elapsedMs === undefined) return '–'
      // How long it waited for a kernel and ran, where Hex said: the summary's own rows, in short.
      const phases = phaseWords(r.run)
      return phases === undefined ? durationCell(r.run) : `${durationCell(r.run)}; ${phases}`
    }
  },
  {
    header: 'Run',
    cell: (r, view) => (r.run?.runUrl ? link(r.run.runUrl, 'Open in Hex', view) : '–')
  }
]

/** A message in the comment is cut here: the job summary has it whole. */
const MAX_MESSAGE = 1_000
/** Rows past this length are left to the job summary: GitHub takes at most 65,536 characters. */
const MAX_BODY = 60_000

/** The comment's Markdown: the marker first, then the step's result. */
export function renderComment(result: StepResult, view: CommentView): string {
  const secrets = view.secrets ?? []
  const reports = result.reports.map((r) => redacted(r, secrets))
  const several = reports.length > 1
  const { marker, headline } = look(worstStatus(reports.map((r) => r.status)))
  const succeeded = reports.filter((r) => r.succeeded).length
  const lines = [
    commentMarker(view.key),
    several
      ? `### ${marker} Hex runs: ${succeeded} of ${reports.length} succeeded`
      : `### ${marker} ${headline}`,
    '',
    `| ${COLUMNS.map((c) => c.header).join(' | ')} |`,
    `| ${COLUMNS.map(() => ':--').join(' | ')} |`
  ]
  const rest: string[] = []
  for (const r of reports) {
    if (r.message) rest.push(`- **${cell(projectLabel(r))}**: ${cell(cut(r.message))}`)
  }
  let left = reports.length
  for (const r of reports) {
    const row = `| ${COLUMNS.map((c) => c.cell(r, view)).join(' | ')} |`
    if (lines.join('\n').length + row.length > MAX_BODY) break
    lines.push(row)
    left--
  }
  if (left > 0) lines.push('', `*${left} more: see the job summary.*`)
  const footer = ['', footerLine(view, result.elapsedMs)]
  if ([...lines, ...rest, ...footer].join('\n').length <= MAX_BODY) lines.push('', ...rest)
  lines.push(...footer)
  return redact(lines.join('\n'), secrets)
}

/** Who wrote the comment, from which run, and when. */
function footerLine(view: CommentView, elapsedMs: number): string {
  const from = view.runUrl ? `[workflow run](${view.runUrl})` : 'a workflow run'
  const job = view.key.job ? `, job ${cell(view.key.job)}` : ''
  const at = new Date(view.now)
    .toISOString()
    .replace(/:\d\d\.\d+Z$/, ' UTC')
    .replace('T', ' ')
  return `<sub>hex-run-action, from ${from}${job}: the step took ${cell(formatDuration(elapsedMs))}; updated ${at}.</sub>`
}

function cut(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text
}

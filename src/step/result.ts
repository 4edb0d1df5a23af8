import { ACTION_NAME } from './inputs.ts'
import { ActionStatus, projectLabel, type RunReport } from './report.ts'

/** What a step came to, on every path: what both edges report (outputs and summary, or a terminal). */
export interface StepResult {
  /** One report per project, in the order given; one for a step that failed before any run. */
  reports: RunReport[]
  /** From the step's start to its end. */
  elapsedMs: number
  /** Sent to every run as inputParams; empty when none were. */
  inputParams: Record<string, unknown>
  /** The saved view whose inputs the runs used. */
  viewId?: string
  /** Inputs that did not read: each is an error of its own, and nothing was sent to Hex. */
  inputErrors?: string[]
  /** The api-url the step used, when it read: the summary links only to it and to Hex. */
  apiBase?: string
}

/** Several projects were given: outputs, summary and log speak of the group. */
export function isGroup(result: StepResult): boolean {
  return result.reports.length > 1
}

/** Whether the step succeeds: every input read, and every run's report says so. */
export function stepSucceeded(result: StepResult): boolean {
  return result.inputErrors === undefined && result.reports.every((r) => r.succeeded)
}

/**
 * How bad each status is, worst first: the `status` of a step with several runs is the worst of
 * theirs, so one check (`status == 'COMPLETED'`) tells whether all completed.
 */
const SEVERITY = [
  ActionStatus.Error,
  ActionStatus.Timeout,
  'UNABLE_TO_ALLOCATE_KERNEL',
  'ERRORED',
  'KILLED',
  ActionStatus.Cancelled,
  'RUNNING',
  'PENDING',
  ActionStatus.DryRun,
  ActionStatus.Skipped,
  'COMPLETED'
]

export function worstStatus(statuses: string[]): string {
  // A status this list does not know ranks just above COMPLETED's neighbours: never "better".
  const rank = (s: string) =>
    SEVERITY.includes(s) ? SEVERITY.indexOf(s) : SEVERITY.indexOf('RUNNING')
  return statuses.reduce((worst, s) => (rank(s) < rank(worst) ? s : worst), 'COMPLETED')
}

/** One thing the step says at its end: an error (the step fails) or a warning, with its title. */
export interface Conclusion {
  level: 'error' | 'warning' | 'notice'
  text: string
  title: string
}

/**
 * What the step says at its end, for either edge to show: each input that did not read, then each
 * run's failure (an error) or what its reader should know (a warning); with several runs, each
 * line names its project. A run fail-fast stopped is a consequence, not a second cause: a warning.
 */
export function conclusions(result: StepResult): Conclusion[] {
  if (result.inputErrors !== undefined)
    return result.inputErrors.map((text) => ({ level: 'error', text, title: 'Invalid input' }))
  const group = isGroup(result)
  const said: Conclusion[] = []
  for (const report of result.reports) {
    if (!report.message) continue
    const label = group ? `[${projectLabel(report)}] ` : ''
    const title = report.run ? `Hex run ${report.status}` : `${ACTION_NAME} failed`
    if (!report.succeeded && !report.stoppedByFailFast)
      said.push({ level: 'error', text: `${label}${failureText(report)}`, title })
    // A skip is what was asked for: news, not a warning.
    else if (report.status === ActionStatus.Skipped)
      said.push({ level: 'notice', text: `${label}${report.message}`, title: 'Hex run skipped' })
    else said.push({ level: 'warning', text: `${label}${report.message}`, title })
  }
  return said
}

/** The closing line of a step with several runs: how many succeeded. */
export function groupTally(result: StepResult): string | undefined {
  if (!isGroup(result)) return undefined
  const { reports } = result
  const failed = reports.filter((r) => !r.succeeded).length
  return `${reports.length - failed} of ${reports.length} Hex runs ${failed === 0 ? 'succeeded.' : `succeeded; ${failed} did not.`}`
}

function failureText(report: RunReport): string {
  const url = report.run?.runUrl
  const link = url && !report.message?.includes(url) ? ` ${url}` : ''
  return `${report.message ?? ''}${link}`
}

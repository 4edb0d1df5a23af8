import { Output, type OutputName } from './constants.ts'
import { ActionStatus, type RunReport } from './report.ts'

/** One entry of the `runs` output. */
export interface RunSummaryEntry {
  projectId: string
  projectName?: string
  runId: string | null
  runUrl: string | null
  status: string
  elapsedSeconds: number | null
  /** The median of the project's history, in whole seconds; null when it was not read. */
  usualSeconds: number | null
}

function seconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.round(ms / 1000)
}

export function runsEntry(report: RunReport): RunSummaryEntry {
  return {
    projectId: report.projectId,
    ...(report.projectName !== undefined ? { projectName: report.projectName } : {}),
    runId: report.runId ?? null,
    runUrl: report.runUrl ?? null,
    status: report.status,
    elapsedSeconds: seconds(report.elapsedMs) ?? null,
    usualSeconds: seconds(report.usualMs) ?? null
  }
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
  'COMPLETED'
]

export function worstStatus(statuses: string[]): string {
  // A status this list does not know ranks just above COMPLETED's neighbours: never "better".
  const rank = (s: string) =>
    SEVERITY.includes(s) ? SEVERITY.indexOf(s) : SEVERITY.indexOf('RUNNING')
  return statuses.reduce((worst, s) => (rank(s) < rank(worst) ? s : worst), 'COMPLETED')
}

/** Every output, always: an unknown value is an empty string, so `steps.x.outputs.y` exists. */
export function reportOutputs(report: RunReport): Record<OutputName, string> {
  return {
    [Output.RunId]: report.runId ?? '',
    [Output.RunUrl]: report.runUrl ?? '',
    [Output.StatusUrl]: report.statusUrl ?? '',
    [Output.Status]: report.status,
    [Output.ElapsedSeconds]: String(seconds(report.elapsedMs) ?? ''),
    [Output.UsualSeconds]: String(seconds(report.usualMs) ?? ''),
    [Output.StartedAt]: report.startedAt ?? '',
    [Output.EndedAt]: report.endedAt ?? '',
    [Output.TraceId]: report.traceId ?? '',
    [Output.ProjectVersion]: report.projectVersion ?? '',
    [Output.Runs]: JSON.stringify([runsEntry(report)])
  }
}

/**
 * The outputs of a step with several runs: `runs` lists them, `status` is the worst, and
 * `elapsed-seconds` is the step's wait; the outputs that name one run are empty.
 */
export function groupOutputs(reports: RunReport[], elapsedMs: number): Record<OutputName, string> {
  return {
    [Output.RunId]: '',
    [Output.RunUrl]: '',
    [Output.StatusUrl]: '',
    [Output.Status]: worstStatus(reports.map((r) => r.status)),
    [Output.ElapsedSeconds]: String(seconds(elapsedMs)),
    [Output.UsualSeconds]: '',
    [Output.StartedAt]: '',
    [Output.EndedAt]: '',
    [Output.TraceId]: '',
    [Output.ProjectVersion]: '',
    [Output.Runs]: JSON.stringify(reports.map(runsEntry))
  }
}

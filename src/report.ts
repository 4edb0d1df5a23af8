import { Output, type OutputName } from './constants.ts'

/**
 * Statuses the action reports besides Hex's own: the action stopped waiting (TIMEOUT), the workflow
 * was cancelled (CANCELLED), Hex only validated the request (DRY_RUN), or the action failed before
 * it learned the run's status (ERROR).
 */
export const ActionStatus = {
  Timeout: 'TIMEOUT',
  Cancelled: 'CANCELLED',
  DryRun: 'DRY_RUN',
  Error: 'ERROR'
} as const

/** What one step did, filled in as it goes; outputs and the summary are rendered from it. */
export interface RunReport {
  projectId: string
  /** A Hex status, or one of ActionStatus. */
  status: string
  /** Whether the step succeeds. */
  succeeded: boolean
  runId?: string
  runUrl?: string
  statusUrl?: string
  traceId?: string
  projectVersion?: string
  /** ISO 8601. */
  startedAt?: string
  endedAt?: string
  /** From the trigger to the run's end (Hex's own count when it gives one) or to giving up. */
  elapsedMs?: number
  inputParams: Record<string, unknown>
  viewId?: string
  /** Why the step failed, or what the user should know; shown in the summary. */
  message?: string
  /** Extra lines for the summary, e.g. what happened to the run on a timeout. */
  notes: string[]
}

/** Every output, always: an unknown value is an empty string, so `steps.x.outputs.y` exists. */
export function reportOutputs(report: RunReport): Record<OutputName, string> {
  return {
    [Output.RunId]: report.runId ?? '',
    [Output.RunUrl]: report.runUrl ?? '',
    [Output.StatusUrl]: report.statusUrl ?? '',
    [Output.Status]: report.status,
    [Output.ElapsedSeconds]:
      report.elapsedMs === undefined ? '' : String(Math.round(report.elapsedMs / 1000)),
    [Output.StartedAt]: report.startedAt ?? '',
    [Output.EndedAt]: report.endedAt ?? '',
    [Output.TraceId]: report.traceId ?? '',
    [Output.ProjectVersion]: report.projectVersion ?? ''
  }
}

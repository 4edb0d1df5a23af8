import { formatDuration } from '../lib/duration.ts'
import type { CancelOutcome, RunOutcome, StopCause } from '../runs/types.ts'
import { RUNNER_WORDS, sentence, type Words } from './words.ts'

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

/** What one run came to, in the words a reader sees: outputs and the summary are rendered from it. */
export interface RunReport {
  projectId: string
  /** The title the project was given by (project-name). */
  projectName?: string
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
  /** How long the project's runs usually take (the median of its history), when it is known. */
  usualMs?: number
  inputParams: Record<string, unknown>
  viewId?: string
  /** Why the step failed, or what the user should know; shown in the summary. */
  message?: string
  /** Extra lines for the summary, e.g. what happened to the run on a timeout. */
  notes: string[]
  /** Stopped (or never started) because another run failed and fail-fast is on. */
  stoppedByFailFast?: boolean
}

/** What the wording of a report depends on, besides the outcome. */
export interface ReportContext {
  failOnRunFailure: boolean
  timeoutMs: number
  inputParams: Record<string, unknown>
  viewId?: string
  /** How a stop from outside is named: the runner's words unless the edge has its own. */
  words?: Words
}

/** Puts an outcome into words: status, whether the step succeeds, the message and the notes. */
export function toReport(outcome: RunOutcome, context: ReportContext): RunReport {
  const { target } = outcome
  const run = 'run' in outcome ? outcome.run : undefined
  const report: RunReport = {
    projectId: target.projectId,
    projectName: target.projectName,
    status: ActionStatus.Error,
    succeeded: false,
    runId: run?.runId,
    runUrl: run?.runUrl,
    statusUrl: run?.statusUrl,
    traceId: run?.traceId,
    projectVersion: run?.projectVersion,
    startedAt: run?.startedAt,
    endedAt: run?.endedAt,
    elapsedMs: run?.elapsedMs,
    usualMs: run?.usualMs,
    inputParams: context.inputParams,
    viewId: context.viewId,
    notes: []
  }
  const { notes } = report
  const words = context.words ?? RUNNER_WORDS
  if (outcome.recovered) notes.push(outcome.recovered)
  if (target.runId !== undefined && run)
    notes.push('run-id was given: the step followed a run started elsewhere.')
  const runId = run?.runId ?? ''
  switch (outcome.kind) {
    case 'ended': {
      report.status = outcome.status
      const took = formatDuration(outcome.run.elapsedMs ?? 0)
      if (outcome.status === 'COMPLETED') {
        report.succeeded = true
        break
      }
      report.succeeded = !context.failOnRunFailure
      report.message = `Hex run ${runId} ended ${outcome.status} after ${took}.${statusAdvice(outcome.status)}`
      if (!context.failOnRunFailure)
        notes.push('fail-on-run-failure is false: the step succeeds anyway.')
      break
    }
    case 'dry-run':
      report.status = ActionStatus.DryRun
      report.succeeded = true
      notes.push('dry-run is true: Hex validated the request and started no run.')
      break
    case 'not-waited':
      report.status = outcome.status
      report.succeeded = true
      if (target.runId === undefined)
        notes.push('wait is false: the step did not wait for the run to finish.')
      break
    case 'timed-out': {
      report.status = ActionStatus.Timeout
      const lastStatus = outcome.lastStatus ? ` (last status ${outcome.lastStatus})` : ''
      report.message = `Hex run ${runId} did not finish within the timeout of ${formatDuration(context.timeoutMs)}${lastStatus}.`
      if (outcome.readFailure) notes.push(outcome.readFailure)
      notes.push(cancelNote(outcome.cancel, 'cancel-on-timeout'))
      break
    }
    case 'stopped':
      report.status = ActionStatus.Cancelled
      report.stoppedByFailFast = outcome.by === 'fail-fast'
      if (outcome.phase === 'before-start') {
        report.message =
          outcome.by === 'workflow'
            ? `Not started: ${words.stopped} first.`
            : 'Not started: another run failed, and fail-fast is on.'
      } else if (outcome.phase === 'starting') {
        report.message = `${stopReason(outcome.by, words)} while the run was being started; Hex may have started it. Check the project in Hex.`
      } else {
        report.message = `${stopReason(outcome.by, words)} while Hex run ${runId} was going.`
        if (outcome.cancel) notes.push(cancelNote(outcome.cancel, 'cancel-on-workflow-cancel'))
      }
      break
    case 'failed':
      report.message = outcome.message
      break
  }
  if (slowerThanUsual(report))
    notes.push(
      `${formatDuration(report.elapsedMs ?? 0)} is more than twice the usual ${formatDuration(report.usualMs ?? 0)}, the median of the project's recent completed API-triggered runs.`
    )
  return report
}

/** A run that took more than this many times its usual duration is called out. */
export const SLOW_FACTOR = 2

/** Whether the run took more than twice as long as the project's runs usually do. */
export function slowerThanUsual(report: Pick<RunReport, 'elapsedMs' | 'usualMs'>): boolean {
  const { elapsedMs, usualMs } = report
  return elapsedMs !== undefined && usualMs !== undefined && elapsedMs > SLOW_FACTOR * usualMs
}

export function stopReason(by: StopCause, words: Words = RUNNER_WORDS): string {
  return by === 'workflow'
    ? sentence(words.stopped)
    : 'Another run failed and fail-fast is on: stopped'
}

function cancelNote(cancel: CancelOutcome, input: string): string {
  switch (cancel.kind) {
    case 'cancelled':
      return 'The run was cancelled in Hex.'
    case 'already-ended':
      return `The run had already ended ${cancel.status} when it was to be cancelled.`
    case 'failed':
      return `Cancelling the run in Hex failed: ${cancel.error}`
    case 'left-going':
      return `${input} is false: the run was left going in Hex.`
  }
}

function statusAdvice(status: string): string {
  switch (status) {
    case 'ERRORED':
      return ' A cell failed: open the run in Hex to see which.'
    case 'KILLED':
      return ' The run was cancelled in Hex.'
    case 'UNABLE_TO_ALLOCATE_KERNEL':
      return ' Hex could not start a kernel for it; the workspace may be at its limit of running kernels. Try again later.'
    default:
      return ''
  }
}

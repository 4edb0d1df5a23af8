import { formatDuration } from '../lib/duration.ts'
import type { Attempts, RunFacts, RunOutcome, RunTarget } from '../runs/types.ts'
import { attemptNotes } from './attempt-words.ts'
import { Input } from './inputs.ts'
import { cancelWording, runningWording, stopWording } from './outcome-words.ts'
import { titleOf } from './run-words.ts'
import { RUNNER_WORDS, type Words } from './words.ts'

/**
 * Statuses the action reports besides Hex's own: the action stopped waiting (TIMEOUT), the workflow
 * was cancelled (CANCELLED), Hex only validated the request (DRY_RUN), or the action failed before
 * it learned the run's status (ERROR).
 */
export const ActionStatus = {
  Timeout: 'TIMEOUT',
  Cancelled: 'CANCELLED',
  DryRun: 'DRY_RUN',
  Error: 'ERROR',
  /** if-running: skip found a run in progress and started none. */
  Skipped: 'SKIPPED'
} as const

/**
 * What one run came to, in the words a reader sees: the run's own facts as the run found them
 * (`run`, undefined when none was started), and what they mean for the step. Outputs, the summary
 * and the command line's result are all derived from it.
 */
export interface RunReport {
  /** The project, as the inputs gave it (its title when given by project-name). */
  target: RunTarget
  /** What is known of the run: its ID, links, times, duration and usual duration. */
  run?: RunFacts
  /** A Hex status, or one of ActionStatus. */
  status: string
  /** Whether the step succeeds. */
  succeeded: boolean
  /** Why the step failed, or what the user should know; shown in the summary. */
  message?: string
  /** Extra lines for the summary, e.g. what happened to the run on a timeout. */
  notes: string[]
  /** Stopped (or never started) because another run failed and fail-fast is on. */
  stoppedByFailFast?: boolean
  /** retry-unallocated started the project more than once: every attempt before `run`. */
  attempts?: Attempts
}

/** The project's name for a reader: its title in Hex where known, the name it was given by, else its ID. */
export function projectLabel(report: Pick<RunReport, 'target' | 'run'>): string {
  return titleOf(report) ?? report.target.projectName ?? report.target.projectId
}

/** What the wording of a report depends on, besides the outcome. */
export interface ReportContext {
  failOnRunFailure: boolean
  timeoutMs: number
  /** How a stop from outside is named: the runner's words unless the edge has its own. */
  words?: Words
}

/** Puts an outcome into words: status, whether the step succeeds, the message and the notes. */
export function toReport(outcome: RunOutcome, context: ReportContext): RunReport {
  const { target } = outcome
  const run = 'run' in outcome ? outcome.run : undefined
  const report: RunReport = { target, run, status: ActionStatus.Error, succeeded: false, notes: [] }
  const { notes } = report
  const words = context.words ?? RUNNER_WORDS
  if (outcome.recovered) notes.push(outcome.recovered)
  if (target.runId !== undefined && run)
    notes.push('run-id was given: the step followed a run started elsewhere.')
  if (run?.attached)
    notes.push(
      `${words.input(Input.IfRunning)} is attach: the step attached to Hex run ${run.runId}, already in progress, and reports its result; it did not start it, so it never cancels it.`
    )
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
      if (outcome.readFailure) {
        notes.push(outcome.readFailure)
        // Why the reads stopped belongs in the annotation too: it is what to act on.
        report.message += ` ${outcome.readFailure}`
      }
      notes.push(cancelWording(outcome.cancel, runId, 'cancel-on-timeout').note)
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
        report.message = `${stopWording(outcome.by, words).sentence} while the run was being started; Hex may have started it. Check the project in Hex.`
      } else {
        report.message = `${stopWording(outcome.by, words).sentence} while Hex run ${runId} was going.`
        if (outcome.cancel)
          notes.push(cancelWording(outcome.cancel, runId, 'cancel-on-workflow-cancel').note)
      }
      break
    case 'skipped':
      report.status = ActionStatus.Skipped
      report.succeeded = true
      report.message = `${runningWording(outcome.running)} is in progress. ${words.input(Input.IfRunning)} is skip: no run was started.`
      break
    case 'wait-timed-out':
      report.status = ActionStatus.Timeout
      report.message = `${runningWording(outcome.running)} was still in progress at the timeout of ${formatDuration(context.timeoutMs)}. ${words.input(Input.IfRunning)} is wait: no run was started, and that run, which the step did not start, was left going.`
      if (outcome.readFailure) report.message += ` ${outcome.readFailure}`
      break
    case 'unchecked':
      report.message = `Could not tell whether the project has a run in progress, so none was started: ${words.input(Input.IfRunning)} is ${outcome.policy}, and a run must not start alongside one. ${outcome.why.replace(/\.?$/, '.')} Run the job again once Hex answers, or set ${words.ref(Input.IfRunning)} to start to start a run whatever is in progress.`
      break
    case 'failed':
      report.message = outcome.message
      break
  }
  const retried = attemptNotes(outcome, words)
  notes.push(...retried.notes)
  if (retried.byFailFast) report.stoppedByFailFast = true
  if (outcome.attempts?.earlier.length) report.attempts = outcome.attempts
  if (run !== undefined && slowerThanUsual(run))
    notes.push(
      `${formatDuration(run.runMs ?? run.elapsedMs ?? 0)} is more than twice the usual ${formatDuration(run.usualMs ?? 0)}, the median of the project's recent completed API-triggered runs.`
    )
  return report
}

/** A run that took more than this many times its usual duration is called out. */
export const SLOW_FACTOR = 2

/**
 * Whether the run took more than twice as long as the project's runs usually do: its run time
 * where Hex's state events tell it (a wait for a kernel is not the project being slow).
 */
export function slowerThanUsual(run: Pick<RunFacts, 'elapsedMs' | 'usualMs' | 'runMs'>): boolean {
  const { usualMs } = run
  const tookMs = run.runMs ?? run.elapsedMs
  return tookMs !== undefined && usualMs !== undefined && tookMs > SLOW_FACTOR * usualMs
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

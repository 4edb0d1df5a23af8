import type { RetryNotice } from '../hex/retry.ts'
import type { RunProjectRequest, RunState } from '../hex/types.ts'
import type { RunHistory } from './history.ts'

/** A project to run, or a run of it to follow. */
export interface RunTarget {
  projectId: string
  /** The title it was given by (project-name). */
  projectName?: string
  /** Its title in Hex, when the project list gave it (project-name). */
  projectTitle?: string
  /** Follow this run, started elsewhere, instead of triggering one. */
  runId?: string
}

/** How one run is carried out: what the inputs decided about it, without the inputs themselves. */
export interface RunPlan {
  /** The RunProject body; unused when following a run. With dryRun, Hex only validates it. */
  request: RunProjectRequest
  /** The API base, for the log line that shows the request. */
  apiBase: string
  /** false: return as soon as the run has started (or been found). */
  wait: boolean
  /**
   * Read the project's recent runs right after the trigger, and poll from them (around the
   * expected end) once they are known. Not for a run that is followed.
   */
  history?: boolean
  cancelOnTimeout: boolean
  cancelOnWorkflowCancel: boolean
  /** Start a run that ended UNABLE_TO_ALLOCATE_KERNEL again, up to this many times (runs/attempts.ts). */
  retryUnallocated?: number
  /** What to do when the project already has a run in progress (runs/in-progress.ts); default start. */
  ifRunning?: InProgressPolicy
}

/** if-running: start anyway, wait for the run in progress to end, follow it, or start nothing. */
export type InProgressPolicy = 'start' | 'wait' | 'attach' | 'skip'

/** A run of the project found PENDING or RUNNING before the trigger, started elsewhere. */
export interface RunInProgress {
  runId: string
  runUrl: string
  status: string
  /** API, SCHEDULED or APP_REFRESH, as Hex said; undefined when it did not. */
  trigger?: string
  startedAt?: string
}

/** Who stops a run early: the runner (the workflow was cancelled) or fail-fast (another run failed). */
export interface Stops {
  workflow?: AbortSignal
  failFast?: AbortSignal
}

export type StopCause = 'workflow' | 'fail-fast'

/** What is known about a Hex run; times are ISO 8601. */
export interface RunFacts {
  projectId: string
  runId: string
  runUrl: string
  statusUrl: string
  traceId?: string
  /** Hex sends a number in one answer and a string in another; kept as a string. */
  projectVersion?: string
  /** When the action started (or began to follow) the run, or Hex's start time once it gives one. */
  startedAt: string
  endedAt?: string
  /** From the start to the run's end (Hex's own count when it gives one) or to giving up. */
  elapsedMs?: number
  /** How long the project's runs usually take (the median of its history), when it is known. */
  usualMs?: number
  /** Which start of the project this run is, when retry-unallocated started it again: 2, 3… */
  attempt?: number
  /** Found in progress and followed (if-running: attach): not this step's, so never cancelled by it. */
  attached?: boolean
  /** The project's title in Hex (from the project list, or GetProject), when it is known. */
  projectTitle?: string
  /** How long the run waited for a kernel, from Hex's state events, when they tell. */
  queuedMs?: number
  /** How long the run ran (RUNNING to its end), from Hex's state events, when they tell. */
  runMs?: number
}

/** retry-unallocated: the runs of a project before its last, and why no further one followed. */
export interface Attempts {
  /** The earlier runs, oldest first: each ended UNABLE_TO_ALLOCATE_KERNEL. */
  earlier: RunFacts[]
  /** How many runs the input allowed in all (retry-unallocated + 1). */
  allowed: number
  /** The last run ended UNABLE_TO_ALLOCATE_KERNEL with retries left, yet none followed: why. */
  dropped?: RetryDropped
}

/** No further attempt: its wait and a run would not fit before the timeout, or a stop came. */
export type RetryDropped =
  { by: 'timeout'; delayMs: number; leftMs: number } | { by: StopCause; delayMs: number }

/** What became of a cancel the run's end called for. */
export type CancelOutcome =
  | { kind: 'cancelled' }
  /** Hex refused the cancel because the run had already ended, as it had. */
  | { kind: 'already-ended'; status: string }
  | { kind: 'failed'; error: string }
  /** The inputs said to leave it going (cancel-on-timeout or cancel-on-workflow-cancel false). */
  | { kind: 'left-going' }
  /** The step attached to a run it did not start (if-running: attach): it is left going. */
  | { kind: 'not-ours' }

/** How one run ended, as far as this step is concerned. Never an exception. */
export type RunOutcome = {
  target: RunTarget
  /** The run's trigger answer was lost and the run was found among the project's runs: why. */
  recovered?: string
  /** retry-unallocated above 0 and the run started: its attempts (the outcome is the last's). */
  attempts?: Attempts
} & (
  | /** Hex reports an end status: COMPLETED, ERRORED, KILLED, UNABLE_TO_ALLOCATE_KERNEL. */
    { kind: 'ended'; status: string; run: RunFacts }
    /** dryRun: Hex validated the request and started nothing. */
  | { kind: 'dry-run'; run: RunFacts }
  /** wait: false; `status` is the run's status when the step left it. */
  | { kind: 'not-waited'; status: string; run: RunFacts }
  | {
      kind: 'timed-out'
      run: RunFacts
      lastStatus?: string
      /** Status reads were failing when the time ran out: for how long, and why. */
      readFailure?: string
      cancel: CancelOutcome
    }
  | {
      kind: 'stopped'
      by: StopCause
      /** Before the trigger, while it was in flight (a run may exist), or while the run went. */
      phase: 'before-start' | 'starting' | 'going'
      run?: RunFacts
      cancel?: CancelOutcome
    }
  /** if-running skip: a run was in progress, so none was started. */
  | { kind: 'skipped'; running: RunInProgress }
  /** if-running wait: the run in progress outlasted the timeout; none was started, it goes on. */
  | { kind: 'wait-timed-out'; running: RunInProgress; readFailure?: string }
  /** if-running other than start: whether a run is in progress could not be told; none started. */
  | { kind: 'unchecked'; policy: InProgressPolicy; why: string }
  /** Hex failed the step (its message says what to do), or a bug did (`stack` is for debug). */
  | { kind: 'failed'; message: string; stack?: string; run?: RunFacts }
)

/** An outcome without its target: how a run ended, before it is told whose. */
export type RunEnding = RunOutcome extends infer T
  ? T extends unknown
    ? Omit<T, 'target' | 'recovered'>
    : never
  : never

/** What a run reports while it goes: the action turns these into log lines and step state. */
export type RunEvent =
  /** The trigger is about to be sent. */
  | { type: 'sending'; url: string; request: RunProjectRequest }
  /** Hex accepted the trigger, or the run to follow was found: from here on it can be cancelled. */
  | { type: 'started'; run: RunFacts; followed: boolean }
  /** The trigger's answer was lost and the run found anyway. */
  | { type: 'recovered'; message: string }
  /** The project's history was read: how long its runs take, and when this one should end. */
  | { type: 'history'; history: RunHistory; expectedEndAt: number }
  /** No history to poll from (it could not be read, or says too little): why. */
  | { type: 'no-history'; why: string }
  /** The project's title was read (GetProject). */
  | { type: 'title'; title: string }
  /** The title could not be read, or was not: the project's ID stands in for it; why. */
  | { type: 'no-title'; why: string }
  /** Each status read; `changed` on the first and on every change. */
  | { type: 'state'; state: RunState; elapsedMs: number; changed: boolean }
  /** A request failed and is sent again after a wait. */
  | { type: 'retry'; what: 'trigger' | 'status'; notice: RetryNotice }
  /** if-running: what the check before the trigger found (none: nothing in progress) and does. */
  | { type: 'in-progress'; policy: InProgressPolicy; running?: RunInProgress; more: number }
  /** if-running wait: the run waited for has ended (its status); the project is looked at again. */
  | { type: 'in-progress-ended'; running: RunInProgress; status: string }
  /** The wait was stopped; a cancel may follow. */
  | { type: 'stopping'; by: StopCause }
  /** The run ended UNABLE_TO_ALLOCATE_KERNEL: attempt `attempt` of `allowed` starts after `delayMs`. */
  | { type: 'retrying'; previous: RunFacts; attempt: number; allowed: number; delayMs: number }
  /** Retries were left, but the next attempt is not started (RetryDropped says why). */
  | { type: 'retry-dropped'; previous: RunFacts; attempt: number; dropped: RetryDropped }

export type RunEvents = (event: RunEvent) => void

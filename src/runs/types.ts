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
  /** The project's title in Hex (from the project list, or GetProject), when it is known. */
  projectTitle?: string
  /** How long the run waited for a kernel, from Hex's state events, when they tell. */
  queuedMs?: number
  /** How long the run ran (RUNNING to its end), from Hex's state events, when they tell. */
  runMs?: number
}

/** What became of a cancel the run's end called for. */
export type CancelOutcome =
  | { kind: 'cancelled' }
  /** Hex refused the cancel because the run had already ended, as it had. */
  | { kind: 'already-ended'; status: string }
  | { kind: 'failed'; error: string }
  /** The inputs said to leave it going (cancel-on-timeout or cancel-on-workflow-cancel false). */
  | { kind: 'left-going' }

/** How one run ended, as far as this step is concerned. Never an exception. */
export type RunOutcome = {
  target: RunTarget
  /** The run's trigger answer was lost and the run was found among the project's runs: why. */
  recovered?: string
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
  /** Hex failed the step (its message says what to do), or a bug did (`stack` is for debug). */
  | { kind: 'failed'; message: string; stack?: string; run?: RunFacts }
)

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
  /** The wait was stopped; a cancel may follow. */
  | { type: 'stopping'; by: StopCause }

export type RunEvents = (event: RunEvent) => void

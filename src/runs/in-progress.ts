/**
 * if-running: what a run does when its project already has one in progress, looked at before the
 * trigger. "In progress" is PENDING or RUNNING, whatever started it (the API, Hex's scheduler, the
 * app): GitHub's concurrency groups cannot see runs started outside GitHub, so Hex is asked.
 */
import { HexError } from '../hex/errors.ts'
import { RetriesExhaustedError } from '../hex/retry.ts'
import type { HexSession } from '../hex/session.ts'
import type { RunState } from '../hex/types.ts'
import { unexpectedMessage } from '../lib/errors.ts'
import type { Pacing } from './pacing/index.ts'
import type {
  InProgressPolicy,
  RunEnding,
  RunEvents,
  RunInProgress,
  RunPlan,
  StopCause
} from './types.ts'
import { waitForEnd } from './wait.ts'

/**
 * Runs asked for a read: a few to name in the log; one is enough to decide. Hex's list is newest
 * first, so the first is the latest run in progress.
 */
export const IN_PROGRESS_LIMIT = 10

/**
 * The statuses read, one a read (statusFilter takes one value), in this order: a run only moves
 * forward (PENDING, RUNNING, an end), so one that leaves PENDING between the two reads is RUNNING
 * at the second. Read the other way round, a run could be PENDING at the first and RUNNING at the
 * second and be missed by both.
 */
const IN_PROGRESS: readonly ('PENDING' | 'RUNNING')[] = ['PENDING', 'RUNNING']

/** A run to attach to: what the list said of it (no read of its own needed), and its start. */
export interface Attached {
  state: RunState
  /** When it started, on the session's clock (by Hex's count of its age): its reads follow it. */
  startedAt: number
}

/** What the check before the trigger decided. */
export type InProgressDecision =
  /** Nothing in progress (any more): start the run. */
  | { kind: 'start' }
  | { kind: 'skip'; running: RunInProgress }
  /** Follow this run. */
  | ({ kind: 'attach'; running: RunInProgress } & Attached)
  /** The run waited for outlasted the step's timeout: nothing is started. */
  | { kind: 'timed-out'; running: RunInProgress; readFailure?: string }
  /** The step was stopped while it waited: nothing was started. */
  | { kind: 'stopped' }
  /** Whether a run is in progress could not be told: nothing is started (see `why`). */
  | { kind: 'unknown'; policy: InProgressPolicy; why: string }

export interface InProgressOptions {
  /** The run's session: its deadline (the step's timeout) bounds the wait, its signal stops it. */
  session: HexSession
  projectId: string
  policy: Exclude<InProgressPolicy, 'start'>
  pacing: Pick<Pacing, 'schedule'>
  emit: RunEvents
}

/** The plan's policy before the trigger: `start` at once (no read) when it is start. */
export function beforeTrigger(
  plan: Partial<Pick<RunPlan, 'ifRunning'>>,
  options: Omit<InProgressOptions, 'policy'>
): Promise<InProgressDecision> {
  const policy = plan.ifRunning ?? 'start'
  if (policy === 'start') return Promise.resolve({ kind: 'start' })
  return checkInProgress({ ...options, policy })
}

/**
 * Looks for a run of the project in progress and decides, by `policy`, what the run does: start,
 * skip, attach, or (wait) wait for it to end and look again, until none is in progress or the
 * timeout passes. Never starts anything itself, and never cancels a run: none of them is the
 * step's. Throws only on a bug.
 */
export async function checkInProgress(options: InProgressOptions): Promise<InProgressDecision> {
  const { session, policy, emit } = options
  for (;;) {
    let found: RunState[]
    try {
      found = await findInProgress(session, options.projectId)
    } catch (error) {
      if (session.signal?.aborted) return { kind: 'stopped' }
      return { kind: 'unknown', policy, why: unreadable(error) }
    }
    const first = found[0]
    if (first === undefined) {
      emit({ type: 'in-progress', policy, more: 0 })
      return { kind: 'start' }
    }
    const running = inProgress(first)
    emit({ type: 'in-progress', policy, running, more: found.length - 1 })
    if (policy === 'skip') return { kind: 'skip', running }
    if (policy === 'attach') {
      const now = session.clock.now()
      return { kind: 'attach', running, state: first, startedAt: now - ageMs(first, now) }
    }
    const ended = await waitOut(options, first, running)
    if (ended.kind !== 'start') return ended
    // It ended: another may have started meanwhile (the scheduler, a racing job), so look again.
  }
}

/**
 * The project's runs in progress, newest first, of every trigger: the PENDING ones, else the
 * RUNNING ones. The second read is sent only when the first found none: one run decides.
 */
export async function findInProgress(session: HexSession, projectId: string): Promise<RunState[]> {
  for (const status of IN_PROGRESS) {
    const runs = await session.listRuns(projectId, {
      limit: IN_PROGRESS_LIMIT,
      // Hex's current description says every trigger is listed by default; its mid-2025 one
      // listed API-triggered runs only. Asked for in words, a scheduled run is never missed.
      trigger: 'ALL',
      status
    })
    // Hex filters on status, and is checked: a run that has ended is no reason to wait.
    const going = runs.filter((run) => run.status === status)
    if (going.length > 0) return going
  }
  return []
}

/** A decision that starts nothing, as the run's outcome. */
export function notStarted(
  decision: Exclude<InProgressDecision, { kind: 'start' | 'attach' }>,
  by: StopCause
): RunEnding {
  switch (decision.kind) {
    case 'skip':
      return { kind: 'skipped', running: decision.running }
    case 'timed-out':
      return {
        kind: 'wait-timed-out',
        running: decision.running,
        readFailure: decision.readFailure
      }
    case 'stopped':
      return { kind: 'stopped', by, phase: 'before-start' }
    case 'unknown':
      return { kind: 'unchecked', policy: decision.policy, why: decision.why }
  }
}

/** Waits for `state`'s run to end; `start` once it has. */
async function waitOut(
  { session, projectId, pacing, emit }: InProgressOptions,
  state: RunState,
  running: RunInProgress
): Promise<InProgressDecision> {
  const { clock } = session
  let last: RunState = state
  try {
    const result = await waitForEnd({
      getState: () => session.getRun(projectId, state.runId),
      clock,
      // Its gaps grow with the run's age, not with this step's wait.
      startedAt: clock.now() - ageMs(state, clock.now()),
      deadline: session.deadline,
      schedule: pacing.schedule({ history: () => undefined, elsewhere: true }),
      signal: session.signal,
      onState: (read) => {
        last = read
      }
    })
    if (result.kind === 'aborted') return { kind: 'stopped' }
    if (result.kind === 'timeout') return { kind: 'timed-out', running: inProgress(last) }
    emit({ type: 'in-progress-ended', running, status: result.state.status })
    return { kind: 'start' }
  } catch (error) {
    if (session.signal?.aborted) return { kind: 'stopped' }
    if (error instanceof RetriesExhaustedError && error.why === 'deadline')
      return {
        kind: 'timed-out',
        running: inProgress(last),
        readFailure: `The last status read of that run failed: ${error.lastError.message}`
      }
    return { kind: 'unknown', policy: 'wait', why: unreadable(error) }
  }
}

/** How long the run has gone, as Hex counts it (from its start, or its start time); 0 if unknown. */
function ageMs(state: RunState, now: number): number {
  if (state.elapsedMs !== undefined) return state.elapsedMs
  const started = state.startTime === undefined ? NaN : Date.parse(state.startTime)
  return Number.isFinite(started) ? Math.max(0, now - started) : 0
}

function inProgress(state: RunState): RunInProgress {
  return {
    runId: state.runId,
    runUrl: state.runUrl ?? '',
    status: state.status,
    trigger: state.runTrigger,
    startedAt: state.startTime
  }
}

function unreadable(error: unknown): string {
  // A retryable failure comes wrapped once the deadline passed: the attempt's own error says why.
  if (error instanceof RetriesExhaustedError) return error.lastError.message
  if (error instanceof HexError) return error.message
  return unexpectedMessage(error)
}

import type { RetriesExhaustedError } from '../hex/retry.ts'
import { isTerminalStatus, type RunState } from '../hex/types.ts'
import { formatDuration } from '../lib/duration.ts'
import type { Clock } from '../lib/runtime.ts'
import type { PollSchedule } from './pacing/index.ts'

export interface WaitOptions {
  /** Reads the run's state once (retries included). */
  getState: () => Promise<RunState>
  clock: Pick<Clock, 'now' | 'sleep'>
  /** When the run was triggered, on the same clock: progress is counted from it. */
  startedAt: number
  /** When the step stops waiting (its timeout), on the same clock. */
  deadline: number
  /** When each next read goes out: the run's, from the step's pacing. */
  schedule: PollSchedule
  /** Stops the wait: the workflow is being cancelled, or fail-fast. */
  signal?: AbortSignal
  /** Called after every status read; `changed` is true on the first read and on each change. */
  onState?: (state: RunState, progress: WaitProgress) => void
}

export interface WaitProgress {
  elapsedMs: number
  changed: boolean
  reads: number
}

export type WaitResult =
  | { kind: 'finished'; state: RunState; reads: number }
  | { kind: 'timeout'; last?: RunState; reads: number }
  | { kind: 'aborted'; last?: RunState; reads: number }

/**
 * Reads the run's state until it is terminal, the timeout passes or the signal aborts. A status
 * Hex may add later and this action does not know is treated as not terminal: the wait goes on
 * and the timeout bounds it. Errors from getState propagate.
 */
export async function waitForEnd(options: WaitOptions): Promise<WaitResult> {
  try {
    return await readUntilEnd(options)
  } finally {
    options.schedule.done?.()
  }
}

async function readUntilEnd(options: WaitOptions): Promise<WaitResult> {
  const { getState, clock, startedAt, deadline, schedule, signal, onState } = options
  let last: RunState | undefined
  let reads = 0
  for (;;) {
    if (signal?.aborted) return { kind: 'aborted', last, reads }
    const state = await getState()
    reads += 1
    const changed = state.status !== last?.status
    last = state
    const elapsedMs = clock.now() - startedAt
    onState?.(state, { elapsedMs, changed, reads })
    if (isTerminalStatus(state.status)) return { kind: 'finished', state, reads }
    const remaining = deadline - clock.now()
    if (remaining <= 0) return { kind: 'timeout', last, reads }
    // The last read lands on the deadline, so a run that ends just in time is still seen.
    await clock.sleep(Math.min(schedule.delayMs(reads - 1, elapsedMs, state), remaining), signal)
  }
}

/** Why the status reads gave out at the deadline, for the timeout's message: what to act on. */
export function readFailureAtDeadline(error: RetriesExhaustedError): string {
  const { lastError, retryAfterMs, attempts, failingForMs } = error
  if (retryAfterMs !== undefined)
    return `${lastError.message.replace(/\.$/, '')}, and asked to wait ${formatDuration(retryAfterMs)} before the next read: past the timeout, so the step stopped waiting.`
  return attempts > 1
    ? `Status reads failed for the last ${formatDuration(failingForMs)} (${attempts} attempts); the last error: ${lastError.message}`
    : `The status read at the deadline failed: ${lastError.message}`
}

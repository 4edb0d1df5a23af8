import { isTerminalStatus, type RunState } from './hex/types.ts'

/**
 * The first status request goes out as soon as the trigger is answered and the next one 250 ms
 * later, so a run that ends in a second is noticed in about a second; each later gap doubles up to
 * poll-interval, so a long run costs about `duration / poll-interval` requests.
 */
export const FIRST_POLL_DELAY_MS = 250
export const POLL_DELAY_GROWTH = 2

/** The wait before status request number `pollsDone + 1`. */
export function nextPollDelay(pollsDone: number, intervalMs: number): number {
  return Math.min(intervalMs, FIRST_POLL_DELAY_MS * POLL_DELAY_GROWTH ** pollsDone)
}

export interface PollOptions {
  /** Reads the run's state once. */
  getState: () => Promise<RunState>
  /** Clock in milliseconds. */
  now: () => number
  /** Waits; resolves early when the signal aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  /** When the run was triggered, on the same clock: progress is counted from it. */
  startedAt: number
  /** When the step stops waiting (its timeout), on the same clock. */
  deadline: number
  intervalMs: number
  /** Stops the wait: the workflow is being cancelled. */
  signal?: AbortSignal
  /** Called after every status read; `changed` is true on the first read and on each change. */
  onState?: (state: RunState, progress: PollProgress) => void
}

export interface PollProgress {
  elapsedMs: number
  changed: boolean
  polls: number
}

export type PollResult =
  | { kind: 'finished'; state: RunState; polls: number }
  | { kind: 'timeout'; last?: RunState; polls: number }
  | { kind: 'aborted'; last?: RunState; polls: number }

/**
 * Reads the run's state until it is terminal, the timeout passes or the signal aborts. A status
 * Hex may add later and this action does not know is treated as not terminal: the wait goes on
 * and the timeout bounds it. Errors from getState propagate.
 */
export async function pollUntilDone(options: PollOptions): Promise<PollResult> {
  const { getState, now, sleep, startedAt, deadline, intervalMs, signal, onState } = options
  let last: RunState | undefined
  let polls = 0
  for (;;) {
    if (signal?.aborted) return { kind: 'aborted', last, polls }
    const state = await getState()
    polls += 1
    const changed = state.status !== last?.status
    last = state
    onState?.(state, { elapsedMs: now() - startedAt, changed, polls })
    if (isTerminalStatus(state.status)) return { kind: 'finished', state, polls }
    const remaining = deadline - now()
    if (remaining <= 0) return { kind: 'timeout', last, polls }
    // The last read lands on the deadline, so a run that ends just in time is still seen.
    await sleep(Math.min(nextPollDelay(polls - 1, intervalMs), remaining), signal)
  }
}

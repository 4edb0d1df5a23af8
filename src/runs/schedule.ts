/**
 * When the next status read goes out. Passed into the wait, so a schedule that knows more (a
 * project's run history, a request budget shared by several runs) is a new schedule, not a new wait.
 */
export interface PollSchedule {
  /** The wait before status read number `readsDone + 1`, `elapsedMs` after the run started. */
  delayMs: (readsDone: number, elapsedMs: number) => number
}

/**
 * The first status read goes out as soon as the trigger is answered and the next one 250 ms later,
 * so a run that ends in a second is noticed in about a second; each later gap doubles up to
 * poll-interval, so a long run costs about `duration / poll-interval` reads.
 */
export const FIRST_POLL_DELAY_MS = 250
export const POLL_DELAY_GROWTH = 2

/** The wait before status read number `readsDone + 1`, knowing nothing of the run. */
export function nextPollDelay(readsDone: number, intervalMs: number): number {
  return Math.min(intervalMs, FIRST_POLL_DELAY_MS * POLL_DELAY_GROWTH ** readsDone)
}

/** Fast first reads, then every `intervalMs`: for a run whose length nothing predicts. */
export function blindSchedule(intervalMs: number): PollSchedule {
  return { delayMs: (readsDone) => nextPollDelay(readsDone, intervalMs) }
}

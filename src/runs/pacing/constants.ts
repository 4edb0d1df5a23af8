/**
 * Every number of the step's pacing, in one place: what is known of the token's read window at
 * Hex (runs/pacing/window.ts), how the step's reads share it (budget.ts) and when each run's
 * status reads go out (schedule.ts).
 */

/**
 * Hex's limit for reads is per token: a window of about 30 reads (sources say 30 or 60; 30 is
 * planned for, and a higher one is learnt from Hex's headers) that opens with its first read and
 * refuses reads until WINDOW_MS after it. Every job with the same token shares it.
 */
export const READ_LIMIT = 30
export const WINDOW_MS = 60_000
/** Resets and Retry-After are whole seconds: a window's start is known to a second at best. */
export const RESET_ROUNDING_MS = 1_000
/** No limit above this is believed, whatever a header says: Hex documents 30 or 60. */
export const MAX_LIMIT = 600
/** RunProject's own limits per token: runs started a minute, and running at once. */
export const TRIGGERS_PER_MINUTE = 20
export const KERNELS_PER_TOKEN = 25
/** The part of the window a step plans to use, of its fair share: some is left for the unplanned. */
export const READ_SHARE = 0.9
/** A step alone on its token spreads its reads once it has sent this part of its allowance. */
export const SPREAD_FROM = 0.8
/** A step that sent no read for this long, none waiting, may burst again. */
export const QUIET_MS = 15_000
/** From this many jobs (estimated), the token is shared: reads are spread across the window. */
export const SHARED_FROM = 1.5
/** No estimate above this: 30 jobs on one token already get a read a minute each. */
export const MAX_SHARERS = 60
/** How fast the estimate of jobs sharing the token falls when they leave: by half each minute. */
export const SHARERS_HALF_LIFE_MS = 60_000
/** A 429 that says neither Retry-After nor reset holds reads this long. */
export const UNTOLD_HOLD_MS = 15_000
/** No hold is longer than one window, whatever an answer says. */
export const MAX_HOLD_MS = WINDOW_MS
/**
 * After a hold, the step's first read waits a random part of its fair gap, up to this: the jobs held
 * together come back spread, yet within seconds of the reset (a burst within the window is no harm).
 */
export const MAX_HERD_SPREAD_MS = 10_000

/**
 * The first status read goes out as soon as the trigger is answered. Knowing nothing of the run,
 * each later gap is as long as the run has gone so far (times POLL_DELAY_GROWTH), at least
 * FIRST_POLL_DELAY_MS and at most poll-interval: a run that has gone 40 s is unlikely to end in the
 * next 200 ms, one that has gone 0.3 s may well. A 0.3 s run is seen within 150 ms of its end, a
 * long run costs about `duration / poll-interval` reads.
 */
export const FIRST_POLL_DELAY_MS = 150
export const POLL_DELAY_GROWTH = 1

/**
 * The window in which earlier runs ended is widened on each side by this, for the time between
 * the trigger and Hex's start of the run, plus one gap between two of the history's durations
 * (the next run may fall just outside what the last ones spanned).
 */
export const WINDOW_MARGIN_MS = 500
/** The reads across a short window: about this many, so a tight window is read densely. */
export const DENSE_READS = 3
/** No two dense reads closer than this, nor further apart than that (a mean lag of half of it). */
export const MIN_DENSE_GAP_MS = 500
export const MAX_DENSE_GAP_MS = 1_500
/**
 * A long window (a long run, or a wide spread) is read at the pace a step alone on its token
 * sustains for two runs, not faster: DENSE_READS more than one read per this.
 */
export const SUSTAINED_GAP_MS = 2_500

/**
 * Another's run that the step waits for (if-running: wait): each gap a tenth of the run's age so
 * far, never under poll-interval nor over a minute (unless poll-interval is longer). A run that has
 * gone 10 minutes is read once a minute: its end is seen within a minute, at a read a minute of
 * the token's window of about 30.
 */
export const ELSEWHERE_GROWTH = 0.1
export const ELSEWHERE_MAX_GAP_MS = 60_000

/**
 * Every number of the step's pacing, in one place: how fast the step may read from Hex (the
 * request budget) and when each run's status reads go out (the schedule). The schedule's long-window
 * pace is derived from the budget's rate here, so neither file reaches into the other for it.
 */

/**
 * Hex's default limit for reads (status, run lists, project lists) is 30 a minute per user
 * (sources say 30 or 60; 30 is planned for). A bucket of 6 that refills 24 a minute lets at most
 * 6 + 24 = 30 requests through in any 60 s: a burst of 6 covers a run's quick first reads and its
 * history read, and 24 a minute is two runs polling every 5 s without waiting.
 */
export const BUDGET_CAPACITY = 6
export const BUDGET_PER_MINUTE = 24
/** A 429 halves the refill (Hex's limit is lower than planned, or another job shares it), to this at least. */
export const BUDGET_MIN_PER_MINUTE = 6

/**
 * The first status read goes out as soon as the trigger is answered and the next one 250 ms later,
 * so a run that ends in a second is noticed in about a second; each later gap doubles up to
 * poll-interval, so a long run costs about `duration / poll-interval` reads.
 */
export const FIRST_POLL_DELAY_MS = 250
export const POLL_DELAY_GROWTH = 2

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
 * A long window (a long run, or a wide spread) is read at the pace the step's request budget
 * sustains for one run, not faster: DENSE_READS more than one read per this.
 */
export const SUSTAINED_GAP_MS = 60_000 / BUDGET_PER_MINUTE

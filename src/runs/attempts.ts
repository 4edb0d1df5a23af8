/**
 * retry-unallocated: a run that ends UNABLE_TO_ALLOCATE_KERNEL did no work (Hex found no kernel to
 * run it on), so the project is started again after a wait, up to the input's count and only while
 * a new run can still end before the step's timeout. Nothing else is ever started again: a run that
 * ended ERRORED or KILLED did work (or was stopped on purpose), a timeout would only time out again,
 * and a trigger that failed is the trigger's own retry policy (runs/start.ts), never a second run.
 */
import type { RunHistory } from './history.ts'
import { runOne, stopCause, type RunOneOptions } from './run-one.ts'
import type { RetryDropped, RunFacts, RunOutcome } from './types.ts'

export const UNALLOCATED = 'UNABLE_TO_ALLOCATE_KERNEL'

/**
 * The wait before the first new run, and the longest nominal wait (each doubles the one before).
 * Hex runs at most 25 kernels at once per user: a kernel frees when one of those runs ends, which
 * takes tens of seconds to minutes, so a retry much sooner than 15 s mostly meets the same full
 * workspace; and if it is still full, the shortage is a longer one, so the waits double (15–30 s,
 * 30–60 s, 60–120 s, 120–240 s, 150–300 s: at most 12.5 minutes for five, a fifth of the default
 * timeout).
 */
export const FIRST_RETRY_DELAY_MS = 20_000
export const MAX_NOMINAL_DELAY_MS = 200_000
/**
 * Each wait is its nominal value times a factor drawn from [0.75, 1.5): the jobs of a matrix that
 * met the same full workspace do not all trigger again in the same second (RunProject allows 20 a
 * minute per token, shared by every job on it), but spread over a window as wide as half the wait.
 */
const JITTER_FROM = 0.75
const JITTER_WIDTH = 0.75
/** The least time a new run is given after its wait: a trigger, a kernel and a few reads. */
export const MIN_ATTEMPT_MS = 30_000

/** The wait before attempt `attempt` (2 for the first new run), with `random()` in [0, 1). */
export function retryDelay(attempt: number, random: () => number): number {
  const nominal = Math.min(FIRST_RETRY_DELAY_MS * 2 ** (attempt - 2), MAX_NOMINAL_DELAY_MS)
  return Math.round(nominal * (JITTER_FROM + JITTER_WIDTH * random()))
}

/**
 * One project's run as runOne does it, started again while it ends UNABLE_TO_ALLOCATE_KERNEL and
 * `plan.retryUnallocated` allows. The outcome is the last attempt's, with every attempt in its
 * `attempts`. Each attempt is announced as runOne announces a run (`started`), so the edge's
 * observers know every run that may need cancelling; a stop (workflow cancel, fail-fast) during a
 * wait ends it at once, with nothing going and nothing more triggered. Never throws.
 */
export async function runAttempts(options: RunOneOptions): Promise<RunOutcome> {
  const { plan, session, stops } = options
  const allowed = (plan.retryUnallocated ?? 0) + 1
  // Nothing started here (run-id), or no end seen (wait: false, dry-run): nothing to start again.
  if (allowed === 1 || options.target.runId !== undefined || !plan.wait || plan.request.dryRun)
    return runOne(options)
  const signals = [stops.workflow, stops.failFast].filter((s) => s !== undefined)
  const signal = signals.length > 0 ? AbortSignal.any(signals) : undefined
  const { clock } = session
  const earlier: RunFacts[] = []
  /** The project's history, read (or found unreadable) by an earlier attempt: never read twice. */
  let history: { known?: RunHistory } | undefined
  for (let attempt = 1; ; attempt++) {
    const outcome = await runOne({
      ...options,
      earlier: earlier.map((run) => run.runId),
      plan: history === undefined ? plan : { ...plan, history: false },
      pacing: {
        schedule: (run) =>
          options.pacing.schedule({ history: () => history?.known ?? run.history() }),
        wants: (read) => options.pacing.wants(read)
      },
      emit: (event) => {
        if (event.type === 'history') history = { known: event.history }
        if (event.type === 'no-history') history ??= {}
        if (event.type !== 'started' || attempt === 1) return options.emit(event)
        event.run.attempt = attempt
        options.emit(event)
        // The new run's expected end, from the history an earlier attempt read.
        if (history?.known)
          options.emit({
            type: 'history',
            history: history.known,
            expectedEndAt: clock.now() + history.known.usualMs
          })
      }
    })
    const run = 'run' in outcome ? outcome.run : undefined
    if (run && attempt > 1) run.attempt = attempt
    if (run && history?.known) run.usualMs ??= history.known.usualMs
    const done = (dropped?: RetryDropped): RunOutcome => ({
      ...outcome,
      attempts: { earlier, allowed, ...(dropped ? { dropped } : {}) }
    })
    if (run === undefined || outcome.kind !== 'ended' || outcome.status !== UNALLOCATED)
      return done()
    if (attempt === allowed) return done()
    const next = attempt + 1
    const delayMs = retryDelay(next, clock.random)
    const drop = (dropped: RetryDropped): RunOutcome => {
      options.emit({ type: 'retry-dropped', previous: run, attempt: next, dropped })
      return done(dropped)
    }
    // No new run that could not end in time: the step ends now, with the time left unspent.
    const leftMs = session.deadline - clock.now()
    if (delayMs + Math.max(MIN_ATTEMPT_MS, run.usualMs ?? 0) > leftMs)
      return drop({ by: 'timeout', delayMs, leftMs })
    if (!signal?.aborted) {
      options.emit({ type: 'retrying', previous: run, attempt: next, allowed, delayMs })
      await clock.sleep(delayMs, signal)
    }
    if (signal?.aborted) return drop({ by: stopCause(stops), delayMs })
    earlier.push(run)
  }
}

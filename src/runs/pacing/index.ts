/**
 * The step's pacing: when each Hex read of the step goes out. It is the one door to this folder;
 * nothing outside it knows of buckets, windows or schedules, only of `Pacing`. A new rule of pacing
 * (a token shared with other jobs, a read skipped because it cannot change a decision) changes what
 * is behind this interface, not the step, the plan, the wait or the run.
 */
import type { RateLimitNotice } from '../../hex/rate-limit.ts'
import type { RequestPacer } from '../../hex/session.ts'
import type { Clock } from '../../lib/runtime.ts'
import type { RunHistory } from '../history.ts'
import { RequestBudget } from './budget.ts'
import { blindSchedule, historySchedule, type PollSchedule } from './schedule.ts'

export type { PollSchedule } from './schedule.ts'

/** A read a run may do without: it is sent only if the pacing wants it. */
export type OptionalRead = 'history'

/** One step's pacing: made once per step, shared by every run of it. */
export interface Pacing {
  /** Paces every Hex request of the step: the session's RequestPacer. */
  readonly pacer: RequestPacer
  /** What one of Hex's answers said of its rate limit (the client's onRateLimit). */
  observe(notice: RateLimitNotice): void
  /**
   * The schedule of one run's status reads, made when its wait begins: blind while `history()`
   * is undefined (not read yet, not read at all, or unreadable), then from the history.
   */
  schedule(run: { history: () => RunHistory | undefined }): PollSchedule
  /** Whether an optional read is worth sending now; asked right before it would be sent. */
  wants(read: OptionalRead): boolean
}

/** What the inputs decide about pacing. */
export interface PacingOptions {
  /** The longest gap between two status reads of a run (poll-interval). */
  pollIntervalMs: number
}

/** Makes a step's pacing on the step's clock: the default is `stepPacing`. */
export type PacingFactory = (clock: Clock, options: PacingOptions) => Pacing

/**
 * The default pacing: one request budget for every read of the step (runs/pacing/budget.ts,
 * within Hex's 30 reads a minute whatever max-parallel), and each run's reads from its project's
 * history once it is known (runs/pacing/schedule.ts). Every optional read is wanted.
 */
export const stepPacing: PacingFactory = (clock, options) => {
  const budget = new RequestBudget(clock)
  const blind = blindSchedule(options.pollIntervalMs)
  return {
    pacer: budget,
    observe: (notice) => budget.observe(notice),
    schedule: (run) => historySchedule(blind, run.history),
    wants: () => true
  }
}

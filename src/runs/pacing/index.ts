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
import { WINDOW_MS } from './constants.ts'
import {
  blindSchedule,
  elsewhereSchedule,
  historySchedule,
  type PollSchedule,
  type ReadPace
} from './schedule.ts'
import type { Hold } from './window.ts'

export type { PollSchedule } from './schedule.ts'
export type { Hold } from './window.ts'

/**
 * A read a run may do without: it is sent only if the pacing wants it. `history`: the project's
 * recent runs, to poll around the expected end; `title`: the project's title, for the reader.
 */
export type OptionalRead = 'history' | 'title'

/** One step's pacing: made once per step, shared by every run of it. */
export interface Pacing {
  /** Paces every Hex request of the step: the session's RequestPacer. */
  readonly pacer: RequestPacer
  /** What one of Hex's answers said of its rate limit (the client's onRateLimit). */
  observe(notice: RateLimitNotice): void
  /**
   * The schedule of one run's status reads, made when its wait begins: blind while `history()`
   * is undefined (not read yet, not read at all, or unreadable), then from the history. A run
   * `elsewhere` (started by another, waited for before this step starts its own) is read slowly.
   */
  schedule(run: { history: () => RunHistory | undefined; elsewhere?: boolean }): PollSchedule
  /** Whether an optional read is worth sending now; asked right before it would be sent. */
  wants(read: OptionalRead): boolean
}

/** What the inputs decide about pacing. */
export interface PacingOptions {
  /** The longest gap between two status reads of a run (poll-interval), while reads are plenty. */
  pollIntervalMs: number
  /**
   * How many runs of the step go at once (its projects, up to max-parallel); default 1. The title
   * read is worth one read per run only while their status reads all fit the step's allowance.
   */
  runsAtOnce?: number
  /** Hex holds every read of the token for a while: told once per hold, for the log. */
  onHold?: (hold: Hold) => void
}

/** Makes a step's pacing on the step's clock: the default is `stepPacing`. */
export type PacingFactory = (clock: Clock, options: PacingOptions) => Pacing

/**
 * The default pacing: the step's reads share its token's read window with whatever other jobs use
 * the token (runs/pacing/window.ts, budget.ts), and each run's reads follow its project's history
 * once it is known (schedule.ts), sparser where the end is unlikely while the token is shared. The
 * optional reads (the history, the title: one each per run) are sent only while they can pay: not
 * while Hex holds reads, nor when the step's part of the window is a read or two. The title, which
 * changes no read, is sent only when it costs no status read its turn: while reads are not scarce
 * and the step's runs at once, polled at poll-interval, leave a read each to spare in the window
 * (a title read in the first burst of several runs would make the step spread its reads sooner).
 * Else the project's ID stands in for its title.
 */
export const stepPacing: PacingFactory = (clock, options) => {
  const budget = new RequestBudget(clock, options.onHold)
  const blind = blindSchedule(options.pollIntervalMs)
  const window = budget.window
  const readsPerRun = WINDOW_MS / options.pollIntervalMs
  let waiting = 0
  const pace = (): ReadPace => {
    const allowance = window.allowance
    const runs = Math.max(1, waiting)
    return { dear: budget.scarce() || runs * readsPerRun > allowance, runs, allowance }
  }
  return {
    pacer: budget,
    observe: (notice) => budget.observe(notice),
    schedule: (run) => {
      waiting += 1
      let done = false
      return {
        ...(run.elsewhere
          ? elsewhereSchedule(options.pollIntervalMs)
          : historySchedule(blind, run.history, pace)),
        done: () => {
          if (!done) waiting -= 1
          done = true
        }
      }
    },
    wants: (read) => {
      const open = window.heldUntil <= clock.now() && window.allowance > 2
      if (read === 'history' || !open) return open
      const runs = options.runsAtOnce ?? 1
      return !budget.scarce() && runs * (readsPerRun + 1) <= window.allowance
    }
  }
}

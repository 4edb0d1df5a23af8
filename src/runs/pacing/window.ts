import type { RateLimitNotice } from '../../hex/rate-limit.ts'
import type { Clock } from '../../lib/runtime.ts'
import {
  MAX_HOLD_MS,
  KERNELS_PER_TOKEN,
  MAX_LIMIT,
  MAX_SHARERS,
  READ_LIMIT,
  READ_SHARE,
  RESET_ROUNDING_MS,
  SHARED_FROM,
  SHARERS_HALF_LIFE_MS,
  TRIGGERS_PER_MINUTE,
  UNTOLD_HOLD_MS,
  WINDOW_MS
} from './constants.ts'

/** Hex holds every read of the token until `until`; `sharers` is how many jobs seem to use it. */
export interface Hold {
  until: number
  sharers: number
}

/**
 * What this step knows of its token's read window at Hex. Hex counts reads per token, not per
 * step: every job of a matrix and every workflow with the same secret draws from one window of
 * about 30 reads, which opens with its first read and refuses reads (429) until 60 s after it.
 * The step sees only its own reads and Hex's answers; from those it estimates how many jobs share
 * the token (`sharers`), and so its fair part of the window (`allowance`):
 *
 * - with rate-limit headers, the reads the window has used against the ones this step sent in it;
 * - with none, a 429 says the window is full: the reads this step sent in it are its part of it.
 *
 * The estimate rises at once and falls by half a minute at most (`SHARERS_HALF_LIFE_MS`), so a
 * window that has just opened, where every job seems alone, does not make every job read at once.
 */
export class TokenWindow {
  /** When this step's reads went out: the last WINDOW_MS of them. */
  private readonly own: number[] = []
  private limit = READ_LIMIT
  private estimate = 1
  /** When the estimate was last set: it decays from then (or from a 429's next window). */
  private estimatedAt: number
  /** No read goes before this: a 429, or a window Hex says is spent. */
  heldUntil = 0
  private readonly clock: Pick<Clock, 'now'>
  private readonly onHold?: (hold: Hold) => void

  constructor(clock: Pick<Clock, 'now'>, onHold?: (hold: Hold) => void) {
    this.clock = clock
    this.estimatedAt = clock.now()
    this.onHold = onHold
  }

  /** How many jobs seem to share the token, this step included (1: alone). */
  get sharers(): number {
    const now = this.clock.now()
    const decay = 0.5 ** (Math.max(0, now - this.estimatedAt) / SHARERS_HALF_LIFE_MS)
    return Math.max(1, this.estimate * decay)
  }

  /** Whether other jobs seem to read with this token too. */
  get shared(): boolean {
    return this.sharers >= SHARED_FROM
  }

  /** The reads this step may send in any WINDOW_MS: its fair part of the token's window. */
  get allowance(): number {
    return Math.max(1, Math.floor((this.limit * READ_SHARE) / this.sharers))
  }

  /** One of this step's reads went out (or is going out) now. */
  record(at = this.clock.now()): void {
    this.own.push(at)
    this.prune(at)
  }

  /** This step's reads since `from`. */
  readsSince(from: number): number {
    return this.own.filter((at) => at >= from).length
  }

  /** When this step's last read went out, if any is in the window still. */
  get lastRead(): number | undefined {
    return this.own.at(-1)
  }

  /**
   * The `count`-th most recent read of this step's last window, if it sent that many: when it
   * ages out, one more read fits in the allowance.
   */
  recent(count: number): number | undefined {
    this.prune(this.clock.now())
    return this.own.length >= count ? this.own[this.own.length - count] : undefined
  }

  /**
   * What an answer said of the token's limit. A trigger's is RunProject's own limit, which holds
   * no read; but a trigger refused for it says that many runs started (20 a minute) or are
   * running (25 kernels) with this token: about as many jobs will read with it.
   */
  observe(notice: RateLimitNotice): void {
    if (notice.operation === 'trigger') {
      if (notice.limited !== undefined)
        this.learn(notice.limited.kernels ? KERNELS_PER_TOKEN : TRIGGERS_PER_MINUTE)
      return
    }
    const now = this.clock.now()
    // A reset beyond one window is not believed: Hex's windows are a minute long.
    const resetAt =
      notice.resetInMs !== undefined ? now + Math.min(notice.resetInMs, WINDOW_MS) : undefined
    // Resets are in whole seconds, rounded up: the window may have opened a second sooner.
    const windowFrom = (resetAt ?? now) - WINDOW_MS - RESET_ROUNDING_MS
    const mine = Math.max(1, this.readsSince(windowFrom))
    // The limit Hex names, within reason (a lie of millions would make every job look alone).
    if (notice.limit !== undefined && notice.limit <= MAX_LIMIT) this.limit = notice.limit
    if (notice.remaining !== undefined) {
      // Remaining above the limit planned for: the limit is higher (Hex's sources say 30 or 60).
      if (notice.remaining + mine > this.limit && notice.remaining + mine <= MAX_LIMIT)
        this.limit = notice.remaining + mine
      this.learn((this.limit - notice.remaining) / mine)
      if (notice.remaining <= 0 && resetAt !== undefined) this.hold(resetAt)
    }
    if (notice.limited !== undefined) {
      const waitMs = notice.limited.retryAfterMs ?? notice.resetInMs ?? UNTOLD_HOLD_MS
      const until = now + Math.min(Math.max(0, waitMs), MAX_HOLD_MS)
      // The window is full: this step's reads since it opened were its part of it.
      if (notice.remaining === undefined) {
        // Retry-After is in whole seconds, rounded up too.
        const opened = Math.min(now, until - WINDOW_MS - RESET_ROUNDING_MS)
        this.learn(this.limit / Math.max(1, this.readsSince(opened)))
        // Without headers, nothing says the others left until a window passes with no 429: the
        // estimate holds through the next window.
        this.estimatedAt = until + WINDOW_MS
      }
      this.hold(until)
    }
  }

  private learn(sharers: number): void {
    const now = this.clock.now()
    const bounded = Math.min(MAX_SHARERS, Math.max(1, sharers))
    // Up at once; down no faster than the decay (a fresh window makes every job look alone).
    this.estimate = Math.max(bounded, this.sharers)
    this.estimatedAt = now
  }

  private hold(until: number): void {
    if (until <= this.heldUntil) return
    const fresh = until - Math.max(this.heldUntil, this.clock.now()) > 1_000
    this.heldUntil = until
    if (fresh) this.onHold?.({ until, sharers: this.sharers })
  }

  private prune(now: number): void {
    while (this.own.length > 0 && (this.own[0] as number) <= now - WINDOW_MS) this.own.shift()
  }
}

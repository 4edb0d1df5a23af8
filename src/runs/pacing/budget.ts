import type { RateLimitNotice } from '../../hex/rate-limit.ts'
import type { RequestPacer } from '../../hex/session.ts'
import type { Clock } from '../../lib/runtime.ts'
import { BUDGET_CAPACITY, BUDGET_MIN_PER_MINUTE, BUDGET_PER_MINUTE } from './constants.ts'

interface Waiter {
  dueAt: number
  seq: number
  grant: () => void
}

/**
 * One request budget for a whole step: a token bucket that every read of every run draws from, so
 * the step stays within Hex's rate limit whatever max-parallel is. When reads wait, the next token
 * goes to the one that is most overdue (wanted the earliest). Hex's own word overrides the bucket:
 * the requests it says are left, a window that has run out until its reset, and a 429's
 * Retry-After, which holds every read of the step, not only the one that got it.
 */
export class RequestBudget implements RequestPacer {
  readonly capacity: number
  private perMs: number
  private tokens: number
  private updatedAt: number
  /** No read goes before this (a 429, or a window Hex says is spent). */
  private heldUntil = 0
  private readonly waiters: Waiter[] = []
  private seq = 0
  private pumping = false
  /** Cuts the pump's sleep short: a hold changed, or the last waiter left. */
  private wake?: AbortController
  private readonly clock: Pick<Clock, 'now' | 'sleep'>

  constructor(
    clock: Pick<Clock, 'now' | 'sleep'>,
    capacity = BUDGET_CAPACITY,
    perMinute = BUDGET_PER_MINUTE
  ) {
    this.clock = clock
    this.capacity = capacity
    this.perMs = perMinute / 60_000
    this.tokens = capacity
    this.updatedAt = clock.now()
  }

  /** Reads waiting for a turn now. */
  get waiting(): number {
    return this.waiters.length
  }

  /** The refill, in requests a minute (lower after a 429). */
  get perMinute(): number {
    return this.perMs * 60_000
  }

  turn(dueAt: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve()
    this.refill()
    if (this.waiters.length === 0 && this.tokens >= 1 && this.clock.now() >= this.heldUntil) {
      this.tokens -= 1
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const leave = (): void => {
        const i = this.waiters.indexOf(waiter)
        if (i >= 0) this.waiters.splice(i, 1)
        if (this.waiters.length === 0) this.wake?.abort()
        resolve()
      }
      const waiter: Waiter = {
        dueAt,
        seq: this.seq++,
        grant: () => {
          signal?.removeEventListener('abort', leave)
          resolve()
        }
      }
      signal?.addEventListener('abort', leave, { once: true })
      // Most overdue first: the earliest wanted, then the first to ask.
      const at = this.waiters.findIndex((w) => w.dueAt > dueAt)
      this.waiters.splice(at < 0 ? this.waiters.length : at, 0, waiter)
      void this.pump()
    })
  }

  spend(): void {
    this.refill()
    // May go below zero: the reads after it wait until it is paid back.
    this.tokens -= 1
  }

  /** What an answer said about Hex's limit. A trigger's is its own limit's, not the reads'. */
  observe(notice: RateLimitNotice): void {
    if (notice.operation === 'trigger') return
    this.refill()
    const now = this.clock.now()
    if (notice.remaining !== undefined) {
      this.tokens = Math.min(this.tokens, notice.remaining)
      if (notice.remaining <= 0 && notice.resetInMs !== undefined) this.hold(now + notice.resetInMs)
    }
    if (notice.limited !== undefined) {
      this.tokens = Math.min(this.tokens, 0)
      this.perMs = Math.max(BUDGET_MIN_PER_MINUTE / 60_000, this.perMs / 2)
      const waitMs = notice.limited.retryAfterMs ?? notice.resetInMs
      if (waitMs !== undefined) this.hold(now + waitMs)
    }
  }

  private hold(until: number): void {
    if (until <= this.heldUntil) return
    this.heldUntil = until
    this.wake?.abort()
  }

  private refill(): void {
    const now = this.clock.now()
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.updatedAt) * this.perMs)
    this.updatedAt = now
  }

  /** Hands out tokens to the waiters, one at a time, as they become free. */
  private async pump(): Promise<void> {
    if (this.pumping) return
    this.pumping = true
    try {
      while (this.waiters.length > 0) {
        this.refill()
        const now = this.clock.now()
        const waitMs = Math.max(
          this.heldUntil - now,
          this.tokens >= 1 ? 0 : (1 - this.tokens) / this.perMs
        )
        if (waitMs > 0) {
          const wake = new AbortController()
          this.wake = wake
          await this.clock.sleep(Math.ceil(waitMs), wake.signal)
          continue
        }
        this.tokens -= 1
        const next = this.waiters.shift() as Waiter
        next.grant()
      }
    } finally {
      this.pumping = false
      this.wake = undefined
    }
  }
}

import type { RateLimitNotice } from '../../hex/rate-limit.ts'
import type { RequestPacer } from '../../hex/session.ts'
import type { Clock } from '../../lib/runtime.ts'
import { MAX_HERD_SPREAD_MS, QUIET_MS, SPREAD_FROM, WINDOW_MS } from './constants.ts'
import { TokenWindow, type Hold } from './window.ts'

interface Waiter {
  dueAt: number
  /** Goes at this time whatever the window says: the step's deadline. */
  until: number
  seq: number
  grant: () => void
}

/**
 * The step's reads, paced to its part of the token's read window (runs/pacing/window.ts). A step
 * alone on its token sends what it wants while it stays well within the window, so a short step
 * never waits; past two thirds of its allowance, or when other jobs share the token, its reads are spread
 * one fair gap apart (a minute over its allowance). When Hex holds reads (a 429, a spent window),
 * the step's first read after the hold waits a random part of that gap, so that the jobs which
 * were held together do not all read at the reset. When reads wait, the next turn goes to the
 * most overdue; none waits past its deadline.
 */
export class RequestBudget implements RequestPacer {
  readonly window: TokenWindow
  private readonly clock: Pick<Clock, 'now' | 'sleep' | 'random'>
  private readonly waiters: Waiter[] = []
  private seq = 0
  private pumping = false
  /** Cuts the pump's sleep short: a hold changed, or a waiter left. */
  private wake?: AbortController
  /** The hold the herd delay was drawn for, and the time the step's reads resume after it. */
  private herd = { heldUntil: 0, resumeAt: 0 }
  /** The step has once sent most of its allowance: it spreads its reads from then on. */
  private spreading = false

  constructor(clock: Pick<Clock, 'now' | 'sleep' | 'random'>, onHold?: (hold: Hold) => void) {
    this.clock = clock
    this.window = new TokenWindow(clock, onHold)
  }

  /** Reads waiting for a turn now. */
  get waiting(): number {
    return this.waiters.length
  }

  /** The gap between two reads of a step that spreads them: a window over its allowance. */
  get fairGapMs(): number {
    return WINDOW_MS / this.window.allowance
  }

  turn(dueAt: number, signal?: AbortSignal, until = Infinity): Promise<void> {
    if (signal?.aborted) return Promise.resolve()
    const now = this.clock.now()
    if (this.waiters.length === 0 && (this.nextSlot(now) <= now || until <= now)) {
      this.window.record(now)
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const leave = (): void => {
        const i = this.waiters.indexOf(waiter)
        if (i >= 0) this.waiters.splice(i, 1)
        this.wake?.abort()
        resolve()
      }
      const waiter: Waiter = {
        dueAt,
        until,
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
      this.wake?.abort()
      void this.pump()
    })
  }

  /** A request that must not wait (a cancel): it goes now, and counts. */
  spend(): void {
    this.window.record()
  }

  /** What an answer said about Hex's limit. */
  observe(notice: RateLimitNotice): void {
    const before = this.window.heldUntil
    this.window.observe(notice)
    if (this.window.heldUntil !== before) this.wake?.abort()
  }

  /** The earliest time the step's next read may go out, from `now`. */
  nextSlot(now: number): number {
    const window = this.window
    const scarce = this.scarce(now)
    // Held, or just out of a hold: not before this step's own moment after it (drawn once a hold).
    let slot = Math.max(now, this.afterHold(window.heldUntil))
    const allowance = window.allowance
    // Never more than the allowance in any window: the oldest of them must age out first.
    // Reads before the last hold's end were in a window that closed at it: they count no more.
    const held = window.heldUntil
    const oldest = window.recent(allowance)
    if (oldest !== undefined && oldest >= held) slot = Math.max(slot, oldest + WINDOW_MS)
    const last = window.lastRead
    if (last !== undefined && last >= held && scarce) slot = Math.max(slot, last + this.fairGapMs)
    return slot
  }

  /**
   * Whether reads are scarce: other jobs share the token, or the step has sent most of its part
   * of the window (and from then on, while it keeps reading: a step that needs that many reads
   * goes on needing them).
   * Then reads are spread a fair gap apart, and go only where they can pay.
   */
  scarce(now = this.clock.now()): boolean {
    const window = this.window
    if (window.readsSince(now - WINDOW_MS) >= window.allowance * SPREAD_FROM) this.spreading = true
    // Until it goes quiet: runs that wait for their likely end may spend what they saved at once.
    const last = window.lastRead
    if (this.waiters.length === 0 && (last === undefined || now - last >= QUIET_MS))
      this.spreading = false
    return this.spreading || window.shared
  }

  /** When reads resume after a hold: at its end, plus a random part of the fair gap (once per hold). */
  private afterHold(heldUntil: number): number {
    if (heldUntil === 0) return 0
    if (this.herd.heldUntil !== heldUntil) {
      const spreadMs = Math.min(MAX_HERD_SPREAD_MS, this.fairGapMs)
      this.herd = { heldUntil, resumeAt: heldUntil + Math.round(this.clock.random() * spreadMs) }
    }
    return this.herd.resumeAt
  }

  /** Hands out turns to the waiters, one at a time, as the window allows. */
  private async pump(): Promise<void> {
    if (this.pumping) return
    this.pumping = true
    try {
      while (this.waiters.length > 0) {
        const now = this.clock.now()
        const slot = this.nextSlot(now)
        // One whose deadline has come goes first: it must not wait past it.
        const late = this.waiters.findIndex((w) => w.until <= now)
        if (late < 0 && slot > now) {
          const until = Math.min(slot, ...this.waiters.map((w) => w.until))
          const wake = new AbortController()
          this.wake = wake
          await this.clock.sleep(Math.max(1, Math.ceil(until - now)), wake.signal)
          continue
        }
        const [next] = this.waiters.splice(late < 0 ? 0 : late, 1) as [Waiter]
        this.window.record(now)
        next.grant()
      }
    } finally {
      this.pumping = false
      this.wake = undefined
    }
  }
}

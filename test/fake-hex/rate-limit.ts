import type { FakeRateLimit } from './types.ts'

const WINDOW_MS = 60_000

interface Window {
  openedAt: number
  count: number
}

/** What the limit says of one request: whether it is refused, and the headers it carries. */
export interface RateVerdict {
  limited: boolean
  headers: Record<string, string>
}

/**
 * Hex's documented behaviour: per user (here, per token), a window of 60 s opens with the first
 * request; past the limit, 429 until the window ends.
 */
export class RateLimiter {
  readonly #limit: FakeRateLimit
  readonly #windows = new Map<string, Window>()

  constructor(limit: FakeRateLimit) {
    if (!Number.isInteger(limit.perMinute) || limit.perMinute < 1)
      throw new Error('fake-hex: rateLimit.perMinute must be a whole number of at least 1')
    this.#limit = limit
  }

  /** Counts a request of `token` at `t`. */
  take(token: string, t: number): RateVerdict {
    let window = this.#windows.get(token)
    if (window === undefined || t >= window.openedAt + WINDOW_MS) {
      window = { openedAt: t, count: 0 }
      this.#windows.set(token, window)
    }
    window.count += 1
    const endsAt = window.openedAt + WINDOW_MS
    const limited = window.count > this.#limit.perMinute
    const headers: Record<string, string> = {}
    if (this.#limit.headers === true) {
      headers['x-ratelimit-limit'] = String(this.#limit.perMinute)
      headers['x-ratelimit-remaining'] = String(Math.max(0, this.#limit.perMinute - window.count))
      headers['x-ratelimit-reset'] = String(Math.ceil(endsAt / 1000))
    }
    if (limited) headers['retry-after'] = String(Math.max(1, Math.ceil((endsAt - t) / 1000)))
    return { limited, headers }
  }
}

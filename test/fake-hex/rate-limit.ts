import { rateHeaders } from './rate-headers.ts'
import type { FakeRateLimit } from './types.ts'

export const WINDOW_MS = 60_000

interface Window {
  openedAt: number
  count: number
}

/** Where a token's window stands once a request has been counted in it. */
export interface WindowCount {
  /** The most requests the window lets through. */
  limit: number
  /** Requests counted in the window, this one and any refused included. */
  count: number
  /** When the window ends (ms on the stand-in's clock): 60 s after the request that opened it. */
  endsAt: number
  /** Past the limit: this request is refused. */
  limited: boolean
}

/** What a limit says of one request: whether it is refused, and the headers it carries. */
export interface RateVerdict {
  limited: boolean
  headers: Record<string, string>
}

/**
 * Hex's documented behaviour: per user (here, per token), a window of 60 s opens with the first
 * request; past the limit, 429 until the window ends.
 */
export class TokenWindows {
  readonly limit: number
  readonly #windows = new Map<string, Window>()

  /** `name` names the option in the error for a limit that is not a whole number of at least 1. */
  constructor(limit: number, name: string) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`fake-hex: ${name} must be a whole number of at least 1`)
    this.limit = limit
  }

  /** Counts a request of `token` at `t`. */
  take(token: string, t: number): WindowCount {
    let window = this.#windows.get(token)
    if (window === undefined || t >= window.openedAt + WINDOW_MS) {
      window = { openedAt: t, count: 0 }
      this.#windows.set(token, window)
    }
    window.count += 1
    return {
      limit: this.limit,
      count: window.count,
      endsAt: window.openedAt + WINDOW_MS,
      limited: window.count > this.limit
    }
  }
}

/** A 429's Retry-After: the whole seconds until the window ends, at least 1. */
export function retryAfter(count: WindowCount, t: number): Record<string, string> {
  return { 'retry-after': String(Math.max(1, Math.ceil((count.endsAt - t) / 1000))) }
}

/** The `rateLimit` option: the read window alone, with X-RateLimit-* headers if asked. */
export class RateLimiter {
  readonly #windows: TokenWindows
  readonly #headers: boolean

  constructor(limit: FakeRateLimit) {
    this.#windows = new TokenWindows(limit.perMinute, 'rateLimit.perMinute')
    this.#headers = limit.headers === true
  }

  /** Counts a request of `token` at `t`. */
  take(token: string, t: number): RateVerdict {
    const count = this.#windows.take(token, t)
    const headers = this.#headers ? rateHeaders('x-ratelimit', count, t, 'hex-api') : {}
    if (count.limited) Object.assign(headers, retryAfter(count, t))
    return { limited: count.limited, headers }
  }
}

import type { Operation } from './errors.ts'

/**
 * What one answer said about Hex's rate limit. Hex documents that its answers carry the requests
 * left and the time the window resets, without naming the headers; the common names are read:
 * `X-RateLimit-Remaining` / `X-RateLimit-Reset` and the IETF draft's `RateLimit-Remaining` /
 * `RateLimit-Reset`.
 */
export interface RateLimitNotice {
  /** The request the answer was to: a trigger is limited apart from the reads. */
  operation: Operation
  /** Requests left in Hex's current window. */
  remaining?: number
  /** How long until Hex's window starts again. */
  resetInMs?: number
  /** Hex answered 429: the wait it asked for (Retry-After), when it gave one. */
  limited?: { retryAfterMs?: number }
}

const REMAINING = ['x-ratelimit-remaining', 'ratelimit-remaining', 'x-rate-limit-remaining']
const RESET = ['x-ratelimit-reset', 'ratelimit-reset', 'x-rate-limit-reset']
/** A reset above this is a time (seconds since the epoch), below it a number of seconds from now. */
const EPOCH_SECONDS_FROM = 1_000_000_000
/** No window is longer than a day: a reset further away is not believed. */
const MAX_RESET_MS = 24 * 60 * 60 * 1000

function firstNumber(headers: Headers, names: string[]): number | undefined {
  for (const name of names) {
    const text = headers.get(name)?.trim()
    // A whole number only: a list (`30;w=60`, draft 7's RateLimit header) or a word is ignored.
    if (text !== undefined && /^\d+(?:\.\d+)?$/.test(text)) return Number(text)
  }
  return undefined
}

/**
 * The rate-limit part of an answer, or undefined when it says nothing about it. `retryAfterMs` is
 * the answer's Retry-After, already read (a 429's wait).
 */
export function readRateLimit(
  operation: Operation,
  status: number,
  headers: Headers,
  retryAfterMs: number | undefined,
  nowMs: number
): RateLimitNotice | undefined {
  const remaining = firstNumber(headers, REMAINING)
  const reset = firstNumber(headers, RESET)
  let resetInMs: number | undefined
  if (reset !== undefined) {
    const ms = reset >= EPOCH_SECONDS_FROM ? reset * 1000 - nowMs : reset * 1000
    if (ms >= 0 && ms <= MAX_RESET_MS) resetInMs = Math.round(ms)
  }
  const notice: RateLimitNotice = { operation }
  if (remaining !== undefined) notice.remaining = Math.floor(remaining)
  if (resetInMs !== undefined) notice.resetInMs = resetInMs
  if (status === 429) notice.limited = { retryAfterMs }
  return Object.keys(notice).length > 1 ? notice : undefined
}

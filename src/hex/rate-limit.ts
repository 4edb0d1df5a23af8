import type { Operation } from './errors.ts'

/**
 * What one answer said about Hex's rate limit. Hex documents that its answers carry the requests
 * left and the time the window resets, without naming the headers; the names Hex and common
 * gateways use are read: `X-RateLimit-Limit` / `-Remaining` / `-Reset`, the IETF draft's separate
 * `RateLimit-Limit` / `-Remaining` / `-Reset`, its combined `RateLimit: limit=30, remaining=29,
 * reset=31`, and its later structured `RateLimit: "name";r=29;t=31` with
 * `RateLimit-Policy: "name";q=30;w=60`.
 */
export interface RateLimitNotice {
  /** The request the answer was to: a trigger is limited apart from the reads. */
  operation: Operation
  /** Requests a window allows, when the answer says. */
  limit?: number
  /** Requests left in Hex's current window. */
  remaining?: number
  /** How long until Hex's window starts again. */
  resetInMs?: number
  /**
   * Hex answered 429 (or, to a trigger, 503: its running kernels are at their limit): the wait it
   * asked for (Retry-After), when it gave one.
   */
  limited?: { retryAfterMs?: number; kernels?: true }
}

const LIMIT = ['x-ratelimit-limit', 'ratelimit-limit', 'x-rate-limit-limit']
const REMAINING = ['x-ratelimit-remaining', 'ratelimit-remaining', 'x-rate-limit-remaining']
const RESET = ['x-ratelimit-reset', 'ratelimit-reset', 'x-rate-limit-reset']
/** A reset above this is a time (seconds since the epoch), below it a number of seconds from now. */
const EPOCH_SECONDS_FROM = 1_000_000_000
/** No window is longer than a day: a reset further away is not believed. */
const MAX_RESET_MS = 24 * 60 * 60 * 1000
/** A whole number (or decimal) of at most 15 digits: longer is no count anyone means. */
const NUMBER = /^\d{1,15}(?:\.\d+)?$/

function asNumber(text: string | undefined): number | undefined {
  const trimmed = text?.trim()
  return trimmed !== undefined && NUMBER.test(trimmed) ? Number(trimmed) : undefined
}

function firstNumber(headers: Headers, names: string[]): number | undefined {
  for (const name of names) {
    // A whole number only: a list (`30;w=60`) or a word is ignored.
    const value = asNumber(headers.get(name) ?? undefined)
    if (value !== undefined) return value
  }
  return undefined
}

/** The parameters of a header's first item: `a=1, b=2` or `"name";a=1;b=2`. */
function parameters(text: string | null): Map<string, string> {
  const found = new Map<string, string>()
  if (text === null) return found
  // Structured fields: items split by commas, parameters by semicolons; the older draft: commas.
  const structured = /^\s*"[^"]*"\s*;/.test(text)
  const parts = structured ? (text.split(',')[0] ?? '').split(';').slice(1) : text.split(',')
  for (const part of parts) {
    const [key, value] = part.split('=', 2)
    if (key !== undefined && value !== undefined) found.set(key.trim().toLowerCase(), value.trim())
  }
  return found
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
  const combined = parameters(headers.get('ratelimit'))
  const policy = parameters(headers.get('ratelimit-policy'))
  const limit =
    firstNumber(headers, LIMIT) ?? asNumber(combined.get('limit')) ?? asNumber(policy.get('q'))
  const remaining =
    firstNumber(headers, REMAINING) ?? asNumber(combined.get('remaining') ?? combined.get('r'))
  const reset = firstNumber(headers, RESET) ?? asNumber(combined.get('reset') ?? combined.get('t'))
  let resetInMs: number | undefined
  if (reset !== undefined) {
    const ms = reset >= EPOCH_SECONDS_FROM ? reset * 1000 - nowMs : reset * 1000
    if (ms >= 0 && ms <= MAX_RESET_MS) resetInMs = Math.round(ms)
  }
  const notice: RateLimitNotice = { operation }
  if (limit !== undefined && limit >= 1) notice.limit = Math.floor(limit)
  if (remaining !== undefined) notice.remaining = Math.floor(remaining)
  if (resetInMs !== undefined) notice.resetInMs = resetInMs
  if (status === 429) notice.limited = { retryAfterMs }
  if (status === 503 && operation === 'trigger') notice.limited = { retryAfterMs, kernels: true }
  return Object.keys(notice).length > 1 ? notice : undefined
}

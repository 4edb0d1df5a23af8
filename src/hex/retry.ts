import { formatDuration } from '../lib/duration.ts'
import {
  HexApiError,
  HexError,
  HexNetworkError,
  HexRedirectError,
  HexResponseError
} from './errors.ts'

/**
 * The one retry policy. What a failed request means depends on whether sending it again is safe:
 * reads and cancels are idempotent, a trigger is not (a second POST could start a second run).
 */
export type Verdict =
  /**
   * Send it again, after `afterMs` if Hex said when (Retry-After), plus a random part of `spreadMs`
   * (the jobs that Hex refused together do not all come back at the same moment).
   */
  | { kind: 'retry'; afterMs?: number; spreadMs?: number; reason: string }
  /** A trigger whose outcome is unknown: Hex may have started a run. Never sent again blindly. */
  | { kind: 'unknown-outcome'; reason: string }
  | { kind: 'fatal' }

/** Statuses that say "not now" rather than "no": rate limit, server error, gateway, overload. */
export const RETRYABLE_STATUSES: readonly number[] = [429, 500, 502, 503, 504]

function statusReason(error: HexApiError): string {
  return `Hex answered ${error.status}`
}

/** GET and DELETE: anything transient is retried. */
export function readVerdict(error: unknown): Verdict {
  if (error instanceof HexNetworkError)
    return error.code === 'ABORTED'
      ? { kind: 'fatal' }
      : { kind: 'retry', reason: networkReason(error) }
  if (error instanceof HexApiError)
    return RETRYABLE_STATUSES.includes(error.status)
      ? { kind: 'retry', afterMs: error.retryAfterMs, reason: statusReason(error) }
      : { kind: 'fatal' }
  if (error instanceof HexResponseError)
    return { kind: 'retry', reason: 'the answer could not be read' }
  return { kind: 'fatal' }
}

/** The answers to a trigger with which Hex certainly started no run, and what they mean. */
const TRIGGER_REFUSED: Record<number, string> = {
  429: 'Hex is rate limiting runs (429)',
  503: 'Hex is at its limit of running kernels (503); no run was created'
}

/**
 * POST .../runs: sent again only where Hex certainly started no run: the connection was never
 * made, Hex answered 429 (rate limited), or 503 (the workspace is at its limit of running
 * kernels; Hex documents that no run is created then).
 */
export function triggerVerdict(error: unknown): Verdict {
  if (error instanceof HexNetworkError) {
    if (error.code === 'ABORTED') return { kind: 'fatal' }
    return error.requestSent
      ? { kind: 'unknown-outcome', reason: networkReason(error) }
      : { kind: 'retry', reason: networkReason(error) }
  }
  if (error instanceof HexApiError) {
    const refused = TRIGGER_REFUSED[error.status]
    if (refused !== undefined)
      return {
        kind: 'retry',
        afterMs: error.retryAfterMs,
        spreadMs: TRIGGER_SPREAD_MS,
        reason: refused
      }
    if (error.status >= 500) return { kind: 'unknown-outcome', reason: statusReason(error) }
    return { kind: 'fatal' }
  }
  if (error instanceof HexRedirectError) return { kind: 'fatal' }
  if (error instanceof HexResponseError)
    return {
      kind: 'unknown-outcome',
      reason: 'Hex accepted the trigger but its answer could not be read'
    }
  return { kind: 'fatal' }
}

function networkReason(error: HexNetworkError): string {
  return error.code === 'TIMEOUT' ? 'no answer in time' : `connection failed (${error.code})`
}

export interface Backoff {
  /** The first retry waits up to this long. */
  baseMs: number
  /** No wait is longer. */
  capMs: number
}

/**
 * 1 s doubling to 15 s: long enough for a gateway to recover, short enough that a run which ends
 * during an outage is seen soon after it.
 */
export const DEFAULT_BACKOFF: Backoff = { baseMs: 1_000, capMs: 15_000 }

/**
 * A trigger whose connection cannot be made at all (refused, DNS, TLS) gets this many attempts,
 * about 15 s at most: Hex is unreachable, and the user should hear so in seconds, not after the
 * whole timeout. Once a run is going, status reads ride out an outage until the timeout instead.
 */
export const MAX_CONNECT_ATTEMPTS = 5

/**
 * A trigger Hex refused for its limits (20 a minute, 25 running kernels per token) goes again a
 * random part of this after its Retry-After: the jobs of a matrix refused together come back
 * spread, never as a storm at one instant.
 */
export const TRIGGER_SPREAD_MS = 5_000

/** No retry goes out sooner than this, whatever the jitter or Retry-After says (`0`). */
export const MIN_RETRY_DELAY_MS = 1_000
/** The longest wait a Node timer can hold; a longer one would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Capped exponential backoff with jitter: a random wait between MIN_RETRY_DELAY_MS and the cap,
 * so a storm of failures never turns into a storm of requests, and the waits still grow.
 */
export function backoffDelay(retry: number, backoff: Backoff, random: () => number): number {
  const cap = Math.min(backoff.capMs, backoff.baseMs * 2 ** retry)
  return Math.round(MIN_RETRY_DELAY_MS + random() * Math.max(0, cap - MIN_RETRY_DELAY_MS))
}

export interface RetryOptions {
  verdict: (error: unknown) => Verdict
  /** No attempt starts, and no wait ends, after this time (ms on the `now` clock). */
  deadline: number
  now: () => number
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  random?: () => number
  backoff?: Backoff
  signal?: AbortSignal
  /** Give up after this many failures to connect at all; unbounded by default. */
  maxConnectAttempts?: number
  /** Called before each wait, for the log. */
  onRetry?: (retry: RetryNotice) => void
}

export interface RetryNotice {
  attempt: number
  delayMs: number
  reason: string
  error: HexError
}

/** Retries ran out: the deadline came, or Hex stayed unreachable. Carries the last error. */
export class RetriesExhaustedError extends HexError {
  readonly lastError: HexError
  readonly attempts: number
  readonly failingForMs: number
  readonly why: 'deadline' | 'unreachable'
  /** Hex asked to wait this long (Retry-After), past the deadline: why no attempt was made. */
  readonly retryAfterMs?: number
  constructor(
    lastError: HexError,
    attempts: number,
    failingForMs: number,
    why: 'deadline' | 'unreachable',
    retryAfterMs?: number
  ) {
    const tally =
      attempts > 1 ? ` (${attempts} attempts over ${formatDuration(failingForMs)} failed)` : ''
    super(`${lastError.message}${tally}`, lastError.context)
    this.lastError = lastError
    this.attempts = attempts
    this.failingForMs = failingForMs
    this.why = why
    this.retryAfterMs = retryAfterMs
  }
}

/** A trigger that may have started a run; the caller looks for it instead of sending again. */
export class UnknownOutcomeError extends HexError {
  readonly original: HexError
  readonly reason: string
  constructor(original: HexError, reason: string) {
    super(original.message, original.context)
    this.original = original
    this.reason = reason
  }
}

/**
 * Runs `attempt` until it succeeds, a failure is not worth retrying, the deadline passes, or the
 * signal aborts. Throws the last error as it was (fatal), RetriesExhaustedError, or
 * UnknownOutcomeError.
 */
export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { verdict, deadline, now, sleep, signal, onRetry } = options
  const random = options.random ?? Math.random
  const backoff = options.backoff ?? DEFAULT_BACKOFF
  const firstTry = now()
  let connectFailures = 0
  for (let attempts = 1; ; attempts++) {
    try {
      return await attempt()
    } catch (error) {
      if (!(error instanceof HexError) || signal?.aborted) throw error
      const v = verdict(error)
      if (v.kind === 'fatal') throw error
      if (v.kind === 'unknown-outcome') throw new UnknownOutcomeError(error, v.reason)
      if (error instanceof HexNetworkError && !error.requestSent) connectFailures++
      const left = deadline - now()
      // A backoff is cut short so that the last attempt lands on the deadline; a Retry-After is
      // Hex's own word, so an attempt it would push past the deadline is not made at all.
      // Every wait is at least MIN_RETRY_DELAY_MS (Retry-After: 0 included) and fits in a timer.
      const delayMs = Math.min(
        MAX_TIMER_MS,
        v.afterMs !== undefined
          ? Math.max(MIN_RETRY_DELAY_MS, v.afterMs) + Math.round(random() * (v.spreadMs ?? 0))
          : Math.min(backoffDelay(attempts - 1, backoff, random), left)
      )
      const why =
        connectFailures >= (options.maxConnectAttempts ?? Infinity)
          ? 'unreachable'
          : left <= 0 || delayMs > left
            ? 'deadline'
            : undefined
      if (why) {
        const pastDeadline = why === 'deadline' && v.afterMs !== undefined ? v.afterMs : undefined
        throw new RetriesExhaustedError(error, attempts, now() - firstTry, why, pastDeadline)
      }
      onRetry?.({ attempt: attempts, delayMs, reason: v.reason, error })
      await sleep(delayMs, signal)
      if (signal?.aborted) throw error
    }
  }
}

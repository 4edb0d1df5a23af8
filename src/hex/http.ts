/**
 * One HTTP request to Hex: the URL and headers (the token goes to the API base only, and a redirect
 * is reported, never followed), the request's time limit on the injected clock, what a failure to
 * get an answer was, Retry-After and the rate-limit headers, and a body read that stops at a cap.
 * No retries here: hex/session.ts decides what is sent again.
 */
import { formatDuration } from '../lib/duration.ts'
import { processRuntime, type Clock } from '../lib/runtime.ts'
import { linkedSignal } from '../lib/signals.ts'
import {
  HexApiError,
  HexNetworkError,
  HexRedirectError,
  HexResponseError,
  parseErrorBody,
  type RequestContext
} from './errors.ts'
import { readRateLimit, type RateLimitNotice } from './rate-limit.ts'

export interface HttpOptions {
  /** Normalised API base, e.g. https://app.hex.tech/api/v1 (no trailing slash). */
  apiBase: string
  token: string
  /** Injected so tests and a proxy-aware agent can stand in; defaults to the global fetch. */
  fetch?: typeof fetch
  userAgent?: string
  /**
   * The longest one request may take. A hung connection must not eat the whole run timeout.
   * Hex answers these calls in well under a second; 30 s leaves room for a slow proxy.
   */
  requestTimeoutMs?: number
  /** For debug logging of each request; never receives the token. */
  onDebug?: (message: string) => void
  /** Told what each answer says about Hex's rate limit (its headers, a 429), when it says anything. */
  onRateLimit?: (notice: RateLimitNotice) => void
  /** The time of the debug lines and Retry-After dates, and of each request's time limit. */
  clock?: Pick<Clock, 'now' | 'timeout'>
}

/** Per call: a signal that abandons the request (the action is shutting down). */
export interface CallOptions {
  signal?: AbortSignal
  /** A shorter limit for this call than requestTimeoutMs (a cancel racing the runner's kill). */
  timeoutMs?: number
}

/** One request: where it goes, what it sends, and what it is for (the context of its errors). */
export interface HexCall extends CallOptions {
  context: RequestContext
  method: 'GET' | 'POST' | 'DELETE'
  /** Under the API base, starting with `/`. */
  path: string
  /** Sent as JSON. */
  body?: unknown
  /** What the answer may be; default application/json. */
  accept?: string
  /** Headers of the operation's own (GetRunStatus's enable-expanded-stats); never authorization. */
  headers?: Record<string, string>
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000
/**
 * The largest answer read, counted after decompression: Hex's answers are a few KiB (a page of
 * 100 projects is the largest). A larger one, or a compression bomb, is cut off, not buffered.
 */
export const MAX_ANSWER_BYTES = 1024 * 1024

/** Requests to Hex at one API base, with one token. */
export class HexHttp {
  readonly apiBase: string
  /** The API base's origin, for messages. */
  readonly host: string
  private readonly token: string
  private readonly fetchImpl: typeof fetch
  private readonly userAgent: string
  private readonly requestTimeoutMs: number
  private readonly onDebug: (message: string) => void
  private readonly onRateLimit?: (notice: RateLimitNotice) => void
  private readonly clock: Pick<Clock, 'now' | 'timeout'>

  constructor(options: HttpOptions) {
    this.apiBase = options.apiBase.replace(/\/+$/, '')
    this.host = new URL(this.apiBase).origin
    this.token = options.token
    this.fetchImpl = options.fetch ?? globalThis.fetch
    this.userAgent = options.userAgent ?? 'hex-run-action'
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
    this.onDebug = options.onDebug ?? (() => {})
    this.onRateLimit = options.onRateLimit
    this.clock = options.clock ?? processRuntime
  }

  /**
   * Sends the call and reads its answer: the body as text (every JSON endpoint), or as bytes (an
   * image, a large export), at most MAX_ANSWER_BYTES either way. Throws a HexError for an error
   * status, a redirect, no answer in time, a failed connection or an answer over the cap.
   */
  request(call: HexCall, as?: 'text'): Promise<string>
  request(call: HexCall, as: 'bytes'): Promise<Uint8Array>
  async request(call: HexCall, as: 'text' | 'bytes' = 'text'): Promise<string | Uint8Array> {
    const timeoutMs = Math.min(this.requestTimeoutMs, call.timeoutMs ?? Infinity)
    const limit = this.clock.timeout(timeoutMs)
    // The stop signal lives as long as the step: what links it to this request goes with it.
    const linked = call.signal ? linkedSignal(call.signal, limit.signal) : undefined
    try {
      const bytes = await this.send(call, linked?.signal ?? limit.signal, limit.signal, timeoutMs)
      return as === 'bytes' ? bytes : textOf(bytes)
    } finally {
      // Answered or not, the limit goes: no timer or listener outlives its request.
      limit.clear()
      linked?.release()
    }
  }

  /** `signal` abandons the request (the stop or the limit); `limit` tells a timeout. */
  private async send(
    call: HexCall,
    signal: AbortSignal,
    limit: AbortSignal,
    timeoutMs: number
  ): Promise<Uint8Array> {
    const { context, method, body } = call
    const url = `${this.apiBase}${call.path}`
    const headers: Record<string, string> = {
      ...call.headers,
      accept: call.accept ?? 'application/json',
      authorization: `Bearer ${this.token}`,
      'user-agent': this.userAgent
    }
    if (body !== undefined) headers['content-type'] = 'application/json'
    const started = this.clock.now()
    let response: Response
    try {
      response = await this.fetchImpl(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        // The token must go to the configured host only: a redirect is reported, never followed.
        redirect: 'manual'
      })
    } catch (error) {
      throw networkError(context, error, limit.aborted, timeoutMs)
    }
    let answer: Uint8Array
    try {
      answer = await readCapped(response, MAX_ANSWER_BYTES)
    } catch (error) {
      // The status line arrived: an error status is known even if its body is lost or too large.
      if (response.status >= 400) answer = new Uint8Array(0)
      else if (error instanceof AnswerTooLargeError)
        throw new HexResponseError(
          context,
          `the answer is over ${MAX_ANSWER_BYTES / 1024 / 1024} MiB`
        )
      else throw networkError(context, error, limit.aborted, timeoutMs)
    }
    this.onDebug(
      `${method} ${url} -> ${response.status} in ${Math.round(this.clock.now() - started)}ms`
    )
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.clock.now())
    const rate = readRateLimit(
      context.operation,
      response.status,
      response.headers,
      retryAfterMs,
      this.clock.now()
    )
    if (rate !== undefined) this.onRateLimit?.(rate)

    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location') ?? 'an unnamed location'
      throw new HexRedirectError(context, response.status, location)
    }
    if (!response.ok) {
      throw new HexApiError(
        context,
        response.status,
        response.statusText,
        parseErrorBody(textOf(answer)),
        retryAfterMs
      )
    }
    return answer
  }
}

/** Over MAX_ANSWER_BYTES: the rest of the answer is not read. */
class AnswerTooLargeError extends Error {}

/**
 * The body's bytes, read chunk by chunk (after decompression) and abandoned past `maxBytes`, so a
 * huge answer or a compression bomb never fills memory.
 */
async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array(0)
  const reader = (response.body as ReadableStream<Uint8Array>).getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined)
      throw new AnswerTooLargeError(`over ${maxBytes} bytes`)
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(total)
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.byteLength
  }
  return bytes
}

/** The bytes as UTF-8 text, as they came (a byte order mark kept, a bad sequence replaced). */
function textOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
}

const IMF_FIXDATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/

/**
 * Retry-After is either delta-seconds or an HTTP date (RFC 9110 10.2.3), IMF-fixdate only:
 * anything else (`-5`, `1.5`, which Date.parse would take for dates) is ignored.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  if (!IMF_FIXDATE.test(text)) return undefined
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs)
}

/** What a request that got no answer met: its time limit, an abort, or a failed connection. */
export function networkError(
  context: RequestContext,
  error: unknown,
  timedOut: boolean,
  timeoutMs: number
): HexNetworkError {
  if (timedOut)
    return new HexNetworkError(context, 'TIMEOUT', `no answer within ${formatDuration(timeoutMs)}`)
  if (error instanceof Error && error.name === 'AbortError')
    return new HexNetworkError(context, 'ABORTED', 'the request was aborted')
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined
  // fetch throws a TypeError with no cause before any connection is made (an invalid header
  // value, a malformed URL): the request was never sent.
  const code =
    typeof cause?.code === 'string'
      ? cause.code
      : error instanceof TypeError && cause === undefined
        ? 'INVALID_REQUEST'
        : 'UNKNOWN'
  const detail = cause instanceof Error ? cause.message : String(error)
  return new HexNetworkError(context, code, detail)
}

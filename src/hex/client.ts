import {
  HexApiError,
  HexNetworkError,
  HexRedirectError,
  HexResponseError,
  parseErrorBody,
  type Operation,
  type RequestContext
} from './errors.ts'
import { readRateLimit, type RateLimitNotice } from './rate-limit.ts'
import type { RunProjectRequest, RunState, TriggeredRun } from './types.ts'
import { formatDuration } from '../lib/duration.ts'

export interface HexClientOptions {
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
  now?: () => number
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000
/**
 * The largest answer read, counted after decompression: Hex's answers are a few KiB (a page of
 * 100 projects is the largest). A larger one, or a compression bomb, is cut off, not buffered.
 */
export const MAX_ANSWER_BYTES = 1024 * 1024
/** Run and project IDs are UUIDs; anything else from Hex never goes into a request path. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** A project version as Hex gives it: a number or a short plain word. */
const VERSION = /^[\w.+-]{1,64}$/
/** A timestamp as Hex gives it (ISO 8601), e.g. 2026-11-29T12:00:00.000Z. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/
/** Hex's largest page (PageSize): fewer requests to find a project by name. */
export const PROJECTS_PAGE_SIZE = 100

/** A project as ListProjects lists it, reduced to what finding one by name needs. */
export interface ProjectSummary {
  id: string
  title: string
}

/** Which of a project's runs GetProjectRuns lists, newest first. */
export interface RunsQuery {
  limit: number
  /** Only runs started this way (runTriggerFilter). */
  trigger?: 'API'
  /** Only runs with this status (statusFilter). */
  status?: 'COMPLETED'
}

/** Per call: a signal that abandons the request (the action is shutting down). */
export interface CallOptions {
  signal?: AbortSignal
  /** A shorter limit for this call than requestTimeoutMs (a cancel racing the runner's kill). */
  timeoutMs?: number
}

/**
 * The Hex API calls the action makes. It never imports @actions/core: what it has to say
 * goes through onDebug or a typed error whose message tells the user what to do.
 */
export class HexClient {
  private readonly apiBase: string
  private readonly host: string
  private readonly token: string
  private readonly fetchImpl: typeof fetch
  private readonly userAgent: string
  private readonly requestTimeoutMs: number
  private readonly onDebug: (message: string) => void
  private readonly onRateLimit?: (notice: RateLimitNotice) => void
  private readonly now: () => number

  constructor(options: HexClientOptions) {
    this.apiBase = options.apiBase.replace(/\/+$/, '')
    this.host = new URL(this.apiBase).origin
    this.token = options.token
    this.fetchImpl = options.fetch ?? globalThis.fetch
    this.userAgent = options.userAgent ?? 'hex-run-action'
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
    this.onDebug = options.onDebug ?? (() => {})
    this.onRateLimit = options.onRateLimit
    this.now = options.now ?? Date.now
  }

  /** `POST /projects/{projectId}/runs` (RunProject). */
  async runProject(
    projectId: string,
    request: RunProjectRequest,
    options: CallOptions = {}
  ): Promise<TriggeredRun> {
    const context = this.context('trigger', projectId)
    const json = await this.request(context, 'POST', runsPath(projectId), options, request)
    const o = asObject(json, context)
    const runId = requireId(o, 'runId', context)
    sameId(o, 'projectId', projectId, 'project', context)
    return {
      projectId,
      runId,
      runUrl: requireString(o, 'runUrl', context),
      runStatusUrl: optionalString(o.runStatusUrl) ?? `${this.apiBase}${runPath(projectId, runId)}`,
      traceId: optionalString(o.traceId),
      projectVersion: optionalVersion(o.projectVersion)
    }
  }

  /** `GET /projects/{projectId}/runs/{runId}` (GetRunStatus). */
  async getRun(projectId: string, runId: string, options: CallOptions = {}): Promise<RunState> {
    const context = this.context('status', projectId, runId)
    const json = await this.request(context, 'GET', runPath(projectId, runId), options)
    return this.runState(asObject(json, context), projectId, runId, context)
  }

  /**
   * `GET /projects/{projectId}/runs` (GetProjectRuns), newest first: API-triggered runs only, to
   * find a run whose trigger answer was lost.
   */
  listApiRuns(projectId: string, limit: number, options: CallOptions = {}): Promise<RunState[]> {
    return this.listRuns(projectId, { limit, trigger: 'API' }, options)
  }

  /** `GET /projects/{projectId}/runs` (GetProjectRuns): the runs `query` asks for, newest first. */
  async listRuns(
    projectId: string,
    query: RunsQuery,
    options: CallOptions = {}
  ): Promise<RunState[]> {
    const context = this.context('list', projectId)
    const params = new URLSearchParams({ limit: String(query.limit) })
    if (query.trigger !== undefined) params.set('runTriggerFilter', query.trigger)
    if (query.status !== undefined) params.set('statusFilter', query.status)
    const path = `${runsPath(projectId)}?${params.toString()}`
    const json = await this.request(context, 'GET', path, options)
    const runs = asObject(json, context).runs
    if (!Array.isArray(runs)) throw new HexResponseError(context, 'the field runs is missing')
    return runs.map((run) => {
      const o = asObject(run, context)
      return this.runState(o, projectId, requireId(o, 'runId', context), context)
    })
  }

  /**
   * `GET /projects` (ListProjects), one page: the projects the token's user can see, and the
   * cursor of the next page (undefined on the last).
   */
  async listProjects(
    name: string,
    after: string | undefined,
    options: CallOptions = {}
  ): Promise<{ projects: ProjectSummary[]; after?: string }> {
    const context: RequestContext = { operation: 'find', projectId: `'${name}'`, host: this.host }
    const query = new URLSearchParams({ limit: String(PROJECTS_PAGE_SIZE) })
    if (after !== undefined) query.set('after', after)
    const json = await this.request(context, 'GET', `/projects?${query.toString()}`, options)
    const o = asObject(json, context)
    if (!Array.isArray(o.values)) throw new HexResponseError(context, 'the field values is missing')
    const projects = o.values.map((value) => {
      const p = asObject(value, context)
      return { id: requireId(p, 'id', context), title: optionalString(p.title) ?? '' }
    })
    const pagination = typeof o.pagination === 'object' && o.pagination !== null ? o.pagination : {}
    return { projects, after: optionalString((pagination as { after?: unknown }).after) }
  }

  private runState(
    o: Record<string, unknown>,
    projectId: string,
    runId: string,
    context: RequestContext
  ): RunState {
    // An answer about another run or project is never taken for this one.
    sameId(o, 'runId', runId, 'run', context)
    sameId(o, 'projectId', projectId, 'project', context)
    return {
      projectId,
      runId,
      status: requireString(o, 'status', context).toUpperCase(),
      runUrl: optionalString(o.runUrl),
      projectVersion: optionalVersion(o.projectVersion),
      startTime: optionalTimestamp(o.startTime),
      endTime: optionalTimestamp(o.endTime),
      elapsedMs:
        typeof o.elapsedTime === 'number' && Number.isFinite(o.elapsedTime) && o.elapsedTime >= 0
          ? o.elapsedTime
          : undefined,
      traceId: optionalString(o.traceId)
    }
  }

  /** `DELETE /projects/{projectId}/runs/{runId}` (CancelRun); Hex answers 204 with no body. */
  async cancelRun(projectId: string, runId: string, options: CallOptions = {}): Promise<void> {
    const context = this.context('cancel', projectId, runId)
    await this.request(context, 'DELETE', runPath(projectId, runId), options)
  }

  private context(operation: Operation, projectId: string, runId?: string): RequestContext {
    return { operation, projectId, runId, host: this.host }
  }

  private async request(
    context: RequestContext,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: CallOptions,
    body?: unknown
  ): Promise<unknown> {
    const url = `${this.apiBase}${path}`
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${this.token}`,
      'user-agent': this.userAgent
    }
    if (body !== undefined) headers['content-type'] = 'application/json'
    const timeoutMs = Math.min(this.requestTimeoutMs, options.timeoutMs ?? Infinity)
    const timeout = AbortSignal.timeout(timeoutMs)
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout
    const started = this.now()
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
      throw networkError(context, error, timeout.aborted, timeoutMs)
    }
    let text: string
    try {
      text = await readCapped(response, MAX_ANSWER_BYTES)
    } catch (error) {
      // The status line arrived: an error status is known even if its body is lost or too large.
      if (response.status >= 400) text = ''
      else if (error instanceof AnswerTooLargeError)
        throw new HexResponseError(
          context,
          `the answer is over ${MAX_ANSWER_BYTES / 1024 / 1024} MiB`
        )
      else throw networkError(context, error, timeout.aborted, timeoutMs)
    }
    this.onDebug(`${method} ${url} -> ${response.status} in ${Math.round(this.now() - started)}ms`)
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.now())
    const limit = readRateLimit(
      context.operation,
      response.status,
      response.headers,
      retryAfterMs,
      this.now()
    )
    if (limit !== undefined) this.onRateLimit?.(limit)

    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location') ?? 'an unnamed location'
      throw new HexRedirectError(context, response.status, location)
    }
    if (!response.ok) {
      throw new HexApiError(
        context,
        response.status,
        response.statusText,
        parseErrorBody(text),
        retryAfterMs
      )
    }
    if (method === 'DELETE') return undefined
    try {
      return JSON.parse(text) as unknown
    } catch {
      throw new HexResponseError(context, `expected JSON, got ${describeBody(text)}`)
    }
  }
}

/** Refuses what is not a UUID: nothing else goes into a request path (defence in depth). */
function pathId(id: string, what: string): string {
  if (!UUID.test(id)) throw new TypeError(`A ${what} ID must be a UUID, got ${quote(id)}`)
  return id
}

export function runsPath(projectId: string): string {
  return `/projects/${pathId(projectId, 'project')}/runs`
}

export function runPath(projectId: string, runId: string): string {
  return `${runsPath(projectId)}/${pathId(runId, 'run')}`
}

/** Over MAX_ANSWER_BYTES: the rest of the answer is not read. */
class AnswerTooLargeError extends Error {}

/**
 * The body as text, read chunk by chunk (after decompression) and abandoned past `maxBytes`, so a
 * huge answer or a compression bomb never fills memory.
 */
async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (response.body === null) return ''
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
  return Buffer.concat(chunks).toString('utf8')
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

function networkError(
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

function describeBody(text: string): string {
  const trimmed = text.trim()
  if (trimmed === '') return 'an empty body'
  if (trimmed.startsWith('<')) return 'an HTML page (a proxy or maintenance page?)'
  return `${JSON.stringify(trimmed.slice(0, 80))}${trimmed.length > 80 ? '...' : ''}`
}

function asObject(json: unknown, context: RequestContext): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new HexResponseError(context, 'expected a JSON object')
  return json as Record<string, unknown>
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function requireString(o: Record<string, unknown>, field: string, context: RequestContext): string {
  const value = optionalString(o[field])
  if (value === undefined) throw new HexResponseError(context, `the field ${field} is missing`)
  return value
}

/** A value from Hex for a message: quoted, and cut short. */
function quote(value: unknown): string {
  const text = JSON.stringify(typeof value === 'string' ? value : String(value))
  return text.length > 60 ? `${text.slice(0, 60)}..."` : text
}

/** A UUID field, or a HexResponseError: an ID from Hex goes into later request paths. */
function requireId(o: Record<string, unknown>, field: string, context: RequestContext): string {
  const value = requireString(o, field, context)
  if (!UUID.test(value))
    throw new HexResponseError(context, `the field ${field} is not a UUID: ${quote(value)}`)
  return value
}

/** An ID field, when present, must name what was asked about. */
function sameId(
  o: Record<string, unknown>,
  field: string,
  expected: string,
  what: 'run' | 'project',
  context: RequestContext
): void {
  const value = o[field]
  if (value === undefined || value === null) return
  if (typeof value !== 'string' || !UUID.test(value))
    throw new HexResponseError(context, `the field ${field} is not a UUID: ${quote(value)}`)
  if (value.toLowerCase() !== expected.toLowerCase())
    throw new HexResponseError(
      context,
      `Hex answered about ${what} ${quote(value)}, not ${expected}`
    )
}

/** projectVersion is an integer in the trigger's answer and a string in the status answer. */
function optionalVersion(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value)
  return typeof value === 'string' && VERSION.test(value) ? value : undefined
}

/** A timestamp that parses as a date; anything else is dropped. */
function optionalTimestamp(value: unknown): string | undefined {
  if (typeof value !== 'string' || !TIMESTAMP.test(value)) return undefined
  return Number.isNaN(Date.parse(value)) ? undefined : value
}

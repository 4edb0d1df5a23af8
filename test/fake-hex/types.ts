/**
 * Public types of the stand-in Hex API server. Written from Hex's API reference (see
 * shared/hex-api); nothing here is generated from Hex's OpenAPI document.
 */

export type RunStatus =
  'PENDING' | 'RUNNING' | 'COMPLETED' | 'ERRORED' | 'KILLED' | 'UNABLE_TO_ALLOCATE_KERNEL'

export type TokenScope = 'run' | 'read'

export type ParamType = 'string' | 'number' | 'boolean'

/**
 * One phase of a scripted run. `status` may be any string, so that a client can be shown a status
 * it does not know (e.g. 'QUEUED'). `ms` is how long the phase lasts; the last entry needs none and
 * lasts for good.
 */
export interface LifecycleStep {
  status: RunStatus | (string & {})
  ms?: number
}

/** How a run was started; GetProjectRuns filters on it. */
export type RunTrigger = 'API' | 'SCHEDULED' | 'APP_REFRESH'

/**
 * A run started outside the action (FakeHex.startElsewhere): by Hex's scheduler, the app, or
 * another API client, as the stand-in's clock stands; it moves through its lifecycle from then.
 */
export interface ElsewhereRun {
  /** Default SCHEDULED. */
  trigger?: RunTrigger
  /** Default the project's. E.g. [{ status: 'RUNNING', ms: 600_000 }, { status: 'COMPLETED' }]. */
  lifecycle?: LifecycleStep[]
  /** Started this long before now (default 0): a run that has gone a while already. */
  agoMs?: number
}

/** A run of the project's past: ended before the stand-in started, listed by GetProjectRuns. */
export interface PastRun {
  /** How long it ran, from its start to its end. */
  ms: number
  /** Default COMPLETED. */
  status?: RunStatus
  /** Default API. */
  trigger?: RunTrigger
}

export interface FakeProject {
  /** A UUID in real Hex; any string is accepted here. */
  id: string
  title?: string
  description?: string
  /** Default true. An unpublished project cannot be run (422). */
  published?: boolean
  /** Default 1. */
  version?: number
  /** Declared input names; when absent the project accepts any input params. */
  params?: Record<string, ParamType>
  /** Default: PENDING 50 ms, RUNNING 150 ms, COMPLETED. */
  lifecycle?: LifecycleStep[]
  /**
   * Hex finds no kernel for the project's first `runs` runs (dry runs aside): each stays PENDING
   * for `pendingMs` (default 50), then ends UNABLE_TO_ALLOCATE_KERNEL; later runs follow the
   * lifecycle.
   */
  unallocated?: { runs: number; pendingMs?: number }
  /**
   * The project's earlier runs, oldest first: the last ended an hour before the project was added,
   * each earlier one an hour before the next (well outside the look-back for a lost trigger).
   */
  history?: PastRun[]
}

/**
 * Hex's rate limit on everything but RunProject (its `hex-api` group), per token: a window of 60 s
 * opens with a token's first request; past `perMinute` requests in it, the answer is 429 with a
 * Retry-After of the seconds left in the window.
 */
export interface FakeRateLimit {
  perMinute: number
  /** Send X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (epoch seconds). */
  headers?: boolean
}

/**
 * Which rate-limit headers the limits mode sends with each answer (FakeLimits.headers):
 * - `x-ratelimit`: X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (epoch seconds);
 * - `ratelimit`: the IETF draft's three fields up to draft 06, RateLimit-Limit, RateLimit-Remaining
 *   and RateLimit-Reset (seconds from now);
 * - `ratelimit-policy`: the draft's pair from draft 08 on, `RateLimit: "hex-api";r=12;t=40` and
 *   `RateLimit-Policy: "hex-api";q=30;w=60` (Structured Fields: a policy name, its remaining
 *   quota, the seconds to its reset, its quota and window);
 * - `none`: no headers but a 429's Retry-After.
 */
export type RateHeaderMode = 'x-ratelimit' | 'ratelimit' | 'ratelimit-policy' | 'none'

/**
 * A fault of the limits mode: the rate-limit headers lie, while the limits are enforced as
 * before and a 429's Retry-After stays true.
 * - `negative`: the remaining count and the reset are negative;
 * - `huge`: the limit, the remaining count and the reset are 9007199254740991000;
 * - `reset-past`: the reset is an hour ago, as epoch seconds, whatever the mode;
 * - `reset-year`: the reset is a year away (epoch seconds or seconds from now, as the mode writes it);
 * - `remaining-rising`: the remaining count goes up by one with each request (1, 2, 3 …), past the
 *   limit and through the 429s.
 */
export type HeaderLie = 'negative' | 'huge' | 'reset-past' | 'reset-year' | 'remaining-rising'

/**
 * Hex's per-token limits as its API overview and reference document them, all per token and all
 * on the stand-in's clock:
 * - reads (every route but RunProject): a window of 60 s opens with the token's first read; past
 *   `readsPerMinute` in it, 429 with a Retry-After of the seconds until the window ends;
 * - RunProject: a window of its own, the same way, past `triggersPerMinute` (429, no run created);
 * - at most `kernelsPerToken` runs of the token not yet ended: RunProject answers 503 (Hex's
 *   SERVICE_UNAVAILABLE error) and creates no run.
 * Every key is optional; `limits: {}` is Hex as documented, with X-RateLimit-* headers.
 */
export interface FakeLimits {
  /** Default 30 (the `hex-api` group of Hex's reference). */
  readsPerMinute?: number
  /** Default 20 (Hex's mid-2025 reference: 20 a minute). */
  triggersPerMinute?: number
  /** Default 25 (Hex's API overview). */
  kernelsPerToken?: number
  /** Default `x-ratelimit`. */
  headers?: RateHeaderMode
  /** Default none: the headers tell the truth. Needs headers other than `none`. */
  lie?: HeaderLie
}

/**
 * What GetRunStatus's `stateEvents` (sent only with `enable-expanded-stats: true`) look like:
 * - `normal`: one event per change of status, `{type: 'STATUS_CHANGED', value: <status>,
 *   timestamp: <ISO 8601>}`, the lifecycle's phases up to now (a PENDING phase is the wait for a
 *   kernel);
 * - `omitted`: no field at all, as an older Hex; `empty`: `[]`; `not-an-array`: an object;
 * - `unknown-types`: other kinds of event (a kernel, a cell) among the changes of status;
 * - `bad-timestamps`: every timestamp unreadable (a word, empty, a number, null, no such date);
 * - `garbage`: nulls, numbers, strings and objects missing fields;
 * - `duplicates`: every event twice; `out-of-order`: newest first;
 * - `contradictory`: times that contradict the order of the statuses (RUNNING before PENDING).
 */
export type StateEventsMode =
  | 'normal'
  | 'omitted'
  | 'empty'
  | 'not-an-array'
  | 'unknown-types'
  | 'bad-timestamps'
  | 'garbage'
  | 'duplicates'
  | 'out-of-order'
  | 'contradictory'

/** Rewrites the status a run reports (GetRunStatus, GetProjectRuns); undefined keeps it. */
export type StatusOverride = (run: FakeRun) => string | undefined

export interface FakeHexOptions {
  /** Default 0: a free port. */
  port?: number
  /** Default { hxtw_test_run_token: 'run', hxtw_test_read_token: 'read' }. */
  tokens?: Record<string, TokenScope>
  /** Body of a 401: the bare text `Unauthorized` (default) or Hex's JSON error. */
  unauthorizedStyle?: 'text' | 'json'
  /**
   * Answer as older API versions did: integer projectVersion, elapsedTime always null, and the
   * {traceId, invalid, notFound} list for input parameters that do not fit.
   */
  legacyShapes?: boolean
  /**
   * Non-terminal runs allowed at once across the server; default 25, as Hex documents, or no
   * limit with `limits` (which limits them per token).
   */
  maxRunningKernels?: number
  /** Default: one published project, DEFAULT_PROJECT_ID. An empty array means none. */
  projects?: FakeProject[]
  /** Workspace name used in run URLs; default 'acme'. */
  workspace?: string
  statusOverride?: StatusOverride
  /** Default `normal`: how GetRunStatus's state events look when asked for (StateEventsMode). */
  stateEvents?: StateEventsMode
  /** Default: none, every request is answered. */
  rateLimit?: FakeRateLimit
  /**
   * Default: off. Hex's per-token limits on reads, triggers and running kernels (FakeLimits), with
   * rate-limit headers in a chosen mode; in place of `rateLimit`, not with it.
   */
  limits?: FakeLimits
  /**
   * The server's clock, ms since the epoch. Default: the real one. A test that runs the action on
   * a fake clock passes the same clock here, so runs move on as the action's waits pass.
   */
  now?: () => number
  /**
   * A virtual clock to share with the client under test, in place of `now`: the server's time,
   * and what its delay, hang and answer-late faults wait on, so that a client's time limit on the
   * same clock ends in virtual time. Without one, those faults wait in real time.
   */
  clock?: FakeHexClock
}

/**
 * What the stand-in needs of a virtual clock it shares with a client (test/runner/virtual-clock.ts):
 * the client's requests made through the clock carry a ticket, with which the stand-in parks a
 * request it holds, so that the clock does not wait for its answer to move on.
 */
export interface FakeHexClock {
  now: () => number
  /** The request header that holds a request's ticket; the request log leaves it out. */
  readonly ticketHeader: string
  /** Requests to `origin` (the stand-in's) carry their ticket from now on. */
  serve: (origin: string) => void
  /**
   * Waits `ms` on the clock (no `ms`: until `signal` aborts), or less if `signal` aborts, with the
   * request holding `ticket` parked meanwhile.
   */
  park: (ticket: string | undefined, ms: number | undefined, signal: AbortSignal) => Promise<void>
}

export type FaultAction =
  /** Answer this instead of the API; nothing is processed (a gateway or rate limiter answering). */
  | { kind: 'respond'; status: number; body?: string | object; headers?: Record<string, string> }
  /** Wait, then process and answer normally (the work is done even if the client gave up). */
  | { kind: 'delay'; ms: number }
  /** Process at once (the run exists), then answer after a wait: an answer that comes too late. */
  | { kind: 'answer-late'; ms: number }
  /** Never answer; the socket stays open until the client aborts or the server closes. */
  | { kind: 'hang' }
  /** Destroy the socket without processing anything. */
  | { kind: 'reset' }
  /** Process the request (e.g. create the run), then destroy the socket without answering. */
  | { kind: 'reset-after-processing' }
  /** 200, content-type application/json, a truncated JSON body; nothing is processed. */
  | { kind: 'malformed' }
  /** 200 with an HTML page (a proxy or maintenance page); nothing is processed. */
  | { kind: 'html' }

export interface FaultSpec {
  method?: 'GET' | 'POST' | 'DELETE'
  /** A string must equal the whole path (e.g. '/api/v1/users/me'); a RegExp is tested on it. */
  path?: string | RegExp
  /**
   * Matching requests to let through before the fault fires, counted from injection; every
   * matching request counts, including one that an earlier fault took.
   */
  skip?: number
  /** How many requests the fault takes; default 1, Infinity allowed. */
  times?: number
  action: FaultAction
}

export interface RecordedRequest {
  method: string
  /** Path without the query string, as sent. */
  path: string
  query: Record<string, string>
  /** Lower-case names; repeated headers joined with ', '. */
  headers: Record<string, string>
  /** Parsed JSON if the body parses, else the raw text; undefined if empty. */
  body: unknown
  /** When the request arrived, ms since the epoch. */
  at: number
  /** The status answered, 'dropped' if the socket closed unanswered, 'pending' while open. */
  status: number | 'dropped' | 'pending'
}

/** A snapshot of a run as the server sees it. Times are ms since the epoch (fractional). */
export interface FakeRun {
  id: string
  projectId: string
  /** The lifecycle's status now (before any statusOverride). */
  status: string
  createdAt: number
  startedAt?: number
  /** When the run became terminal; absent while it is not. */
  terminalAt?: number
  cancelled: boolean
  dryRun: boolean
  /** The request body as parsed (undefined when empty). */
  body: unknown
  trigger: RunTrigger
  /** A run of the project's history (FakeProject.history), not one a client started. */
  past: boolean
  /** The token that started it; absent for a run of the project's history. */
  token?: string
}

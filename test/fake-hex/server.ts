import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseBody, recordedBody } from './context.ts'
import type { ParsedBody } from './context.ts'
import { FaultQueue } from './faults.ts'
import { codeError, encode } from './replies.ts'
import type { Reply } from './replies.ts'
import { route } from './routes.ts'
import { HexState } from './state.ts'
import type {
  ElsewhereRun,
  FakeHexClock,
  FakeHexOptions,
  FakeProject,
  FakeRun,
  FaultSpec,
  RecordedRequest,
  StateEventsMode,
  StatusOverride
} from './types.ts'

export { DEFAULT_PROJECT_ID } from './projects.ts'
export { DEFAULT_LIFECYCLE, TERMINAL_STATUSES } from './runs.ts'
export { DEFAULT_MAX_RUNNING_KERNELS, DEFAULT_TOKENS } from './state.ts'
export type * from './types.ts'

const MAINTENANCE_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Down for maintenance</title></head>' +
  '<body><h1>We&rsquo;ll be right back</h1><p>Scheduled maintenance in progress.</p></body></html>\n'

interface Processed {
  reply: Reply
  traceId: string
}

function newTraceId(): string {
  return randomBytes(16).toString('hex')
}

function headersOf(raw: IncomingHttpHeaders, leaveOut: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined && name !== leaveOut)
      headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return headers
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
    // Settles nothing if 'end' came first; otherwise the client went away mid-body.
    req.on('close', () => reject(new Error('connection closed before the body ended')))
  })
}

/**
 * A stand-in for Hex's REST API on 127.0.0.1: real HTTP, projects and runs in memory, every request
 * recorded, and faults that can be injected per request.
 */
export class FakeHex {
  readonly origin: string
  readonly apiBase: string
  readonly #server: Server
  readonly #state: HexState
  readonly #faults = new FaultQueue()
  readonly #closing = new AbortController()
  readonly #clock: FakeHexClock | undefined
  #records: RecordedRequest[] = []

  private constructor(
    server: Server,
    state: HexState,
    origin: string,
    clock: FakeHexClock | undefined
  ) {
    this.#server = server
    this.#state = state
    this.#clock = clock
    this.origin = origin
    this.apiBase = `${origin}/api/v1`
    state.origin = origin
    clock?.serve(origin)
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      void this.#handle(req, res)
    })
  }

  static async start(options: FakeHexOptions = {}): Promise<FakeHex> {
    const state = new HexState(options)
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject)
        resolve()
      })
    })
    const { port } = server.address() as AddressInfo
    return new FakeHex(server, state, `http://127.0.0.1:${port}`, options.clock)
  }

  /** Adds a project, or replaces the one with the same id. */
  addProject(project: FakeProject): void {
    this.#state.addProject(project)
  }

  /**
   * Starts a run of `projectId` as Hex's scheduler (the default), the app or another API client
   * would, outside the action: PENDING or RUNNING by its lifecycle, listed by GetProjectRuns.
   */
  startElsewhere(projectId: string, spec: ElsewhereRun = {}): FakeRun {
    return this.#state.startElsewhere(projectId, spec).snapshot(this.#state.now())
  }

  setStatusOverride(override: StatusOverride | undefined): void {
    this.#state.statusOverride = override
  }

  /** How GetRunStatus's state events look from now on (StateEventsMode). */
  setStateEvents(mode: StateEventsMode): void {
    this.#state.stateEvents = mode
  }

  injectFault(fault: FaultSpec): void {
    this.#faults.add(fault)
  }

  clearFaults(): void {
    this.#faults.clear()
  }

  /** Every request so far, in order of arrival (a copy). */
  get requests(): RecordedRequest[] {
    return structuredClone(this.#records)
  }

  clearRequests(): void {
    this.#records = []
  }

  /** Runs in order of creation, as they stand now. */
  runs(projectId?: string): FakeRun[] {
    const t = this.#state.now()
    return this.#state.runs
      .filter((run) => projectId === undefined || run.projectId === projectId)
      .map((run) => run.snapshot(t))
  }

  /** Stops listening and destroys every open socket, hung requests' included. */
  close(): Promise<void> {
    this.#closing.abort()
    return new Promise((resolve) => {
      this.#server.close(() => {
        // Every socket is gone; a response's own 'close' event may not have run yet.
        for (const record of this.#records) {
          if (record.status === 'pending') record.status = 'dropped'
        }
        resolve()
      })
      this.#server.closeAllConnections()
    })
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin)
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: headersOf(req.headers, this.#clock?.ticketHeader),
      body: undefined,
      at: this.#state.now(),
      status: 'pending'
    }
    this.#records.push(record)
    res.on('close', () => {
      if (record.status === 'pending') record.status = 'dropped'
    })
    let body: ParsedBody
    try {
      body = parseBody(await readBody(req))
    } catch {
      return
    }
    record.body = recordedBody(body)

    const action = this.#faults.take(record.method, record.path)
    switch (action?.kind) {
      case undefined:
        return this.#answer(res, record, this.#process(req, url, body))
      case 'respond':
        return this.#send(res, record, action)
      case 'delay': {
        // The work is done after the wait even if the client left meanwhile.
        const until = this.#state.now() + action.ms
        const waited =
          (await this.#hold(req, res, action.ms, 'left')) ||
          (await this.#hold(req, res, Math.max(0, until - this.#state.now()), 'closing'))
        if (!waited) return
        return this.#answer(res, record, this.#process(req, url, body))
      }
      case 'answer-late': {
        const processed = this.#process(req, url, body)
        if (!(await this.#hold(req, res, action.ms, 'left'))) return
        return this.#answer(res, record, processed)
      }
      case 'hang':
        await this.#hold(req, res, undefined, 'left')
        return
      case 'reset':
        record.status = 'dropped'
        req.socket.destroy()
        return
      case 'reset-after-processing':
        this.#process(req, url, body)
        record.status = 'dropped'
        req.socket.destroy()
        return
      case 'malformed':
        return this.#send(res, record, {
          status: 200,
          body: `{"traceId":"${newTraceId()}","runId":"`,
          headers: { 'content-type': 'application/json' }
        })
      case 'html':
        return this.#send(res, record, { status: 200, body: MAINTENANCE_PAGE })
    }
  }

  /**
   * A fault's wait of `ms` (none: for good): on the shared clock, else in real time (where a hang
   * needs no wait: the socket just stays open). It ends early when the server closes, or (`left`)
   * when the client has gone, and only then holds the request parked on the clock: a wait past
   * the client's going holds no request. True when it ran its course.
   */
  async #hold(
    req: IncomingMessage,
    res: ServerResponse,
    ms: number | undefined,
    until: 'closing' | 'left'
  ): Promise<boolean> {
    const gone = new AbortController()
    if (until === 'left') {
      if (res.destroyed) gone.abort()
      else res.once('close', () => gone.abort())
    }
    const signal = AbortSignal.any([this.#closing.signal, gone.signal])
    if (this.#clock !== undefined) {
      const ticket = until === 'left' ? req.headers[this.#clock.ticketHeader] : undefined
      await this.#clock.park(typeof ticket === 'string' ? ticket : undefined, ms, signal)
      return !signal.aborted
    }
    if (ms === undefined) return false
    try {
      await sleep(ms, undefined, { signal })
      return true
    } catch {
      return false // closing (the socket is being destroyed), or the client left
    }
  }

  #process(req: IncomingMessage, url: URL, body: ParsedBody): Processed {
    const traceId = newTraceId()
    try {
      const reply = route(this.#state, {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        authorization: req.headers.authorization,
        expandedStats: req.headers['enable-expanded-stats']?.toString().toLowerCase() === 'true',
        body,
        traceId,
        t: this.#state.now()
      })
      return { reply, traceId }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      return { reply: codeError(500, 'INTERNAL_SERVER_ERROR', message), traceId }
    }
  }

  #answer(res: ServerResponse, record: RecordedRequest, processed: Processed): void {
    const { reply, traceId } = processed
    this.#send(res, record, { ...reply, headers: { 'x-trace-id': traceId, ...reply.headers } })
  }

  #send(res: ServerResponse, record: RecordedRequest, reply: Reply): void {
    if (res.destroyed) return // the client left; 'close' has marked the request dropped
    const { headers, payload } = encode(reply)
    record.status = reply.status
    res.writeHead(reply.status, headers).end(payload)
  }
}

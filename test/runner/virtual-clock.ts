import type { Clock, Runtime, TimeLimit } from '../../src/lib/runtime.ts'

interface Timer {
  at: number
  seq: number
  fire: () => void
}

/** A request made through `track`: until its answer's body is read, and no stand-in holds it. */
interface InFlight {
  /** Until the answer's body has been read, or the request failed. */
  fetching: boolean
  /** Abandoned by the client (its time limit, a stop), which acts on that in real time. */
  abandoned: boolean
  /** How many waits of a stand-in sharing the clock hold it (`park`). */
  parks: number
}

/**
 * Whether a request holds the clock still: one going in real time does (no stand-in holds it,
 * or its client has abandoned it, or has finished with it while the stand-in has yet to notice);
 * one a stand-in holds on the clock, its client still waiting, does not.
 */
function holdsTheClock(request: InFlight): boolean {
  return request.parks === 0 || request.abandoned || !request.fetching
}

/** The header of a tracked request to a stand-in sharing the clock: its ticket for `park`. */
const TICKET_HEADER = 'x-virtual-clock-ticket'

/**
 * Virtual time for tests that run the action in process against the stand-in server: a sleep
 * takes no real time. Pending sleeps (and time limits) end in the order they are due, one per turn
 * of the event loop, and the clock jumps to each one's due time, but never while a request made
 * through `fetch` below is in flight: requests take their real (tiny) time at a frozen clock, so
 * several runs going at once keep their timing. Give the stand-in server the same clock
 * (`FakeHex.start({ clock })`), and its runs move on as the action waits; its slow answers and
 * hangs wait on this clock too, their requests parked meanwhile, so that a request's time limit
 * ends in virtual time.
 */
export class VirtualClock implements Clock {
  time: number
  /** Every sleep asked for, in ms, in order (time limits and a stand-in's waits are not sleeps). */
  readonly sleeps: number[] = []
  /** The header that carries a tracked request's ticket to a stand-in sharing the clock. */
  readonly ticketHeader = TICKET_HEADER
  private timers: Timer[] = []
  private seq = 0
  private scheduled = false
  private readonly inFlight = new Map<string, InFlight>()
  private tickets = 0
  private readonly served = new Set<string>()

  constructor(start = Date.UTC(2026, 10, 29, 12, 0, 0)) {
    this.time = start
  }

  now = (): number => this.time

  /** No jitter: a backoff waits half its cap, so retries are reproducible. */
  random = (): number => 0.5

  sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    this.sleeps.push(ms)
    return this.wait(ms, signal)
  }

  /** Aborts once the clock reaches `ms` from now, as a timer of the same clock; clear() lifts it. */
  timeout = (ms: number): TimeLimit => {
    const controller = new AbortController()
    const timer = this.add(ms, () =>
      controller.abort(new DOMException('The operation timed out.', 'TimeoutError'))
    )
    return { signal: controller.signal, clear: () => this.remove(timer) }
  }

  /**
   * A Runtime on this clock: its sleeps, time limits and jitter, and `fetch` tracked (Node's global
   * one unless given). What the action and the command line are given in process.
   */
  runtime(
    env: NodeJS.ProcessEnv,
    options: Pick<Runtime, 'collectGarbage'> & {
      fetch?: typeof globalThis.fetch
      random?: () => number
    } = {}
  ): Runtime {
    return {
      env,
      fetch: this.track(options.fetch ?? globalThis.fetch),
      now: this.now,
      sleep: this.sleep,
      random: options.random ?? this.random,
      timeout: this.timeout,
      // None unless given: a test's step asks for no collection (step/collecting.ts).
      ...(options.collectGarbage === undefined ? {} : { collectGarbage: options.collectGarbage })
    }
  }

  /**
   * `fetch`, holding the clock still while each request is in flight: until its answer's body has
   * been read (or cancelled), since a request's time limit covers that too. A request to a
   * stand-in that shares the clock (`serve`) carries a ticket, with which the stand-in parks it.
   */
  track(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
    return async (input, init) => {
      const ticket = String(++this.tickets)
      const request: InFlight = { fetching: true, abandoned: false, parks: 0 }
      this.inFlight.set(ticket, request)
      const abandon = () => {
        request.abandoned = true
      }
      init?.signal?.addEventListener('abort', abandon, { once: true })
      const end = () => {
        init?.signal?.removeEventListener('abort', abandon)
        if (!request.fetching) return
        request.fetching = false
        this.release(ticket, request)
      }
      let response: Response
      try {
        response = await fetch(input, this.ticketed(input, init, ticket))
      } catch (error) {
        end()
        throw error
      }
      return tillRead(response, end)
    }
  }

  /** From now on, tracked requests to `origin` carry their ticket (a stand-in sharing the clock). */
  serve(origin: string): void {
    this.served.add(origin)
  }

  /**
   * For a stand-in sharing the clock: waits `ms` of virtual time (no `ms`: until `signal` aborts),
   * or less if `signal` aborts, with the request holding `ticket` parked meanwhile, not counted as
   * in flight, so that the clock moves on (the client's time limit among its timers). A ticket of
   * no tracked request (a plain fetch's, or none) just waits. The stand-in ends the wait when the
   * client goes: until it has, the clock stays still.
   */
  async park(
    ticket: string | undefined,
    ms: number | undefined,
    signal: AbortSignal
  ): Promise<void> {
    const request = ticket === undefined ? undefined : this.inFlight.get(ticket)
    if (request !== undefined) request.parks++
    this.schedule()
    try {
      if (ms !== undefined) await this.wait(ms, signal)
      else if (!signal.aborted)
        await new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => resolve(), { once: true })
        )
    } finally {
      if (request !== undefined && ticket !== undefined) {
        request.parks--
        this.release(ticket, request)
      }
    }
  }

  /** Moves time on without a sleep (time that passes between two steps, for instance). */
  advance(ms: number): void {
    this.time += ms
  }

  /** Resolves `ms` from now on this clock, or when the signal aborts (never rejects). */
  private wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve()
    return new Promise((resolve) => {
      const onAbort = () => {
        this.remove(timer)
        resolve()
      }
      const timer = this.add(ms, () => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      })
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** A request neither fetching nor held by a stand-in is over; the clock may move on. */
  private release(ticket: string, request: InFlight): void {
    if (!request.fetching && request.parks === 0) this.inFlight.delete(ticket)
    this.schedule()
  }

  private add(ms: number, fire: () => void): Timer {
    const timer: Timer = { at: this.time + Math.max(0, ms), seq: this.seq++, fire }
    this.timers.push(timer)
    this.schedule()
    return timer
  }

  private remove(timer: Timer): void {
    this.timers = this.timers.filter((t) => t !== timer)
  }

  /** `init` with the request's ticket among its headers, to a stand-in sharing the clock. */
  private ticketed(
    input: Parameters<typeof fetch>[0],
    init: RequestInit | undefined,
    ticket: string
  ): RequestInit | undefined {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    if (!this.served.has(new URL(url).origin)) return init
    const headers = init?.headers
    if (headers === undefined || (!Array.isArray(headers) && !isHeaders(headers)))
      return { ...init, headers: { ...headers, [TICKET_HEADER]: ticket } }
    const copy = new Headers(headers)
    copy.set(TICKET_HEADER, ticket)
    return { ...init, headers: copy }
  }

  private schedule(): void {
    if (this.scheduled || this.timers.length === 0) return
    this.scheduled = true
    setImmediate(() => this.fireNext())
  }

  private fireNext(): void {
    this.scheduled = false
    // A request in flight is answered first; its end schedules the next turn.
    if ([...this.inFlight.values()].some(holdsTheClock)) return
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq)
    const next = this.timers.shift()
    if (next === undefined) return
    this.time = Math.max(this.time, next.at)
    next.fire()
    if (this.timers.length > 0) this.schedule()
  }
}

function isHeaders(headers: NonNullable<RequestInit['headers']>): headers is Headers {
  return typeof (headers as Headers).append === 'function'
}

/** Statuses whose answer has no body (a Response with one cannot be made). */
const NULL_BODY = new Set([101, 103, 204, 205, 304])

/** The response, its body passed through so that `end` is called once it is read or cancelled. */
function tillRead(response: Response, end: () => void): Response {
  if (response.body === null || NULL_BODY.has(response.status)) {
    end()
    return response
  }
  const reader = (response.body as ReadableStream<Uint8Array>).getReader()
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read()
        if (!done) return controller.enqueue(value)
        end()
        controller.close()
      } catch (error) {
        end()
        controller.error(error)
      }
    },
    cancel(reason) {
      end()
      return reader.cancel(reason)
    }
  })
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers
  })
}

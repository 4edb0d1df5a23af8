import type { Clock } from '../../src/lib/runtime.ts'

interface Timer {
  at: number
  seq: number
  resolve: () => void
}

/**
 * Virtual time for tests that run the action in process against the stand-in server: a sleep
 * takes no real time. Pending sleeps end in the order they are due, one per turn of the event
 * loop, and the clock jumps to each one's due time, but never while a request made through
 * `fetch` below is in flight: requests take their real (tiny) time at a frozen clock, so several
 * runs going at once keep their timing. Give the stand-in server the same clock (`now`), and its
 * runs move on as the action waits.
 */
export class VirtualClock implements Clock {
  time: number
  /** Every sleep asked for, in ms, in order. */
  readonly sleeps: number[] = []
  private timers: Timer[] = []
  private seq = 0
  private scheduled = false
  private inFlight = 0

  constructor(start = Date.UTC(2026, 10, 29, 12, 0, 0)) {
    this.time = start
  }

  now = (): number => this.time

  /** No jitter: a backoff waits half its cap, so retries are reproducible. */
  random = (): number => 0.5

  sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    this.sleeps.push(ms)
    if (signal?.aborted) return Promise.resolve()
    return new Promise((resolve) => {
      const timer: Timer = { at: this.time + Math.max(0, ms), seq: this.seq++, resolve }
      this.timers.push(timer)
      signal?.addEventListener(
        'abort',
        () => {
          this.timers = this.timers.filter((t) => t !== timer)
          resolve()
        },
        { once: true }
      )
      this.schedule()
    })
  }

  /** Aborts once the clock reaches `ms` from now, as a timer of the same clock. */
  timeout = (ms: number): AbortSignal => {
    const controller = new AbortController()
    void this.sleep(ms).then(() =>
      controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))
    )
    return controller.signal
  }

  /** `fetch`, holding the clock still while each request is in flight. */
  track(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
    return async (input, init) => {
      this.inFlight++
      try {
        return await fetch(input, init)
      } finally {
        this.inFlight--
        this.schedule()
      }
    }
  }

  /** Moves time on without a sleep (time that passes between two steps, for instance). */
  advance(ms: number): void {
    this.time += ms
  }

  private schedule(): void {
    if (this.scheduled || this.timers.length === 0) return
    this.scheduled = true
    setImmediate(() => this.fireNext())
  }

  private fireNext(): void {
    this.scheduled = false
    // A request in flight is answered first; its end schedules the next turn.
    if (this.inFlight > 0) return
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq)
    const next = this.timers.shift()
    if (next === undefined) return
    this.time = Math.max(this.time, next.at)
    next.resolve()
    if (this.timers.length > 0) this.schedule()
  }
}

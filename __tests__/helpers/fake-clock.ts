/** A clock whose sleep advances time at once: polling tests run in microseconds, not minutes. */
export class FakeClock {
  time: number
  readonly sleeps: number[] = []
  constructor(start = Date.UTC(2026, 10, 29, 12, 0, 0)) {
    this.time = start
  }
  now = (): number => this.time
  sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    this.sleeps.push(ms)
    if (!signal?.aborted) this.time += ms
    return Promise.resolve()
  }
  advance(ms: number): void {
    this.time += ms
  }
}

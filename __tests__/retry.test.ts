import assert from 'node:assert/strict'
import { describe, it } from '@jest/globals'
import {
  HexApiError,
  HexNetworkError,
  HexRedirectError,
  HexResponseError,
  parseErrorBody,
  type RequestContext
} from '../src/hex/errors.ts'
import {
  backoffDelay,
  DEFAULT_BACKOFF,
  MAX_CONNECT_ATTEMPTS,
  readVerdict,
  RetriesExhaustedError,
  triggerVerdict,
  UnknownOutcomeError,
  withRetries
} from '../src/hex/retry.ts'
import { VirtualClock } from '../test/runner/virtual-clock.ts'

const context: RequestContext = { operation: 'status', projectId: 'p', host: 'https://hex' }
const api = (status: number, retryAfterMs?: number) =>
  new HexApiError(context, status, '', parseErrorBody(''), retryAfterMs)
const net = (code: string) => new HexNetworkError(context, code, code)

describe('verdicts', () => {
  it('reads and cancels retry anything transient', () => {
    for (const error of [
      api(429),
      api(500),
      api(502),
      api(503),
      api(504),
      net('ECONNRESET'),
      net('ECONNREFUSED'),
      net('TIMEOUT'),
      new HexResponseError(context, 'not JSON')
    ])
      assert.equal(readVerdict(error).kind, 'retry', error.message)
    for (const error of [api(400), api(401), api(403), api(404), api(422), net('ABORTED')])
      assert.equal(readVerdict(error).kind, 'fatal', error.message)
    assert.equal(readVerdict(new HexRedirectError(context, 301, 'x')).kind, 'fatal')
  })

  it('a trigger is sent again only where Hex certainly started no run', () => {
    const retried = [api(429), api(503), net('ECONNREFUSED'), net('ENOTFOUND'), net('EAI_AGAIN')]
    for (const error of retried) assert.equal(triggerVerdict(error).kind, 'retry', error.message)
    const unknown = [
      api(500),
      api(502),
      api(504),
      net('ECONNRESET'),
      net('UND_ERR_SOCKET'),
      net('TIMEOUT'),
      new HexResponseError(context, 'not JSON')
    ]
    for (const error of unknown)
      assert.equal(triggerVerdict(error).kind, 'unknown-outcome', error.message)
    for (const error of [api(401), api(403), api(404), api(422), net('ABORTED')])
      assert.equal(triggerVerdict(error).kind, 'fatal', error.message)
  })

  it('carries Retry-After through', () => {
    assert.deepEqual(readVerdict(api(429, 7_000)), {
      kind: 'retry',
      afterMs: 7_000,
      reason: 'Hex answered 429'
    })
  })
})

describe('backoffDelay', () => {
  it('is jittered between 1 s and a cap that doubles from the base', () => {
    assert.equal(
      backoffDelay(0, DEFAULT_BACKOFF, () => 1),
      1_000
    )
    assert.equal(
      backoffDelay(3, DEFAULT_BACKOFF, () => 1),
      8_000
    )
    assert.equal(
      backoffDelay(10, DEFAULT_BACKOFF, () => 1),
      15_000
    )
    assert.equal(
      backoffDelay(10, DEFAULT_BACKOFF, () => 0),
      1_000
    )
    assert.equal(
      backoffDelay(2, DEFAULT_BACKOFF, () => 0.5),
      2_500
    )
  })
})

describe('withRetries', () => {
  function failing(errors: Error[], value = 'ok') {
    let calls = 0
    return {
      attempt: () => {
        const error = errors[calls++]
        return error ? Promise.reject(error) : Promise.resolve(value)
      },
      calls: () => calls
    }
  }

  it('retries until it succeeds, waiting exactly Retry-After when given', async () => {
    const clock = new VirtualClock()
    const f = failing([api(502), api(429, 3_000), net('ECONNRESET')])
    const notices: number[] = []
    const value = await withRetries(f.attempt, {
      verdict: readVerdict,
      deadline: clock.now() + 60_000,
      now: clock.now,
      sleep: clock.sleep,
      random: () => 1,
      onRetry: (n) => notices.push(n.delayMs)
    })
    assert.equal(value, 'ok')
    assert.equal(f.calls(), 4)
    assert.deepEqual(clock.sleeps, [1_000, 3_000, 4_000])
    assert.deepEqual(notices, clock.sleeps)
  })

  it('throws a fatal error at once', async () => {
    const clock = new VirtualClock()
    const f = failing([api(403)])
    await assert.rejects(
      withRetries(f.attempt, {
        verdict: readVerdict,
        deadline: Infinity,
        now: clock.now,
        sleep: clock.sleep
      }),
      (e: unknown) => e instanceof HexApiError && e.status === 403
    )
    assert.equal(f.calls(), 1)
  })

  it('stops at the deadline with the last error and the count', async () => {
    const clock = new VirtualClock()
    const f = failing(Array.from({ length: 100 }, () => api(502)))
    const error = await withRetries(f.attempt, {
      verdict: readVerdict,
      deadline: clock.now() + 20_000,
      now: clock.now,
      sleep: clock.sleep,
      random: () => 1
    }).catch((e: unknown) => e)
    assert.ok(error instanceof RetriesExhaustedError)
    assert.equal(error.why, 'deadline')
    assert.ok(clock.time - Date.UTC(2026, 10, 29, 12) <= 20_000, 'never waits past the deadline')
    assert.match(error.message, /Hex answered 502 .*\(\d+ attempts over/)
  })

  it('keeps trying until the deadline, the last attempt on it', async () => {
    const clock = new VirtualClock()
    const start = clock.now()
    const f = failing(Array.from({ length: 100 }, () => api(502)))
    const error = await withRetries(f.attempt, {
      verdict: readVerdict,
      deadline: start + 10_000,
      now: clock.now,
      sleep: clock.sleep,
      // The largest backoff each time: 1, 2, 4 s, then 3 s cut to the deadline.
      random: () => 1
    }).catch((e: unknown) => e)
    assert.ok(error instanceof RetriesExhaustedError)
    assert.deepEqual(clock.sleeps, [1_000, 2_000, 4_000, 3_000])
    assert.equal(clock.now(), start + 10_000)
    assert.equal(f.calls(), 5)
  })

  it('does not wait for a Retry-After that ends past the deadline', async () => {
    const clock = new VirtualClock()
    const f = failing([api(429, 30_000)])
    const error = await withRetries(f.attempt, {
      verdict: readVerdict,
      deadline: clock.now() + 10_000,
      now: clock.now,
      sleep: clock.sleep
    }).catch((e: unknown) => e)
    assert.ok(error instanceof RetriesExhaustedError)
    assert.deepEqual(clock.sleeps, [])
  })

  it('spreads the triggers Hex refused together (429, 503) across 5 s past their Retry-After', async () => {
    const waits: number[] = []
    for (const [status, draw] of [
      [429, 0],
      [429, 0.5],
      [503, 0.99]
    ] as const) {
      const clock = new VirtualClock()
      const f = failing([api(status, 20_000)])
      await withRetries(f.attempt, {
        verdict: triggerVerdict,
        deadline: clock.now() + 600_000,
        now: clock.now,
        sleep: clock.sleep,
        random: () => draw
      })
      assert.equal(f.calls(), 2)
      waits.push(...clock.sleeps)
    }
    assert.deepEqual(waits, [20_000, 22_500, 24_950])
    // A read's Retry-After is kept to the letter: the read planner spreads reads after a hold.
    const clock = new VirtualClock()
    const f = failing([api(429, 20_000)])
    await withRetries(f.attempt, {
      verdict: readVerdict,
      deadline: clock.now() + 600_000,
      now: clock.now,
      sleep: clock.sleep,
      random: () => 0.99
    })
    assert.deepEqual(clock.sleeps, [20_000])
  })

  it('gives an unreachable host a few attempts when asked to, not the whole timeout', async () => {
    const clock = new VirtualClock()
    const f = failing(Array.from({ length: 100 }, () => net('ECONNREFUSED')))
    const error = await withRetries(f.attempt, {
      verdict: triggerVerdict,
      deadline: clock.now() + 3_600_000,
      now: clock.now,
      sleep: clock.sleep,
      random: () => 1,
      maxConnectAttempts: MAX_CONNECT_ATTEMPTS
    }).catch((e: unknown) => e)
    assert.ok(error instanceof RetriesExhaustedError)
    assert.equal(error.why, 'unreachable')
    assert.equal(f.calls(), MAX_CONNECT_ATTEMPTS)
    assert.ok(clock.sleeps.reduce((a, b) => a + b, 0) <= 15_000)
  })

  it('rides out refused connections until the deadline when no bound is set', async () => {
    const clock = new VirtualClock()
    const f = failing(Array.from({ length: 20 }, () => net('ECONNREFUSED')))
    const value = await withRetries(f.attempt, {
      verdict: readVerdict,
      deadline: clock.now() + 3_600_000,
      now: clock.now,
      sleep: clock.sleep,
      random: () => 1
    })
    assert.equal(value, 'ok')
    assert.equal(f.calls(), 21)
  })

  it('turns a trigger with an unknown outcome into UnknownOutcomeError, without a retry', async () => {
    const clock = new VirtualClock()
    const f = failing([api(502)])
    const error = await withRetries(f.attempt, {
      verdict: triggerVerdict,
      deadline: Infinity,
      now: clock.now,
      sleep: clock.sleep
    }).catch((e: unknown) => e)
    assert.ok(error instanceof UnknownOutcomeError)
    assert.equal(error.reason, 'Hex answered 502')
    assert.equal(f.calls(), 1)
  })

  it('stops waiting when the signal aborts', async () => {
    const clock = new VirtualClock()
    const controller = new AbortController()
    const f = failing([api(502), api(502)])
    const error = await withRetries(f.attempt, {
      verdict: readVerdict,
      deadline: Infinity,
      now: clock.now,
      sleep: (ms, signal) => {
        controller.abort()
        return clock.sleep(ms, signal)
      },
      signal: controller.signal
    }).catch((e: unknown) => e)
    assert.ok(error instanceof HexApiError)
    assert.equal(f.calls(), 1)
  })
})

/**
 * The stand-in's limits mode (FakeHexOptions.limits): Hex's per-token limits on reads, triggers
 * and running kernels, the rate-limit headers in each mode, and headers that lie. Real HTTP to the
 * stand-in on 127.0.0.1, its time on a virtual clock that the test moves on.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterEach, describe, it } from '@jest/globals'
import { readRateLimit } from '../src/hex/rate-limit.ts'
import { FakeHex } from '../test/fake-hex/server.ts'
import type { FakeHexOptions, FakeLimits } from '../test/fake-hex/server.ts'
import { ROOT } from '../test/runner/action-yml.ts'
import { VirtualClock } from '../test/runner/virtual-clock.ts'

const TOKEN_A = 'hxtw_limits_token_a'
const TOKEN_B = 'hxtw_limits_token_b'
const P1 = '11111111-1111-4111-8111-111111111111'
const P2 = '22222222-2222-4222-8222-222222222222'
/** Not on a whole minute: a window opens with a token's first read, not on the clock's minutes. */
const START = Date.UTC(2026, 10, 29, 12, 0, 42, 500)

const toClose: FakeHex[] = []
afterEach(async () => {
  await Promise.all(toClose.splice(0).map((fake) => fake.close()))
})

interface Started {
  fake: FakeHex
  clock: VirtualClock
}

/** A stand-in in limits mode on a virtual clock, two run tokens, two projects that run for good. */
async function start(limits: FakeLimits = {}, extra: FakeHexOptions = {}): Promise<Started> {
  const clock = new VirtualClock(START)
  const fake = await FakeHex.start({
    clock,
    tokens: { [TOKEN_A]: 'run', [TOKEN_B]: 'run' },
    projects: [P1, P2].map((id) => ({ id, lifecycle: [{ status: 'RUNNING' }] })),
    limits,
    ...extra
  })
  toClose.push(fake)
  return { fake, clock }
}

function read(fake: FakeHex, token = TOKEN_A, path = `/projects/${P1}`): Promise<Response> {
  return fetch(`${fake.apiBase}${path}`, { headers: { authorization: `Bearer ${token}` } })
}

function trigger(fake: FakeHex, token = TOKEN_A, projectId = P1): Promise<Response> {
  return fetch(`${fake.apiBase}/projects/${projectId}/runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}'
  })
}

async function statuses(answers: Promise<Response>[]): Promise<number[]> {
  return (await Promise.all(answers)).map((r) => r.status)
}

/** An answer with its body read. */
interface Answer {
  status: number
  headers: Headers
  text: string
}

/** `n` requests one after another (each answered and read before the next goes). */
async function inTurn(n: number, send: () => Promise<Response>): Promise<Answer[]> {
  const answers: Answer[] = []
  for (let i = 0; i < n; i++) {
    const res = await send()
    answers.push({ status: res.status, headers: res.headers, text: await res.text() })
  }
  return answers
}

async function bodyOf(res: Response | Answer): Promise<Record<string, unknown>> {
  // Parsed here, not by res.json(), whose objects belong to fetch's realm (see fake-hex.test.ts).
  const text = typeof res.text === 'string' ? res.text : await res.text()
  return JSON.parse(text) as Record<string, unknown>
}

/** The `i`th of `list`, which must be there. */
function nth<T>(list: readonly T[], i: number): T {
  const item = list[i]
  assert.ok(item !== undefined, `no item ${i} of ${list.length}`)
  return item
}

const RATE_HEADERS = [
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'ratelimit',
  'ratelimit-policy'
]

function rateHeadersOf(res: { headers: Headers }): Record<string, string> {
  const found: Record<string, string> = {}
  for (const name of RATE_HEADERS) {
    const value = res.headers.get(name)
    if (value !== null) found[name] = value
  }
  return found
}

describe('fake Hex limits: the read window', () => {
  it('opens with a token’s first read: 30 reads in it, then 429 until 60 s after that read', async () => {
    const { fake, clock } = await start()
    const first = await read(fake)
    assert.equal(first.status, 200)
    await clock.sleep(50_400)
    const rest = await inTurn(30, () => read(fake))
    assert.deepEqual(
      rest.map((r) => r.status),
      [...Array<number>(29).fill(200), 429]
    )
    const limited = nth(rest, 29)
    // 50.4 s into the window: 9.6 s left, rounded up.
    assert.equal(limited.headers.get('retry-after'), '10')
    assert.equal((await bodyOf(limited)).code, 'TOO_MANY_REQUESTS')
    assert.equal(rest[28]?.headers.get('retry-after'), null, 'only a 429 carries Retry-After')

    // Still refused a moment before the window ends, with the wait left; let through at its end.
    await clock.sleep(9_000)
    const still = await read(fake)
    assert.equal(still.status, 429)
    assert.equal(still.headers.get('retry-after'), '1')
    await clock.sleep(600)
    const next = await read(fake)
    assert.equal(next.status, 200)
    // A new window, opened by this read.
    assert.equal(next.headers.get('x-ratelimit-remaining'), '29')
    assert.equal(
      next.headers.get('x-ratelimit-reset'),
      String(Math.ceil((clock.now() + 60_000) / 1000))
    )
  })

  it('counts every route but RunProject, and a refused read does not stretch the window', async () => {
    const { fake, clock } = await start({ readsPerMinute: 4 })
    const paths = ['/users/me', '/projects', `/projects/${P1}/runs`, `/projects/${P1}`]
    const answers = []
    for (const path of paths) answers.push(await read(fake, TOKEN_A, path))
    assert.deepEqual(
      answers.map((r) => r.status),
      [200, 200, 200, 200]
    )
    // Triggers have a window of their own: the read window is spent, a trigger still goes.
    assert.equal((await trigger(fake)).status, 201)
    await clock.sleep(30_000)
    assert.equal((await read(fake)).status, 429)
    await clock.sleep(30_000)
    assert.equal((await read(fake)).status, 200)
  })
})

describe('fake Hex limits: rate-limit headers per mode', () => {
  it('x-ratelimit: limit, remaining and the reset in epoch seconds, which the action reads', async () => {
    const { fake, clock } = await start({ headers: 'x-ratelimit' })
    const first = await read(fake)
    await clock.sleep(15_000)
    const second = await read(fake)
    const reset = String(Math.ceil((START + 60_000) / 1000))
    assert.deepEqual(rateHeadersOf(first), {
      'x-ratelimit-limit': '30',
      'x-ratelimit-remaining': '29',
      'x-ratelimit-reset': reset
    })
    assert.deepEqual(rateHeadersOf(second), {
      'x-ratelimit-limit': '30',
      'x-ratelimit-remaining': '28',
      'x-ratelimit-reset': reset
    })
    const notice = readRateLimit('status', 200, second.headers, undefined, clock.now())
    assert.equal(notice?.remaining, 28)
    // 45 s left; the reset header rounds the window's end up to a whole second.
    assert.ok(notice?.resetInMs !== undefined && Math.abs(notice.resetInMs - 45_000) <= 1_000)
  })

  it('ratelimit: RateLimit-Limit, -Remaining and -Reset in seconds from now, which the action reads', async () => {
    const { fake, clock } = await start({ headers: 'ratelimit' })
    const first = await read(fake)
    await clock.sleep(15_000)
    const second = await read(fake)
    assert.deepEqual(rateHeadersOf(first), {
      'ratelimit-limit': '30',
      'ratelimit-remaining': '29',
      'ratelimit-reset': '60'
    })
    assert.deepEqual(rateHeadersOf(second), {
      'ratelimit-limit': '30',
      'ratelimit-remaining': '28',
      'ratelimit-reset': '45'
    })
    const notice = readRateLimit('status', 200, second.headers, undefined, clock.now())
    assert.deepEqual(
      { remaining: notice?.remaining, resetInMs: notice?.resetInMs },
      { remaining: 28, resetInMs: 45_000 }
    )
  })

  it('ratelimit-policy: RateLimit and RateLimit-Policy, named after Hex’s groups for reads and triggers', async () => {
    const { fake, clock } = await start({ headers: 'ratelimit-policy' })
    const first = await read(fake)
    await clock.sleep(15_000)
    const second = await read(fake)
    const triggered = await trigger(fake)
    assert.equal(triggered.status, 201)
    assert.deepEqual(rateHeadersOf(first), {
      ratelimit: '"hex-api";r=29;t=60',
      'ratelimit-policy': '"hex-api";q=30;w=60'
    })
    assert.deepEqual(rateHeadersOf(second), {
      ratelimit: '"hex-api";r=28;t=45',
      'ratelimit-policy': '"hex-api";q=30;w=60'
    })
    // The trigger's window opened with this trigger.
    assert.deepEqual(rateHeadersOf(triggered), {
      ratelimit: '"hex-run-kernel";r=19;t=60',
      'ratelimit-policy': '"hex-run-kernel";q=20;w=60'
    })
  })

  it('none: no rate-limit headers, only a 429 and its Retry-After', async () => {
    const { fake, clock } = await start({ headers: 'none', readsPerMinute: 2 })
    await clock.sleep(1_000)
    const answers = await inTurn(3, () => read(fake))
    assert.deepEqual(
      answers.map((r) => r.status),
      [200, 200, 429]
    )
    assert.deepEqual(answers.map(rateHeadersOf), [{}, {}, {}])
    assert.equal(answers[2]?.headers.get('retry-after'), '60')
  })

  it('a 429 carries the headers too: nothing remaining, the same reset', async () => {
    const { fake } = await start({ headers: 'ratelimit', readsPerMinute: 1 })
    const answers = await inTurn(2, () => read(fake))
    assert.equal(answers[1]?.status, 429)
    assert.deepEqual(rateHeadersOf(nth(answers, 1)), {
      'ratelimit-limit': '1',
      'ratelimit-remaining': '0',
      'ratelimit-reset': '60'
    })
  })
})

describe('fake Hex limits: triggers', () => {
  it('lets 20 RunProject through a minute; the 21st gets 429 with Retry-After and starts no run', async () => {
    const { fake, clock } = await start({ kernelsPerToken: 100 })
    const first = await inTurn(10, () => trigger(fake))
    await clock.sleep(20_000)
    const later = await inTurn(11, () => trigger(fake))
    assert.deepEqual(
      [...first, ...later].map((r) => r.status),
      [...Array<number>(20).fill(201), 429]
    )
    const limited = nth(later, 10)
    assert.equal(limited.headers.get('retry-after'), '40')
    assert.equal((await bodyOf(limited)).code, 'TOO_MANY_REQUESTS')
    assert.equal(fake.runs().length, 20)
    await clock.sleep(40_000)
    assert.equal((await trigger(fake)).status, 201)
    assert.equal(fake.runs().length, 21)
  })

  it('at 25 running kernels of the token answers 503 with Hex’s SERVICE_UNAVAILABLE error and starts no run', async () => {
    const { fake, clock } = await start()
    const created = await inTurn(20, () => trigger(fake))
    await clock.sleep(60_000)
    created.push(...(await inTurn(5, () => trigger(fake))))
    assert.deepEqual(
      created.map((r) => r.status),
      Array<number>(25).fill(201)
    )
    const full = await trigger(fake, TOKEN_A, P2)
    assert.equal(full.status, 503)
    const body = await bodyOf(full)
    assert.equal(body.code, 'SERVICE_UNAVAILABLE')
    assert.equal(typeof body.message, 'string')
    assert.deepEqual(body.issues, [])
    assert.equal(fake.runs().length, 25)
    assert.equal(fake.runs(P2).length, 0)

    // One run ends (cancelled): a kernel is free again.
    const runId = String((await bodyOf(nth(created, 0))).runId)
    const cancel = await fetch(`${fake.apiBase}/projects/${P1}/runs/${runId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TOKEN_A}` }
    })
    assert.equal(cancel.status, 204)
    assert.equal((await trigger(fake, TOKEN_A, P2)).status, 201)
    assert.equal(fake.runs(P2)[0]?.token, TOKEN_A)
  })
})

describe('fake Hex limits: per token', () => {
  it('one token’s spent windows and full kernels leave another token’s untouched', async () => {
    const { fake, clock } = await start({
      readsPerMinute: 3,
      triggersPerMinute: 2,
      kernelsPerToken: 2
    })
    assert.deepEqual(await statuses([trigger(fake), trigger(fake)]), [201, 201])
    await clock.sleep(60_000)
    const a = await inTurn(4, () => read(fake, TOKEN_A))
    assert.deepEqual(
      a.map((r) => r.status),
      [200, 200, 200, 429]
    )
    assert.equal((await trigger(fake, TOKEN_A)).status, 503, 'A has its 2 kernels running')

    const b = await read(fake, TOKEN_B)
    assert.equal(b.status, 200)
    assert.equal(b.headers.get('x-ratelimit-remaining'), '2')
    assert.deepEqual(await statuses([trigger(fake, TOKEN_B), trigger(fake, TOKEN_B)]), [201, 201])
    // Four runs going across the server: the kernel limit is the token's, not the server's.
    assert.equal(fake.runs().filter((r) => r.status === 'RUNNING').length, 4)
    assert.deepEqual(
      fake.runs().map((r) => r.token),
      [TOKEN_A, TOKEN_A, TOKEN_B, TOKEN_B]
    )
  })
})

describe('fake Hex limits: lying headers', () => {
  async function twoReads(limits: FakeLimits): Promise<{ answers: Answer[]; clock: VirtualClock }> {
    const { fake, clock } = await start({ readsPerMinute: 1, ...limits })
    return { answers: await inTurn(2, () => read(fake)), clock }
  }

  it('negative: remaining and reset below zero', async () => {
    const { answers } = await twoReads({ headers: 'ratelimit', lie: 'negative' })
    assert.deepEqual(rateHeadersOf(nth(answers, 0)), {
      'ratelimit-limit': '1',
      'ratelimit-remaining': '-1',
      'ratelimit-reset': '-60'
    })
  })

  it('huge: limit, remaining and reset far beyond any window', async () => {
    const { answers } = await twoReads({ headers: 'x-ratelimit', lie: 'huge' })
    const huge = '9007199254740991000'
    assert.deepEqual(rateHeadersOf(nth(answers, 0)), {
      'x-ratelimit-limit': huge,
      'x-ratelimit-remaining': huge,
      'x-ratelimit-reset': huge
    })
  })

  it('reset-past and reset-year: a reset an hour ago, or a year away', async () => {
    const past = await twoReads({ headers: 'x-ratelimit', lie: 'reset-past' })
    const nowS = Math.floor(START / 1000)
    assert.equal(past.answers[0]?.headers.get('x-ratelimit-reset'), String(nowS - 3600))
    const year = await twoReads({ headers: 'x-ratelimit', lie: 'reset-year' })
    assert.equal(year.answers[0]?.headers.get('x-ratelimit-reset'), String(nowS + 365 * 86_400))
    const yearDelta = await twoReads({ headers: 'ratelimit-policy', lie: 'reset-year' })
    assert.equal(yearDelta.answers[0]?.headers.get('ratelimit'), '"hex-api";r=0;t=31536000')
  })

  it('remaining-rising: more left with every request, while the limit still holds and Retry-After is true', async () => {
    const { fake } = await start({ readsPerMinute: 2, lie: 'remaining-rising' })
    const answers = await inTurn(4, () => read(fake))
    assert.deepEqual(
      answers.map((r) => [r.status, r.headers.get('x-ratelimit-remaining')]),
      [
        [200, '1'],
        [200, '2'],
        [429, '3'],
        [429, '4']
      ]
    )
    assert.equal(answers[2]?.headers.get('retry-after'), '60')
  })
})

describe('fake Hex limits: off by default, and checked at start', () => {
  it('without limits, 40 reads and 25 triggers of one token in a minute are all answered, with no rate headers', async () => {
    const clock = new VirtualClock(START)
    const fake = await FakeHex.start({
      clock,
      tokens: { [TOKEN_A]: 'run' },
      projects: [{ id: P1 }]
    })
    toClose.push(fake)
    const reads = await inTurn(40, () => read(fake))
    const triggers = await inTurn(25, () => trigger(fake))
    assert.ok(reads.every((r) => r.status === 200))
    assert.ok(triggers.every((r) => r.status === 201))
    assert.deepEqual(rateHeadersOf(nth(reads, 39)), {})
  })

  it('refuses a bad config: an unknown header mode, a lie with no headers, both rateLimit and limits', async () => {
    await assert.rejects(
      FakeHex.start({ limits: { headers: 'retry-only' as never } }),
      /limits.headers must be one of x-ratelimit, ratelimit, ratelimit-policy, none/
    )
    await assert.rejects(
      FakeHex.start({ limits: { headers: 'none', lie: 'huge' } }),
      /limits.lie needs headers/
    )
    await assert.rejects(
      FakeHex.start({ limits: { readsPerMinute: 0 } }),
      /limits.readsPerMinute must be a whole number of at least 1/
    )
    await assert.rejects(
      FakeHex.start({ limits: {}, rateLimit: { perMinute: 30 } }),
      /give rateLimit or limits, not both/
    )
  })
})

describe('fake Hex limits: the command line', () => {
  it('takes limits from the config’s `limits` key and the header mode from --limits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-hex-limits-'))
    const config = join(dir, 'limits.json')
    writeFileSync(config, JSON.stringify({ projects: [{ id: P1 }], limits: { readsPerMinute: 2 } }))
    const child = spawn(
      process.execPath,
      [join(ROOT, 'test', 'fake-hex', 'cli.ts'), '--config', config, '--limits', 'ratelimit'],
      { stdio: ['ignore', 'pipe', 'inherit'] }
    )
    try {
      const lines = createInterface({ input: child.stdout })
      let apiBase = ''
      for await (const line of lines) {
        const match = /^FAKE_HEX_URL=(.+)$/.exec(line)
        if (match?.[1] !== undefined) {
          apiBase = match[1]
          break
        }
      }
      assert.notEqual(apiBase, '', 'the stand-in printed its URL')
      const get = () =>
        fetch(`${apiBase}/projects/${P1}`, {
          headers: { authorization: 'Bearer hxtw_test_run_token' }
        })
      const answers = await inTurn(3, get)
      assert.deepEqual(
        answers.map((r) => [r.status, r.headers.get('ratelimit-remaining')]),
        [
          [200, '1'],
          [200, '0'],
          [429, '0']
        ]
      )
    } finally {
      child.kill('SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

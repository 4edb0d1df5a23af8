import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, it } from '@jest/globals'
import { HexClient } from '../src/hex/client.ts'
import { HexHttp, MAX_ANSWER_BYTES, parseRetryAfter } from '../src/hex/http.ts'
import {
  HexApiError,
  HexNetworkError,
  HexRedirectError,
  HexResponseError,
  type RequestContext
} from '../src/hex/errors.ts'
import { readRateLimit, type RateLimitNotice } from '../src/hex/rate-limit.ts'
import { FakeHex } from '../test/fake-hex/server.ts'
import { VirtualClock } from '../test/runner/virtual-clock.ts'
import { addProject, RUN_TOKEN } from './helpers/e2e.ts'

let fake: FakeHex
let client: HexClient

/** Resolves once `done` holds (the stand-in sees a client go a moment after it went). */
async function until(done: () => boolean): Promise<void> {
  for (let tries = 0; !done(); tries++) {
    assert.ok(tries < 500, 'in time')
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

beforeAll(async () => {
  fake = await FakeHex.start()
  client = new HexClient({ apiBase: fake.apiBase, token: RUN_TOKEN, requestTimeoutMs: 2_000 })
})
afterAll(async () => {
  await fake.close()
})

describe('HexClient against the stand-in server', () => {
  it('triggers a run and reads it back, normalising projectVersion to a string', async () => {
    const projectId = addProject(fake, { version: 5, lifecycle: [{ status: 'RUNNING' }] })
    const run = await client.runProject(projectId, { inputParams: {} })
    assert.equal(run.projectId, projectId)
    assert.equal(run.projectVersion, '5')
    assert.equal(run.runStatusUrl, `${fake.apiBase}/projects/${projectId}/runs/${run.runId}`)
    assert.ok(run.traceId)
    const state = await client.getRun(projectId, run.runId)
    assert.equal(state.runId, run.runId)
    assert.equal(state.projectVersion, '5')
    assert.ok(['PENDING', 'RUNNING'].includes(state.status))
  })

  it('cancels a run with DELETE and an empty 204', async () => {
    const projectId = addProject(fake, { lifecycle: [{ status: 'RUNNING' }] })
    const run = await client.runProject(projectId, {})
    await client.cancelRun(projectId, run.runId)
    assert.equal((await client.getRun(projectId, run.runId)).status, 'KILLED')
  })

  it('reads older answers: numeric projectVersion, null elapsedTime', async () => {
    const legacy = await FakeHex.start({ legacyShapes: true })
    try {
      const projectId = addProject(legacy, { version: 2 })
      const c = new HexClient({ apiBase: legacy.apiBase, token: RUN_TOKEN })
      const run = await c.runProject(projectId, {})
      const state = await c.getRun(projectId, run.runId)
      assert.equal(state.projectVersion, '2')
      assert.equal(state.elapsedMs, undefined)
    } finally {
      await legacy.close()
    }
  })

  it('reports a 429 with the Retry-After it carried', async () => {
    const projectId = addProject(fake)
    fake.injectFault({
      method: 'POST',
      path: `/api/v1/projects/${projectId}/runs`,
      action: {
        kind: 'respond',
        status: 429,
        body: 'Too Many Requests',
        headers: { 'retry-after': '7' }
      }
    })
    const error = await client.runProject(projectId, {}).catch((e: unknown) => e)
    assert.ok(error instanceof HexApiError)
    assert.equal(error.status, 429)
    assert.equal(error.retryAfterMs, 7_000)
    assert.match(error.message, /Hex answered 429 Too Many Requests .*Hex said: Too Many Requests/)
  })

  it("lists a project's runs with the status and trigger filters, newest first", async () => {
    const projectId = addProject(fake, {
      history: [{ ms: 1_000 }, { ms: 2_000, status: 'ERRORED' }, { ms: 3_000 }]
    })
    const runs = await client.listRuns(projectId, {
      limit: 20,
      trigger: 'API',
      status: 'COMPLETED'
    })
    assert.deepEqual(
      runs.map((r) => [r.status, r.elapsedMs]),
      [
        ['COMPLETED', 3_000],
        ['COMPLETED', 1_000]
      ]
    )
    const sent = fake.requests.filter((r) => r.path === `/api/v1/projects/${projectId}/runs`)
    assert.deepEqual(sent[0]?.query, {
      limit: '20',
      runTriggerFilter: 'API',
      statusFilter: 'COMPLETED'
    })
  })

  it('tells what each answer says of the rate limit', async () => {
    const limited = await FakeHex.start({ rateLimit: { perMinute: 1, headers: true } })
    try {
      const notices: RateLimitNotice[] = []
      const c = new HexClient({
        apiBase: limited.apiBase,
        token: RUN_TOKEN,
        onRateLimit: (n) => notices.push(n)
      })
      const projectId = addProject(limited)
      await c.listRuns(projectId, { limit: 1 })
      const error = await c.listRuns(projectId, { limit: 1 }).catch((e: unknown) => e)
      assert.ok(error instanceof HexApiError && error.status === 429)
      assert.deepEqual(
        notices.map((n) => [n.operation, n.remaining, n.limited !== undefined]),
        [
          ['list', 0, false],
          ['list', 0, true]
        ]
      )
      assert.ok((notices[1]?.limited?.retryAfterMs ?? 0) > 0)
      assert.ok((notices[0]?.resetInMs ?? -1) >= 0)
    } finally {
      await limited.close()
    }
  })

  it('refuses a malformed body or an HTML page on a success status', async () => {
    const projectId = addProject(fake, { lifecycle: [{ status: 'RUNNING' }] })
    const run = await client.runProject(projectId, {})
    const path = `/api/v1/projects/${projectId}/runs/${run.runId}`
    fake.injectFault({ method: 'GET', path, action: { kind: 'malformed' } })
    fake.injectFault({ method: 'GET', path, action: { kind: 'html' } })
    await assert.rejects(client.getRun(projectId, run.runId), (e: unknown) => {
      assert.ok(e instanceof HexResponseError)
      assert.match(e.message, /could not be read: expected JSON/)
      return true
    })
    await assert.rejects(client.getRun(projectId, run.runId), /an HTML page/)
  })

  it('reports a reset connection as a network error', async () => {
    const projectId = addProject(fake)
    fake.injectFault({
      method: 'POST',
      path: `/api/v1/projects/${projectId}/runs`,
      action: { kind: 'reset' }
    })
    const error = await client.runProject(projectId, {}).catch((e: unknown) => e)
    assert.ok(error instanceof HexNetworkError, String(error))
    assert.equal(fake.runs(projectId).length, 0)
  })
})

describe('HexClient on a virtual clock it shares with the stand-in', () => {
  const opened: FakeHex[] = []
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((held) => held.close()))
  })

  /** A stand-in on a virtual clock, and a client on the same clock with this time limit. */
  async function onClock(requestTimeoutMs: number) {
    const clock = new VirtualClock()
    const held = await FakeHex.start({ clock })
    opened.push(held)
    const c = new HexClient({
      apiBase: held.apiBase,
      token: RUN_TOKEN,
      requestTimeoutMs,
      clock,
      fetch: clock.track(globalThis.fetch)
    })
    return { clock, held, client: c }
  }

  it('gives up on a hung request after its own timeout, on its clock', async () => {
    const { clock, held, client: quick } = await onClock(200)
    const projectId = addProject(held)
    held.injectFault({
      method: 'POST',
      path: `/api/v1/projects/${projectId}/runs`,
      action: { kind: 'hang' }
    })
    const began = clock.now()
    const error = await quick.runProject(projectId, {}).catch((e: unknown) => e)
    assert.ok(error instanceof HexNetworkError)
    assert.equal(error.code, 'TIMEOUT')
    assert.match(
      error.message,
      /no answer from http:\/\/127\.0\.0\.1:\d+ \(no answer within 200ms\)/
    )
    // 200 ms of the clock, none of them a sleep; the stand-in saw the request go unanswered.
    assert.equal(clock.now() - began, 200)
    assert.deepEqual(clock.sleeps, [])
    await until(() => held.requests[0]?.status === 'dropped')
    assert.equal(held.runs(projectId).length, 0)
  })

  it('lifts the time limit of a request answered in time: no timer moves the clock after it', async () => {
    const { clock, held, client: c } = await onClock(5_000)
    const projectId = addProject(held, { lifecycle: [{ status: 'RUNNING' }] })
    held.injectFault({ method: 'POST', action: { kind: 'delay', ms: 3_000 } })
    const began = clock.now()
    const run = await c.runProject(projectId, {})
    assert.equal(clock.now() - began, 3_000, 'the answer came after the delay, in virtual time')
    await c.getRun(projectId, run.runId)
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve))
    assert.equal(clock.now() - began, 3_000, 'no time limit was left to fire')
    assert.deepEqual(clock.sleeps, [])
  })
})

describe('HexClient without a server', () => {
  it('names the host it could not reach', async () => {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    await new Promise<void>((resolve) => server.close(() => resolve()))
    const c = new HexClient({ apiBase: `http://127.0.0.1:${port}/api/v1`, token: RUN_TOKEN })
    const error = await c.runProject(randomUUID(), {}).catch((e: unknown) => e)
    assert.ok(error instanceof HexNetworkError)
    assert.equal(error.code, 'ECONNREFUSED')
    assert.match(
      error.message,
      new RegExp(`no answer from http://127\\.0\\.0\\.1:${port} .*ECONNREFUSED`)
    )
    assert.doesNotMatch(error.message, new RegExp(RUN_TOKEN))
  })

  it('reports a redirect instead of following it, so the token goes nowhere else', async () => {
    const elsewhere: string[] = []
    const other = createServer((req, res) => {
      elsewhere.push(String(req.headers.authorization))
      res.end('{}')
    })
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}/steal`
    try {
      const projectId = addProject(fake)
      fake.injectFault({
        method: 'POST',
        path: `/api/v1/projects/${projectId}/runs`,
        action: { kind: 'respond', status: 307, headers: { location: otherUrl } }
      })
      const error = await client.runProject(projectId, {}).catch((e: unknown) => e)
      assert.ok(error instanceof HexRedirectError)
      assert.match(error.message, /redirecting to http:\/\/127\.0\.0\.1:\d+\/steal/)
      assert.deepEqual(elsewhere, [])
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()))
    }
  })
})

describe('HexHttp: an answer read as bytes', () => {
  const context: RequestContext = { operation: 'status', projectId: 'p', host: '' }
  /** Bytes no UTF-8 decoder would keep as they are, `size` of them (up to one over the cap). */
  const all = Buffer.alloc(MAX_ANSWER_BYTES + 1)
  for (let i = 0; i < all.length; i++) all[i] = (i * 7) % 256
  const binary = (size: number) => all.subarray(0, size)
  let server: Server
  let apiBase: string
  const seen: { path?: string; accept?: string; authorization?: string }[] = []

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({
        path: req.url,
        accept: req.headers.accept,
        authorization: req.headers.authorization
      })
      const size = Number(/\/(\d+)$/.exec(req.url ?? '')?.[1] ?? 0)
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(binary(size))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('gives the bytes as they came, up to MAX_ANSWER_BYTES', async () => {
    const http = new HexHttp({ apiBase, token: RUN_TOKEN })
    const call = { context, method: 'GET' as const, path: `/chart/${MAX_ANSWER_BYTES}` }
    const bytes = await http.request({ ...call, accept: 'image/png' }, 'bytes')
    assert.equal(bytes.byteLength, MAX_ANSWER_BYTES)
    assert.ok(Buffer.from(bytes).equals(binary(MAX_ANSWER_BYTES)), 'every byte as sent')
    assert.deepEqual(seen.at(-1), {
      path: `/api/v1/chart/${MAX_ANSWER_BYTES}`,
      accept: 'image/png',
      authorization: `Bearer ${RUN_TOKEN}`
    })
    // The same answer as text is decoded, which bytes that are not UTF-8 do not survive.
    const text = await http.request(call)
    assert.notEqual(Buffer.from(text, 'utf8').byteLength, MAX_ANSWER_BYTES)
    assert.equal(seen.at(-1)?.accept, 'application/json')
  })

  it('refuses an answer over MAX_ANSWER_BYTES, as bytes and as text', async () => {
    const http = new HexHttp({ apiBase, token: RUN_TOKEN })
    const call = { context, method: 'GET' as const, path: `/chart/${MAX_ANSWER_BYTES + 1}` }
    const tooLarge = (e: unknown) => {
      assert.ok(e instanceof HexResponseError, String(e))
      assert.match(e.message, /could not be read: the answer is over 1 MiB\./)
      return true
    }
    await assert.rejects(http.request(call, 'bytes'), tooLarge)
    await assert.rejects(http.request(call), tooLarge)
    assert.deepEqual(
      Buffer.from(await http.request({ ...call, path: '/chart/0' }, 'bytes')),
      Buffer.alloc(0)
    )
  })
})

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.UTC(2026, 10, 29, 12, 0, 0)
    assert.equal(parseRetryAfter('3', now), 3_000)
    assert.equal(parseRetryAfter('Sun, 29 Nov 2026 12:00:10 GMT', now), 10_000)
    assert.equal(parseRetryAfter('Sun, 29 Nov 2026 11:00:00 GMT', now), 0)
    assert.equal(parseRetryAfter('soon', now), undefined)
    assert.equal(parseRetryAfter(null, now), undefined)
  })
})

describe('readRateLimit', () => {
  const now = Date.UTC(2026, 10, 29, 12, 0, 0)
  const read = (headers: Record<string, string>, status = 200, retryAfterMs?: number) =>
    readRateLimit('status', status, new Headers(headers), retryAfterMs, now)

  it('reads the remaining count and the reset, as seconds from now or as a time', () => {
    assert.deepEqual(read({ 'X-RateLimit-Remaining': '12', 'X-RateLimit-Reset': '30' }), {
      operation: 'status',
      remaining: 12,
      resetInMs: 30_000
    })
    const at = String((now + 45_000) / 1000)
    assert.equal(read({ 'x-ratelimit-reset': at })?.resetInMs, 45_000)
    assert.deepEqual(read({ 'RateLimit-Remaining': '0', 'RateLimit-Reset': '5' }), {
      operation: 'status',
      remaining: 0,
      resetInMs: 5_000
    })
  })

  it('says nothing for an answer without them, and ignores what does not read', () => {
    assert.equal(read({}), undefined)
    assert.equal(read({ 'x-ratelimit-remaining': 'many', 'x-ratelimit-reset': '-1' }), undefined)
    // A reset in the past, or more than a day away, is not believed.
    assert.equal(read({ 'x-ratelimit-reset': String((now - 5_000) / 1000) }), undefined)
    assert.equal(read({ 'x-ratelimit-reset': String(2 * 24 * 3600) }), undefined)
    assert.equal(read({ 'ratelimit-remaining': '30;w=60' }), undefined)
  })

  it('marks a 429, with or without its Retry-After', () => {
    assert.deepEqual(read({}, 429, 7_000), {
      operation: 'status',
      limited: { retryAfterMs: 7_000 }
    })
    assert.deepEqual(read({}, 429)?.limited, { retryAfterMs: undefined })
  })
})

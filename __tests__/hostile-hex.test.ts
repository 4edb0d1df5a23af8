/**
 * A hostile or broken Hex host (issue 10): IDs that are not UUIDs, answers about another run or
 * project, huge answers and compression bombs, odd Retry-After values, endless pagination, a token
 * fetch refuses, and run fields that are not what they claim. Each is refused with a clear error, or
 * dropped, and never followed.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import type { InputName } from '../src/step/inputs.ts'
import { readSettings } from '../src/step/settings.ts'
import type { RunState } from '../src/hex/types.ts'
import { HexClient } from '../src/hex/client.ts'
import { MAX_ANSWER_BYTES, parseRetryAfter } from '../src/hex/http.ts'
import { runPath } from '../src/hex/paths.ts'
import { HexApiError, HexNetworkError, HexResponseError } from '../src/hex/errors.ts'
import { findProjects, MAX_PROJECT_PAGES, ProjectNameError } from '../src/hex/projects.ts'
import {
  MAX_TIMER_MS,
  readVerdict,
  RetriesExhaustedError,
  UnknownOutcomeError,
  withRetries
} from '../src/hex/retry.ts'
import { HexSession } from '../src/hex/session.ts'
import type { FakeHex } from '../test/fake-hex/server.ts'
import { clockOf, runAgainst, startHex } from './helpers/action.ts'
import { RUN_TOKEN } from './helpers/e2e.ts'
import { VirtualClock } from '../test/runner/virtual-clock.ts'

let fake: FakeHex
let clock: VirtualClock
beforeAll(async () => {
  fake = await startHex()
  clock = clockOf(fake)
})
afterAll(async () => {
  await fake.close()
})

/** Counts the bytes of each answer the client reads, after decompression. */
function countingFetch(read: { bytes: number }): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init)
    if (response.body === null) return response
    const counted = (response.body as ReadableStream<Uint8Array>).pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          read.bytes += chunk.byteLength
          controller.enqueue(chunk)
        }
      })
    )
    return new Response(counted, { status: response.status, headers: response.headers })
  }
}

function client(options: { token?: string; fetch?: typeof fetch; apiBase?: string } = {}) {
  return new HexClient({
    apiBase: options.apiBase ?? fake.apiBase,
    token: options.token ?? RUN_TOKEN,
    fetch: clock.track(options.fetch ?? globalThis.fetch),
    clock
  })
}

function session(timeoutMs = 600_000, apiBase?: string, c = clock): HexSession {
  return new HexSession({
    client: new HexClient({
      apiBase: apiBase ?? fake.apiBase,
      token: RUN_TOKEN,
      fetch: c.track(globalThis.fetch),
      clock: c
    }),
    clock: c,
    deadline: c.now() + timeoutMs
  })
}

function project(): string {
  const id = randomUUID()
  fake.addProject({ id, lifecycle: [{ status: 'RUNNING' }] })
  return id
}

function pathsOf(projectId: string): string[] {
  return fake.requests.filter((r) => r.path.includes(projectId)).map((r) => r.path)
}

/** A small hostile server of our own on 127.0.0.1. */
async function hostile(
  handler: Parameters<typeof createServer>[1]
): Promise<{ server: Server; apiBase: string; close: () => Promise<void> }> {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    server,
    apiBase: `http://127.0.0.1:${port}/api/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

describe('IDs from Hex', () => {
  it('a run ID ../../runs in a trigger answer is refused, and no request leaves the project', async () => {
    const projectId = project()
    fake.injectFault({
      method: 'POST',
      path: `/api/v1/projects/${projectId}/runs`,
      action: {
        kind: 'respond',
        status: 201,
        body: { projectId, runId: '../../runs', runUrl: 'https://app.hex.tech/x' }
      }
    })
    const result = await runAgainst(fake, projectId, { timeout: '5m' })
    assert.equal(result.exitCode, 1, result.log)
    const allowed = new RegExp(`^/api/v1/projects/${projectId}/runs(/[0-9a-f-]{36})?$`)
    const paths = pathsOf(projectId)
    assert.ok(paths.length >= 1)
    for (const path of paths) assert.match(path, allowed)
    assert.ok(
      fake.requests.every((r) => !r.path.includes('..') && !r.path.includes('%2')),
      fake.requests.map((r) => r.path).join('\n')
    )
  })

  it('the client names the field and the value', async () => {
    const projectId = project()
    fake.injectFault({
      method: 'POST',
      path: `/api/v1/projects/${projectId}/runs`,
      action: {
        kind: 'respond',
        status: 201,
        body: { runId: '%2e%2e', runUrl: 'https://app.hex.tech/x' }
      }
    })
    await assert.rejects(
      client().runProject(projectId, {}),
      (error: unknown) =>
        error instanceof HexResponseError && /runId is not a UUID: "%2e%2e"/.test(error.message)
    )
  })

  it('runPath refuses what is not a UUID', () => {
    const projectId = randomUUID()
    assert.throws(() => runPath(projectId, '..'), /run ID must be a UUID/)
    assert.throws(() => runPath('../x', randomUUID()), /project ID must be a UUID/)
  })

  it('a listed run whose ID is not a UUID is refused', async () => {
    const projectId = project()
    fake.injectFault({
      method: 'GET',
      path: `/api/v1/projects/${projectId}/runs`,
      action: {
        kind: 'respond',
        status: 200,
        body: { runs: [{ runId: '../x', status: 'RUNNING' }] }
      }
    })
    await assert.rejects(client().listApiRuns(projectId, 25), /runId is not a UUID/)
  })
})

describe('answers about another run or project', () => {
  it('a status answer about another run is refused; persisting, it ends in a failure, never COMPLETED', async () => {
    const projectId = project()
    const other = randomUUID()
    fake.injectFault({
      method: 'GET',
      path: new RegExp(`^/api/v1/projects/${projectId}/runs/`),
      times: Infinity,
      action: {
        kind: 'respond',
        status: 200,
        body: { projectId, runId: other, status: 'COMPLETED' }
      }
    })
    const result = await runAgainst(fake, projectId, { timeout: '1m' })
    assert.equal(result.exitCode, 1, result.log)
    assert.notEqual(result.outputs.status, 'COMPLETED')

    const triggered = await session().trigger(projectId, {})
    await assert.rejects(
      session(60_000).getRun(projectId, triggered.runId),
      (error: unknown) =>
        error instanceof RetriesExhaustedError &&
        error.message.includes(`Hex answered about run "${other}", not ${triggered.runId}`)
    )
  })

  it('a status answer about another project is refused', async () => {
    const projectId = project()
    const triggered = await session().trigger(projectId, {})
    fake.injectFault({
      method: 'GET',
      action: {
        kind: 'respond',
        status: 200,
        body: { projectId: randomUUID(), runId: triggered.runId, status: 'COMPLETED' }
      }
    })
    await assert.rejects(client().getRun(projectId, triggered.runId), /answered about project/)
  })

  it('a trigger answer naming another project is refused, and not followed', async () => {
    const projectId = project()
    const other = randomUUID()
    fake.injectFault({
      method: 'POST',
      path: `/api/v1/projects/${projectId}/runs`,
      action: {
        kind: 'respond',
        status: 201,
        body: { projectId: other, runId: randomUUID(), runUrl: 'https://app.hex.tech/x' }
      }
    })
    await assert.rejects(
      session().trigger(projectId, {}),
      (error: unknown) =>
        error instanceof UnknownOutcomeError &&
        error.original instanceof HexResponseError &&
        error.message.includes(`Hex answered about project "${other}", not ${projectId}`)
    )
    assert.ok(fake.requests.every((r) => !r.path.includes(other)))
  })
})

describe('answers over 1 MiB', () => {
  it('a 5 MiB answer is refused without reading it all', async () => {
    const projectId = project()
    const runId = randomUUID()
    fake.injectFault({
      method: 'GET',
      action: { kind: 'respond', status: 200, body: 'x'.repeat(5 * 1024 * 1024) }
    })
    const read = { bytes: 0 }
    await assert.rejects(
      client({ fetch: countingFetch(read) }).getRun(projectId, runId),
      (error: unknown) =>
        error instanceof HexResponseError && /the answer is over 1 MiB/.test(error.message)
    )
    assert.ok(read.bytes <= MAX_ANSWER_BYTES + 256 * 1024, `read ${read.bytes} bytes`)
  })

  it('a 5 MiB error body is not read past the cap; the status still counts', async () => {
    const read = { bytes: 0 }
    fake.injectFault({
      method: 'GET',
      action: { kind: 'respond', status: 503, body: 'x'.repeat(5 * 1024 * 1024) }
    })
    await assert.rejects(
      client({ fetch: countingFetch(read) }).getRun(randomUUID(), randomUUID()),
      (error: unknown) => error instanceof HexApiError && error.status === 503
    )
    assert.ok(read.bytes <= MAX_ANSWER_BYTES + 256 * 1024, `read ${read.bytes} bytes`)
  })

  it('a gzip bomb (50 MB of zeros) is cut off after 1 MiB decompressed', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024))
    const host = await hostile((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
      res.end(bomb)
    })
    try {
      const read = { bytes: 0 }
      await assert.rejects(
        client({ apiBase: host.apiBase, fetch: countingFetch(read) }).getRun(
          randomUUID(),
          randomUUID()
        ),
        /the answer is over 1 MiB/
      )
      assert.ok(bomb.length < 100 * 1024)
      assert.ok(read.bytes <= 2 * MAX_ANSWER_BYTES, `read ${read.bytes} bytes`)
    } finally {
      await host.close()
    }
  })
})

/** The waits of a read that fails with a 502 `failures` times, at a fixed jitter. */
async function backoffSleeps(failures: number, jitter: number): Promise<number[]> {
  const c = new VirtualClock()
  let calls = 0
  const error = new HexApiError(
    { operation: 'status', projectId: randomUUID(), host: 'h' },
    502,
    'Bad Gateway',
    { issues: [], invalid: [], notFound: [] }
  )
  await withRetries(() => (calls++ < failures ? Promise.reject(error) : Promise.resolve('ok')), {
    verdict: readVerdict,
    deadline: Infinity,
    now: c.now,
    sleep: c.sleep,
    random: () => jitter
  })
  return c.sleeps
}

describe('Retry-After', () => {
  it('takes delta-seconds and IMF-fixdate only', () => {
    const now = Date.UTC(2026, 10, 29, 12)
    assert.equal(parseRetryAfter('0', now), 0)
    assert.equal(parseRetryAfter('7', now), 7_000)
    assert.equal(parseRetryAfter('-5', now), undefined)
    assert.equal(parseRetryAfter('1.5', now), undefined)
    assert.equal(parseRetryAfter('2026-11-29', now), undefined)
    assert.equal(parseRetryAfter('Sun, 29 Nov 2026 12:00:30 GMT', now), 30_000)
    assert.equal(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now), 0)
  })

  it('the timeout input has an upper bound, so no wait outgrows a timer', () => {
    const check = (timeout: string) => {
      const inputs: Partial<Record<InputName, string>> = {
        'project-id': randomUUID(),
        'api-token': RUN_TOKEN,
        timeout
      }
      const result = readSettings((name) => inputs[name] ?? '', {})
      return result.ok ? [] : result.errors
    }
    assert.deepEqual(check('120h'), [])
    const [error] = check('121h')
    assert.match(
      error ?? '',
      /Input 'timeout' must be at most 120h, got '121h': no job runs longer/
    )
    assert.equal(check('99999999999').length, 1)
  })

  it('a storm of 429s with Retry-After: 0 makes a bounded number of requests', async () => {
    const projectId = project()
    const triggered = await session().trigger(projectId, {})
    const path = `/api/v1/projects/${projectId}/runs/${triggered.runId}`
    fake.injectFault({
      method: 'GET',
      path,
      times: Infinity,
      action: { kind: 'respond', status: 429, headers: { 'retry-after': '0' } }
    })
    const before = clock.sleeps.length
    await assert.rejects(session(60_000).getRun(projectId, triggered.runId), RetriesExhaustedError)
    const requests = fake.requests.filter((r) => r.path === path).length
    // One a second at most: 60 waits of 1 s fit in a minute, so 61 requests.
    assert.equal(requests, 61)
    assert.ok(clock.sleeps.slice(before).every((ms) => ms >= 1_000))
    fake.clearFaults()
  })

  it('a huge Retry-After is clamped to what a timer can hold', async () => {
    const c = new VirtualClock()
    let calls = 0
    const error = new HexApiError(
      { operation: 'status', projectId: randomUUID(), host: 'h' },
      429,
      'Too Many Requests',
      { issues: [], invalid: [], notFound: [] },
      parseRetryAfter('99999999999', c.now())
    )
    await withRetries(() => (calls++ === 0 ? Promise.reject(error) : Promise.resolve('ok')), {
      verdict: readVerdict,
      deadline: Infinity,
      now: c.now,
      sleep: c.sleep
    })
    assert.deepEqual(c.sleeps, [MAX_TIMER_MS])
  })

  it('every backoff waits at least 1 s, even at zero jitter', async () => {
    assert.deepEqual(await backoffSleeps(5, 0), [1_000, 1_000, 1_000, 1_000, 1_000])
  })

  it('the backoff still grows from the floor to the cap', async () => {
    assert.deepEqual(await backoffSleeps(6, 0.5), [1_000, 1_500, 2_500, 4_500, 8_000, 8_000])
  })
})

describe('pagination', () => {
  async function find(handler: (after: string | null) => object) {
    let pages = 0
    const host = await hostile((req, res) => {
      pages++
      const after = new URL(req.url ?? '/', 'http://x').searchParams.get('after')
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(handler(after)))
    })
    try {
      const error = await findProjects(session(600_000, host.apiBase, new VirtualClock()), [
        'Missing'
      ]).catch((e: unknown) => e)
      return { error, pages }
    } finally {
      await host.close()
    }
  }

  it('a cursor seen before ends the walk with a clear error, not a loop', async () => {
    const { error, pages } = await find((after) => ({
      values: [{ id: randomUUID(), title: 'p' }],
      pagination: { after: after === 'a' ? 'b' : 'a' }
    }))
    assert.ok(error instanceof ProjectNameError, String(error))
    assert.match(error.message, /cursor of an earlier page/)
    assert.equal(pages, 3) // a, b, then a again
  })

  it('an endless pagination stops at the page cap, suggesting project-id', async () => {
    const { error, pages } = await find((after) => ({
      values: [{ id: randomUUID(), title: 'p' }],
      pagination: { after: String(Number(after ?? 0) + 1) }
    }))
    assert.ok(error instanceof ProjectNameError, String(error))
    assert.match(error.message, /more than 100 pages .*project-id/)
    assert.equal(pages, MAX_PROJECT_PAGES)
  })

  it('the deadline ends the walk', async () => {
    const c = new VirtualClock()
    let pages = 0
    const host = await hostile((req, res) => {
      pages++
      c.time += 30_000 // each page takes 30 s
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ values: [], pagination: { after: `p${pages}` } }))
    })
    try {
      await assert.rejects(
        findProjects(session(60_000, host.apiBase, c), ['Missing']),
        /the timeout passed/
      )
      assert.equal(pages, 2)
    } finally {
      await host.close()
    }
  })
})

describe('the token', () => {
  function errors(token: string): string[] {
    const inputs: Partial<Record<InputName, string>> = {
      'project-id': randomUUID(),
      'api-token': token
    }
    const result = readSettings((name) => inputs[name] ?? '', {})
    return result.ok ? [] : result.errors
  }

  it('a zero-width space or non-ASCII in the token is refused, naming the input', () => {
    for (const token of ['hxtw_abc\u200bdef', 'hxtw_abc\u00e9', '\u201chxtw_abc\u201d']) {
      const found = errors(token)
      assert.equal(found.length, 1, found.join('\n'))
      assert.match(found[0] ?? '', /Input 'api-token' contains a character that is not printable/)
    }
    assert.deepEqual(errors('hxtw_abc-DEF.123'), [])
  })

  it('a token fetch refuses is "not sent": the trigger is retried, not an unknown outcome', async () => {
    const projectId = project()
    const before = fake.requests.length
    await assert.rejects(
      client({ token: 'hxtw_abc\u200bdef' }).runProject(projectId, {}),
      (error: unknown) =>
        error instanceof HexNetworkError && error.code === 'INVALID_REQUEST' && !error.requestSent
    )
    assert.equal(fake.requests.length, before)
  })
})

describe('run fields from Hex', () => {
  /** The run state the client makes of a status answer with these fields. */
  async function readAnswer(fields: Record<string, unknown>): Promise<RunState> {
    const projectId = project()
    const runId = randomUUID()
    fake.injectFault({
      method: 'GET',
      action: { kind: 'respond', status: 200, body: { projectId, runId, ...fields } }
    })
    return client().getRun(projectId, runId)
  }

  it('bad dates, a negative elapsedTime and an odd projectVersion are dropped', async () => {
    const state = await readAnswer({
      status: 'RUNNING',
      startTime: '1.5',
      endTime: 'yesterday',
      elapsedTime: -5,
      projectVersion: 'v1\n::error::x'
    })
    assert.equal(state.status, 'RUNNING')
    assert.equal(state.startTime, undefined)
    assert.equal(state.endTime, undefined)
    assert.equal(state.elapsedMs, undefined)
    assert.equal(state.projectVersion, undefined)
  })

  it('good ones are kept', async () => {
    const state = await readAnswer({
      status: 'COMPLETED',
      startTime: '2026-11-29T12:00:00.000Z',
      endTime: '2026-11-29T12:01:00Z',
      elapsedTime: 60_000,
      projectVersion: 12
    })
    assert.equal(state.startTime, '2026-11-29T12:00:00.000Z')
    assert.equal(state.endTime, '2026-11-29T12:01:00Z')
    assert.equal(state.elapsedMs, 60_000)
    assert.equal(state.projectVersion, '12')
  })
})

import assert from 'node:assert/strict'
import { afterEach, describe, it } from '@jest/globals'
import { FakeHex } from '../test/fake-hex/server.ts'
import type { FakeHexOptions, FakeProject } from '../test/fake-hex/server.ts'
import { VirtualClock } from '../test/runner/virtual-clock.ts'

const RUN_TOKEN = 'hxtw_test_run_token'
const READ_TOKEN = 'hxtw_test_read_token'
const P1 = '11111111-1111-4111-8111-111111111111'
const P2 = '22222222-2222-4222-8222-222222222222'
const P3 = '33333333-3333-4333-8333-333333333333'
const UNKNOWN = '99999999-9999-4999-8999-999999999999'

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** The servers a test started, closed once it ends, pass or fail. */
const toClose: FakeHex[] = []
afterEach(async () => {
  await Promise.all(toClose.splice(0).map((fake) => fake.close()))
})

async function start(options: FakeHexOptions = {}): Promise<FakeHex> {
  const fake = await FakeHex.start(options)
  toClose.push(fake)
  return fake
}

function project(id: string, extra: Partial<FakeProject> = {}): FakeProject {
  return { id, ...extra }
}

interface CallOptions {
  method?: string
  token?: string | null
  body?: unknown
  signal?: AbortSignal
}

/** A request to the fake's API; `body` that is a string is sent as is, anything else as JSON. */
function call(fake: FakeHex, path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {}
  const token = options.token === undefined ? RUN_TOKEN : options.token
  if (token !== null) headers.authorization = `Bearer ${token}`
  let body: string | undefined
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json'
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body)
  }
  const init: RequestInit = { method: options.method ?? 'GET', headers }
  if (body !== undefined) init.body = body
  if (options.signal !== undefined) init.signal = options.signal
  const url = path.startsWith('http') ? path : `${fake.apiBase}${path}`
  return fetch(url, init)
}

async function jsonOf(res: Response): Promise<Record<string, unknown>> {
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/)
  // Parsed here rather than by res.json(), whose objects belong to the realm fetch comes from, not
  // the test's (Jest runs each file in a vm context): assert.deepEqual compares prototypes.
  return JSON.parse(await res.text()) as Record<string, unknown>
}

async function trigger(fake: FakeHex, projectId: string, body?: unknown): Promise<string> {
  const res = await call(fake, `/projects/${projectId}/runs`, { method: 'POST', body })
  const json = await jsonOf(res)
  assert.equal(res.status, 201, JSON.stringify(json))
  return String(json.runId)
}

async function runStatus(fake: FakeHex, projectId: string, runId: string) {
  const res = await call(fake, `/projects/${projectId}/runs/${runId}`)
  assert.equal(res.status, 200)
  return jsonOf(res)
}

/** Polls every 5 ms until `done` holds for the status answer; returns the statuses seen. */
async function pollUntil(
  fake: FakeHex,
  projectId: string,
  runId: string,
  done: (run: Record<string, unknown>) => boolean,
  timeoutMs = 1500
): Promise<{ seen: string[]; last: Record<string, unknown> }> {
  const seen: string[] = []
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const last = await runStatus(fake, projectId, runId)
    const status = String(last.status)
    if (seen[seen.length - 1] !== status) seen.push(status)
    if (done(last)) return { seen, last }
    if (Date.now() > deadline) assert.fail(`timed out; statuses seen: ${seen.join(' -> ')}`)
    await sleep(5)
  }
}

describe('fake Hex: run lifecycle', () => {
  it('triggers a run and walks PENDING -> RUNNING -> COMPLETED over real time', async () => {
    const lifecycle = [
      { status: 'PENDING', ms: 150 },
      { status: 'RUNNING', ms: 150 },
      { status: 'COMPLETED' }
    ]
    const fake = await start({ projects: [project(P1, { version: 3, lifecycle })] })
    await call(fake, '/users/me') // warm up, so that the first poll lands inside PENDING

    const res = await call(fake, `/projects/${P1}/runs`, { method: 'POST' })
    assert.equal(res.status, 201)
    const created = await jsonOf(res)
    assert.equal(created.projectId, P1)
    assert.equal(created.projectVersion, 3)
    assert.equal(typeof created.traceId, 'string')
    assert.equal(res.headers.get('x-trace-id'), created.traceId)
    assert.equal(
      created.runStatusUrl,
      `${fake.apiBase}/projects/${P1}/runs/${String(created.runId)}`
    )
    assert.match(String(created.runUrl), /^http:\/\/127\.0\.0\.1:\d+\/acme\//)

    const runId = String(created.runId)
    const first = await runStatus(fake, P1, runId)
    assert.equal(first.status, 'PENDING')
    assert.equal(first.projectVersion, '3')
    assert.equal(first.runTrigger, 'API')
    assert.equal(first.startTime, null)
    assert.equal(first.endTime, null)
    assert.equal(first.elapsedTime, null)
    assert.notEqual(first.traceId, created.traceId)

    const running = await pollUntil(fake, P1, runId, (r) => r.status !== 'PENDING')
    assert.equal(running.last.status, 'RUNNING')
    assert.match(String(running.last.startTime), /^\d{4}-\d\d-\d\dT.*Z$/)
    assert.equal(running.last.endTime, null)
    assert.equal(typeof running.last.elapsedTime, 'number')

    const done = await pollUntil(fake, P1, runId, (r) => r.status !== 'RUNNING')
    assert.equal(done.last.status, 'COMPLETED')
    assert.equal(done.last.elapsedTime, 150)
    const startMs = Date.parse(String(done.last.startTime))
    const endMs = Date.parse(String(done.last.endTime))
    assert.ok(Math.abs(endMs - startMs - 150) <= 1)
    assert.deepEqual([...running.seen, ...done.seen.slice(1)], ['PENDING', 'RUNNING', 'COMPLETED'])

    const [run] = fake.runs(P1)
    assert.ok(run)
    assert.equal(run.status, 'COMPLETED')
    assert.equal(run.cancelled, false)
    assert.equal(run.terminalAt, run.createdAt + 300)
    assert.equal(run.startedAt, run.createdAt + 150)
  })

  it('ends in any terminal status the lifecycle names', async () => {
    const fake = await start({
      projects: [
        project(P1, {
          lifecycle: [{ status: 'PENDING', ms: 10 }, { status: 'UNABLE_TO_ALLOCATE_KERNEL' }]
        }),
        project(P2, { lifecycle: [{ status: 'RUNNING', ms: 10 }, { status: 'ERRORED' }] })
      ]
    })
    const a = await trigger(fake, P1)
    const b = await trigger(fake, P2)
    const endA = await pollUntil(fake, P1, a, (r) => r.endTime !== null)
    const endB = await pollUntil(fake, P2, b, (r) => r.endTime !== null)
    assert.equal(endA.last.status, 'UNABLE_TO_ALLOCATE_KERNEL')
    assert.equal(endB.last.status, 'ERRORED')
    assert.equal(endB.last.elapsedTime, 10)
  })

  it("ends a project's first `unallocated.runs` runs UNABLE_TO_ALLOCATE_KERNEL, dry runs aside", async () => {
    const clock = new VirtualClock()
    const lifecycle = [{ status: 'RUNNING', ms: 10 }, { status: 'COMPLETED' }]
    const fake = await start({
      clock,
      projects: [project(P1, { lifecycle, unallocated: { runs: 2, pendingMs: 30_000 } })]
    })
    await trigger(fake, P1, { dryRun: true })
    for (let i = 0; i < 3; i++) await trigger(fake, P1)
    await clock.sleep(30_000)
    const runs = fake.runs(P1).filter((r) => !r.dryRun)
    assert.deepEqual(
      runs.map((r) => [r.status, (r.terminalAt ?? 0) - r.createdAt]),
      [
        ['UNABLE_TO_ALLOCATE_KERNEL', 30_000],
        ['UNABLE_TO_ALLOCATE_KERNEL', 30_000],
        ['COMPLETED', 10]
      ]
    )
  })

  it('never ends a lifecycle whose last step is RUNNING', async () => {
    const lifecycle = [{ status: 'PENDING', ms: 10 }, { status: 'RUNNING' }]
    const fake = await start({ projects: [project(P1, { lifecycle })] })
    const runId = await trigger(fake, P1)
    await sleep(60)
    const run = await runStatus(fake, P1, runId)
    assert.equal(run.status, 'RUNNING')
    assert.equal(run.endTime, null)
    assert.equal(fake.runs()[0]?.terminalAt, undefined)
  })

  it('reports a status it was scripted with even if Hex has no such status', async () => {
    const lifecycle = [{ status: 'QUEUED', ms: 150 }, { status: 'COMPLETED' }]
    const fake = await start({ projects: [project(P1, { lifecycle }), project(P2)] })
    const runId = await trigger(fake, P1)
    assert.equal((await runStatus(fake, P1, runId)).status, 'QUEUED')
    await pollUntil(fake, P1, runId, (r) => r.status === 'COMPLETED')

    fake.setStatusOverride((run) => (run.projectId === P2 ? 'PAUSED' : undefined))
    const other = await trigger(fake, P2)
    assert.equal((await runStatus(fake, P2, other)).status, 'PAUSED')
    assert.equal((await runStatus(fake, P1, runId)).status, 'COMPLETED')
    assert.equal(fake.runs(P2)[0]?.status, 'PENDING')
  })

  it('answers a dry run with a run that is already COMPLETED and takes no kernel', async () => {
    const fake = await start({ maxRunningKernels: 0, projects: [project(P1)] })
    const runId = await trigger(fake, P1, { dryRun: true })
    const run = await runStatus(fake, P1, runId)
    assert.equal(run.status, 'COMPLETED')
    assert.equal(run.elapsedTime, 0)
    assert.equal(fake.runs()[0]?.dryRun, true)
  })

  it('answers older shapes with legacyShapes', async () => {
    const lifecycle = [{ status: 'RUNNING', ms: 10 }, { status: 'COMPLETED' }]
    const fake = await start({
      legacyShapes: true,
      projects: [project(P1, { version: 7, lifecycle })]
    })
    const runId = await trigger(fake, P1)
    const running = await runStatus(fake, P1, runId)
    assert.equal(running.projectVersion, 7)
    assert.equal(running.elapsedTime, null)
    const done = await pollUntil(fake, P1, runId, (r) => r.status === 'COMPLETED')
    assert.equal(done.last.elapsedTime, null)
    assert.notEqual(done.last.endTime, null)
  })
})

describe('fake Hex: cancelling', () => {
  it('kills a running run, then refuses a second cancel with 422', async () => {
    const lifecycle = [{ status: 'RUNNING' }]
    const fake = await start({ projects: [project(P1, { lifecycle })] })
    const runId = await trigger(fake, P1)

    const res = await call(fake, `/projects/${P1}/runs/${runId}`, { method: 'DELETE' })
    assert.equal(res.status, 204)
    assert.equal(await res.text(), '')
    const run = await runStatus(fake, P1, runId)
    assert.equal(run.status, 'KILLED')
    assert.notEqual(run.endTime, null)
    const [snapshot] = fake.runs()
    assert.equal(snapshot?.cancelled, true)
    assert.equal(typeof snapshot?.terminalAt, 'number')

    const again = await call(fake, `/projects/${P1}/runs/${runId}`, { method: 'DELETE' })
    assert.equal(again.status, 422)
    const body = await jsonOf(again)
    assert.match(String(body.reason), /already/)
    assert.equal(typeof body.traceId, 'string')
  })

  it('kills a pending run before it starts', async () => {
    const fake = await start({ projects: [project(P1, { lifecycle: [{ status: 'PENDING' }] })] })
    const runId = await trigger(fake, P1)
    const res = await call(fake, `/projects/${P1}/runs/${runId}`, { method: 'DELETE' })
    assert.equal(res.status, 204)
    const run = await runStatus(fake, P1, runId)
    assert.equal(run.status, 'KILLED')
    assert.equal(run.startTime, null)
  })
})

describe('fake Hex: auth and errors', () => {
  it('answers 401 as bare text by default', async () => {
    const fake = await start()
    for (const token of [null, 'hxtw_wrong']) {
      const res = await call(fake, '/users/me', { token })
      assert.equal(res.status, 401)
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/)
      assert.equal(await res.text(), 'Unauthorized')
    }
    const prototypeName = await call(fake, '/users/me', { token: 'constructor' })
    assert.equal(prototypeName.status, 401)
  })

  it('answers 401 as JSON when asked to', async () => {
    const fake = await start({ unauthorizedStyle: 'json' })
    const res = await call(fake, `/projects/${P1}/runs`, { method: 'POST', token: null })
    assert.equal(res.status, 401)
    assert.deepEqual(await jsonOf(res), {
      code: 'UNAUTHORIZED',
      message: 'Authorization not provided',
      issues: []
    })
    assert.equal(fake.runs().length, 0)
  })

  it('lets a read token read but answers 403 to run and cancel', async () => {
    const fake = await start({ projects: [project(P1, { lifecycle: [{ status: 'RUNNING' }] })] })
    const runId = await trigger(fake, P1)

    const post = await call(fake, `/projects/${P1}/runs`, { method: 'POST', token: READ_TOKEN })
    assert.equal(post.status, 403)
    assert.deepEqual(await jsonOf(post), {
      code: 'FORBIDDEN',
      message: 'Insufficient access',
      issues: []
    })

    const del = await call(fake, `/projects/${P1}/runs/${runId}`, {
      method: 'DELETE',
      token: READ_TOKEN
    })
    assert.equal(del.status, 403)
    const body = await jsonOf(del)
    assert.equal(typeof body.reason, 'string')
    assert.equal(typeof body.traceId, 'string')

    const read = await call(fake, `/projects/${P1}/runs/${runId}`, { token: READ_TOKEN })
    assert.equal(read.status, 200)
    assert.equal((await jsonOf(read)).status, 'RUNNING')
    assert.equal(fake.runs().length, 1)
  })

  it('answers 404 for an unknown project, run or route', async () => {
    const fake = await start({ projects: [project(P1)] })
    const runId = await trigger(fake, P1)
    const cases: Array<[string, string]> = [
      ['POST', `/projects/${UNKNOWN}/runs`],
      ['GET', `/projects/${UNKNOWN}/runs`],
      ['GET', `/projects/${UNKNOWN}/runs/${runId}`],
      ['GET', `/projects/${P1}/runs/${UNKNOWN}`],
      ['DELETE', `/projects/${P1}/runs/${UNKNOWN}`],
      ['POST', `/project/${P1}/run`],
      ['GET', `/project/${P1}/run/${runId}`],
      ['PUT', `/projects/${P1}/runs`]
    ]
    for (const [method, path] of cases) {
      const res = await call(fake, path, { method })
      assert.equal(res.status, 404, `${method} ${path}`)
      const body = await jsonOf(res)
      assert.equal(body.code, 'NOT_FOUND')
      assert.deepEqual(body.issues, [])
    }
    const old = await call(fake, `/project/${P1}/run`, { method: 'POST' })
    assert.match(String((await jsonOf(old)).message), /^Route not found/)
    assert.equal(fake.runs().length, 1)
  })

  it('answers 422 for a project that has not been published', async () => {
    const fake = await start({ projects: [project(P1, { published: false })] })
    const res = await call(fake, `/projects/${P1}/runs`, { method: 'POST' })
    assert.equal(res.status, 422)
    const body = await jsonOf(res)
    assert.equal(body.code, 'UNPROCESSABLE_CONTENT')
    assert.match(String(body.message), /has not been published/)
    assert.ok(Array.isArray(body.issues))
    assert.equal(fake.runs().length, 0)
  })

  it('answers 422 for unknown or mistyped params in the shape Hex documents now', async () => {
    const params = { region: 'string', limit: 'number', full: 'boolean' } as const
    const fake = await start({ projects: [project(P1, { params }), project(P2)] })
    const inputParams = { region: 5, limit: 10, full: 'yes', colour: 'red' }
    const res = await call(fake, `/projects/${P1}/runs`, { method: 'POST', body: { inputParams } })
    assert.equal(res.status, 422)
    assert.deepEqual(await jsonOf(res), {
      code: 'UNPROCESSABLE_CONTENT',
      message: 'Invalid input parameters',
      issues: [
        { message: 'Input parameter "colour" is not in the project' },
        { message: 'Input parameter "region" expects a string, got 5' },
        { message: 'Input parameter "full" expects a boolean, got "yes"' }
      ]
    })
    assert.equal(fake.runs().length, 0)

    await trigger(fake, P1, { inputParams: { region: 'eu', limit: 3, full: true } })
    await trigger(fake, P2, { inputParams: { anything: [1, 2], at: 'all' } })
  })

  it('answers 422 in the older {invalid, notFound} shape with legacyShapes', async () => {
    const params = { region: 'string', limit: 'number', full: 'boolean' } as const
    const fake = await start({ legacyShapes: true, projects: [project(P1, { params })] })
    const inputParams = { region: 5, limit: 10, full: 'yes', colour: 'red' }
    const res = await call(fake, `/projects/${P1}/runs`, { method: 'POST', body: { inputParams } })
    assert.equal(res.status, 422)
    const body = await jsonOf(res)
    assert.equal(typeof body.traceId, 'string')
    assert.deepEqual(body.notFound, ['colour'])
    assert.deepEqual(body.invalid, [
      { dataType: 'string', inputCellType: 'text', paramValue: '5', paramName: 'region' },
      { dataType: 'boolean', inputCellType: 'checkbox', paramValue: '"yes"', paramName: 'full' }
    ])
    assert.equal(fake.runs().length, 0)
  })

  it('answers 400 for a body Hex would reject', async () => {
    const fake = await start({ projects: [project(P1)] })
    const bad: unknown[] = [
      'not json',
      '[1, 2]',
      { inputParams: 'a=1' },
      { dryRun: 'true' },
      { useCachedSqlResults: 1 },
      { viewId: 42 },
      { notifications: {} },
      { notifications: [{ type: 'SOMETIMES', includeSuccessScreenshot: true }] },
      { notifications: [{ type: 'ALL', includeSuccessScreenshot: 'true' }] }
    ]
    for (const body of bad) {
      const res = await call(fake, `/projects/${P1}/runs`, { method: 'POST', body })
      assert.equal(res.status, 400, JSON.stringify(body))
      const json = await jsonOf(res)
      assert.equal(json.code, 'BAD_REQUEST')
      assert.ok(Array.isArray(json.issues) && json.issues.length > 0)
    }
    const both = await call(fake, `/projects/${P1}/runs`, {
      method: 'POST',
      body: { viewId: 'v1', inputParams: { a: 1 } }
    })
    assert.equal(both.status, 400)
    assert.match(String((await jsonOf(both)).message), /cannot be combined/)
    assert.equal(fake.runs().length, 0)

    await trigger(fake, P1, { viewId: 'v1', inputParams: {} })
    await trigger(fake, P1, '')
  })

  it('lists notification recipients on the run it creates', async () => {
    const fake = await start({ projects: [project(P1)] })
    const notifications = [{ type: 'FAILURE', includeSuccessScreenshot: false, userIds: ['u1'] }]
    const res = await call(fake, `/projects/${P1}/runs`, {
      method: 'POST',
      body: { notifications }
    })
    const body = await jsonOf(res)
    assert.deepEqual(body.notifications, [
      {
        type: 'FAILURE',
        recipientType: 'USER',
        includeSuccessScreenshot: false,
        recipient: { id: 'u1', name: 'u1' }
      }
    ])
  })

  it('answers 503 at the kernel limit and creates no run', async () => {
    const lifecycle = [{ status: 'RUNNING' }]
    const fake = await start({
      maxRunningKernels: 2,
      projects: [project(P1, { lifecycle }), project(P2, { lifecycle })]
    })
    const first = await trigger(fake, P1)
    await trigger(fake, P2)
    const res = await call(fake, `/projects/${P1}/runs`, { method: 'POST' })
    assert.equal(res.status, 503)
    const body = await jsonOf(res)
    assert.equal(body.code, 'SERVICE_UNAVAILABLE')
    assert.match(String(body.message), /limit of running kernels/)
    assert.deepEqual(body.issues, [])
    assert.equal(fake.runs().length, 2)

    await call(fake, `/projects/${P1}/runs/${first}`, { method: 'DELETE' })
    await trigger(fake, P1)
    assert.equal(fake.runs().length, 3)
  })

  it('answers the caller for a workspace token on /users/me', async () => {
    const fake = await start({ tokens: { hxtw_ws: 'read', hxtp_personal: 'run' } })
    const ws = await jsonOf(await call(fake, '/users/me', { token: 'hxtw_ws' }))
    assert.equal(typeof (ws.org as { id: unknown }).id, 'string')
    assert.equal(ws.email, undefined)
    const personal = await jsonOf(await call(fake, '/users/me', { token: 'hxtp_personal' }))
    assert.equal(typeof personal.email, 'string')
    assert.equal(typeof (personal.token as { exp: unknown }).exp, 'number')
  })
})

describe('fake Hex: listings', () => {
  it('pages GetProjectRuns newest first with next and previous links', async () => {
    const lifecycle = [{ status: 'COMPLETED' }]
    const fake = await start({ projects: [project(P1, { lifecycle }), project(P2)] })
    const ids: string[] = []
    for (let i = 0; i < 5; i++) ids.push(await trigger(fake, P1))
    await trigger(fake, P2)
    const newestFirst = [...ids].reverse()

    const seen: string[] = []
    let url: string | null = `/projects/${P1}/runs?limit=2`
    const sizes: number[] = []
    while (url !== null) {
      const page = await jsonOf(await call(fake, url))
      const runs = page.runs as Array<Record<string, unknown>>
      sizes.push(runs.length)
      seen.push(...runs.map((r) => String(r.runId)))
      assert.equal(typeof page.traceId, 'string')
      url = page.nextPage as string | null
    }
    assert.deepEqual(sizes, [2, 2, 1])
    assert.deepEqual(seen, newestFirst)

    const middle = await jsonOf(await call(fake, `/projects/${P1}/runs?limit=2&offset=2`))
    assert.match(String(middle.previousPage), /offset=0/)
    const first = await jsonOf(await call(fake, `/projects/${P1}/runs`))
    assert.equal(first.previousPage, null)
    assert.equal((first.runs as unknown[]).length, 5)

    const filtered = await jsonOf(await call(fake, `/projects/${P1}/runs?statusFilter=RUNNING`))
    assert.deepEqual(filtered.runs, [])
    const scheduled = await jsonOf(
      await call(fake, `/projects/${P1}/runs?runTriggerFilter=SCHEDULED`)
    )
    assert.deepEqual(scheduled.runs, [])
    for (const query of ['limit=0', 'limit=101', 'offset=-1', 'statusFilter=DONE']) {
      const res = await call(fake, `/projects/${P1}/runs?${query}`)
      assert.equal(res.status, 400, query)
    }
  })

  it('pages ListProjects with cursors across two pages', async () => {
    const fake = await start({
      projects: [project(P1, { title: 'one' }), project(P2, { title: 'two' })]
    })
    fake.addProject(project(P3, { title: 'three', published: false }))

    const all = await jsonOf(await call(fake, '/projects'))
    const titles = (all.values as Array<{ title: string }>).map((p) => p.title)
    assert.deepEqual(titles, ['three', 'two', 'one'])
    assert.deepEqual(all.pagination, { after: null, before: null })

    const page1 = await jsonOf(await call(fake, '/projects?limit=2'))
    const values1 = page1.values as Array<Record<string, unknown>>
    assert.deepEqual(
      values1.map((p) => p.id),
      [P3, P2]
    )
    assert.equal(values1[0]?.type, 'PROJECT')
    assert.equal(values1[0]?.lastPublishedAt, null)
    const cursors1 = page1.pagination as { after: string | null; before: string | null }
    assert.equal(cursors1.before, null)
    assert.equal(typeof cursors1.after, 'string')

    const page2 = await jsonOf(await call(fake, `/projects?limit=2&after=${cursors1.after}`))
    assert.deepEqual(
      (page2.values as Array<{ id: string }>).map((p) => p.id),
      [P1]
    )
    const cursors2 = page2.pagination as { after: string | null; before: string | null }
    assert.equal(cursors2.after, null)
    assert.equal(typeof cursors2.before, 'string')

    const back = await jsonOf(await call(fake, `/projects?limit=2&before=${cursors2.before}`))
    assert.deepEqual(
      (back.values as Array<{ id: string }>).map((p) => p.id),
      [P3, P2]
    )

    const bad = await call(fake, '/projects?after=bm9wZQ')
    assert.equal(bad.status, 400)
    assert.equal(typeof (await jsonOf(bad)).reason, 'string')
  })
})

describe('fake Hex: faults', () => {
  it('reset drops the request before any work', async () => {
    const fake = await start({ projects: [project(P1)] })
    fake.injectFault({ method: 'POST', path: /\/runs$/, action: { kind: 'reset' } })
    await assert.rejects(call(fake, `/projects/${P1}/runs`, { method: 'POST', body: {} }))
    assert.equal(fake.runs().length, 0)
    assert.equal(fake.requests[0]?.status, 'dropped')
    await trigger(fake, P1)
    assert.equal(fake.runs().length, 1)
  })

  it('reset-after-processing creates the run, then drops the answer', async () => {
    const fake = await start({ projects: [project(P1)] })
    fake.injectFault({
      path: `/api/v1/projects/${P1}/runs`,
      action: { kind: 'reset-after-processing' }
    })
    await assert.rejects(call(fake, `/projects/${P1}/runs`, { method: 'POST' }))
    assert.equal(fake.runs().length, 1)
    assert.equal(fake.requests[0]?.status, 'dropped')
  })

  it('hang is given up by the client, and close() ends a request still hanging', async () => {
    const fake = await FakeHex.start()
    toClose.push(fake)
    fake.injectFault({ path: '/api/v1/users/me', times: Infinity, action: { kind: 'hang' } })
    const aborted = call(fake, '/users/me', { signal: AbortSignal.timeout(200) })
    await assert.rejects(aborted, { name: 'TimeoutError' })
    const open = call(fake, '/users/me')
    const openResult = assert.rejects(open)
    // Until the stand-in holds the second request (however long the machine takes to send it).
    while (fake.requests[1]?.status !== 'pending') await sleep(2)
    // A hang never answers: close() must end it rather than wait for it (Jest's timeout otherwise).
    await fake.close()
    await openResult
    assert.deepEqual(
      fake.requests.map((r) => r.status),
      ['dropped', 'dropped']
    )
  })

  it('respond answers in place of the API, with headers and any body', async () => {
    const fake = await start({ projects: [project(P1)] })
    fake.injectFault({
      method: 'POST',
      action: {
        kind: 'respond',
        status: 429,
        headers: { 'Retry-After': '2' },
        body: { code: 'TOO_MANY_REQUESTS', message: 'Slow down' }
      }
    })
    fake.injectFault({
      method: 'GET',
      action: { kind: 'respond', status: 502, body: '<html>Bad gateway</html>' }
    })
    const limited = await call(fake, `/projects/${P1}/runs`, { method: 'POST' })
    assert.equal(limited.status, 429)
    assert.equal(limited.headers.get('retry-after'), '2')
    assert.equal((await jsonOf(limited)).message, 'Slow down')
    assert.equal(fake.runs().length, 0)
    const gateway = await call(fake, '/users/me')
    assert.equal(gateway.status, 502)
    assert.match(gateway.headers.get('content-type') ?? '', /^text\/html/)
    assert.equal(await gateway.text(), '<html>Bad gateway</html>')
    assert.equal((await call(fake, '/users/me')).status, 200)
  })

  it('malformed and html answer 200 with bodies a client cannot use', async () => {
    const fake = await start()
    fake.injectFault({ action: { kind: 'malformed' } })
    fake.injectFault({ action: { kind: 'html' } })
    const malformed = await call(fake, '/users/me')
    assert.equal(malformed.status, 200)
    assert.match(malformed.headers.get('content-type') ?? '', /^application\/json/)
    await assert.rejects(malformed.json(), SyntaxError)
    const html = await call(fake, '/users/me')
    assert.equal(html.status, 200)
    assert.match(html.headers.get('content-type') ?? '', /^text\/html/)
    assert.match(await html.text(), /<html/)
  })

  it('delay answers normally, late', async () => {
    const fake = await start()
    fake.injectFault({ action: { kind: 'delay', ms: 80 } })
    const began = performance.now()
    const res = await call(fake, '/users/me')
    assert.equal(res.status, 200)
    assert.ok(performance.now() - began >= 75)
  })

  it('counts skip and times per fault, in the order injected', async () => {
    const fake = await start()
    const path = /\/users\/me$/
    fake.injectFault({ path, skip: 1, times: 2, action: { kind: 'respond', status: 500 } })
    fake.injectFault({ path, skip: 4, action: { kind: 'respond', status: 503 } })
    fake.injectFault({ method: 'POST', action: { kind: 'respond', status: 418 } })
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) statuses.push((await call(fake, '/users/me')).status)
    assert.deepEqual(statuses, [200, 500, 500, 200, 503, 200, 200])

    fake.clearFaults()
    const res = await call(fake, `/projects/${P1}/runs`, { method: 'POST' })
    assert.equal(res.status, 404)
  })
})

describe('fake Hex: faults on a shared virtual clock', () => {
  const auth = { authorization: `Bearer ${RUN_TOKEN}` }

  async function onClock(): Promise<{ fake: FakeHex; clock: VirtualClock; fetch: typeof fetch }> {
    const clock = new VirtualClock()
    const fake = await start({
      clock,
      projects: [project(P1, { lifecycle: [{ status: 'RUNNING' }] })]
    })
    return { fake, clock, fetch: clock.track(globalThis.fetch) }
  }

  /** Real time, in turns of a few ms: the stand-in sees a client go a moment after it went. */
  async function until(done: () => boolean): Promise<void> {
    for (let tries = 0; !done(); tries++) {
      assert.ok(tries < 500, 'in time')
      await sleep(2)
    }
  }

  it('delay and answer-late wait on the clock, not in real time; the log leaves the ticket out', async () => {
    const { fake, clock, fetch } = await onClock()
    fake.injectFault({ path: '/api/v1/users/me', action: { kind: 'delay', ms: 60_000 } })
    fake.injectFault({ method: 'POST', action: { kind: 'answer-late', ms: 30_000 } })
    const began = clock.now()
    const real = performance.now()
    const me = await fetch(`${fake.apiBase}/users/me`, { headers: auth })
    assert.equal(me.status, 200)
    await me.text()
    assert.equal(clock.now() - began, 60_000)
    const late = await fetch(`${fake.apiBase}/projects/${P1}/runs`, {
      method: 'POST',
      headers: auth
    })
    assert.equal(late.status, 201)
    await late.text()
    assert.equal(clock.now() - began, 90_000)
    // The run was made as the request came, its answer held back.
    assert.equal(fake.runs(P1)[0]?.createdAt, began + 60_000)
    assert.ok(performance.now() - real < 5_000, 'a minute and a half of virtual time')
    assert.deepEqual(clock.sleeps, [], "the stand-in's waits are not the client's sleeps")
    assert.deepEqual(
      fake.requests.map((r) => [
        r.status,
        clock.ticketHeader in r.headers,
        'authorization' in r.headers
      ]),
      [
        [200, false, true],
        [201, false, true]
      ]
    )
  })

  it('a hang parks the request: a time limit on the same clock ends it in virtual time', async () => {
    const { fake, clock, fetch } = await onClock()
    fake.injectFault({ path: '/api/v1/users/me', action: { kind: 'hang' } })
    const limit = clock.timeout(10_000)
    const began = clock.now()
    await assert.rejects(
      fetch(`${fake.apiBase}/users/me`, { headers: auth, signal: limit.signal }),
      {
        name: 'TimeoutError'
      }
    )
    assert.equal(clock.now() - began, 10_000)
    await until(() => fake.requests[0]?.status === 'dropped')
    // Nothing of the hang is left to move the clock.
    await clock.sleep(5)
    assert.equal(clock.now() - began, 10_005)
  })

  it('a delay does its work when due, on the clock, even after its client gave up', async () => {
    const { fake, clock, fetch } = await onClock()
    fake.injectFault({ method: 'POST', action: { kind: 'delay', ms: 5_000 } })
    const limit = clock.timeout(1_000)
    const began = clock.now()
    await assert.rejects(
      fetch(`${fake.apiBase}/projects/${P1}/runs`, {
        method: 'POST',
        headers: auth,
        signal: limit.signal
      }),
      { name: 'TimeoutError' }
    )
    assert.equal(clock.now() - began, 1_000)
    assert.equal(fake.runs(P1).length, 0)
    await until(() => fake.requests[0]?.status === 'dropped')
    await clock.sleep(10_000)
    assert.equal(fake.runs(P1)[0]?.createdAt, began + 5_000)
  })

  it('takes a clock or a now, not both', async () => {
    const clock = new VirtualClock()
    await assert.rejects(FakeHex.start({ clock, now: clock.now }), /give now or clock, not both/)
  })
})

describe('fake Hex: request log', () => {
  it('records method, path, query, headers, body and status in order', async () => {
    const fake = await start({ projects: [project(P1)] })
    const runId = await trigger(fake, P1, { inputParams: { region: 'eu' }, dryRun: false })
    await call(fake, `/projects/${P1}/runs?limit=5&offset=0`, { token: READ_TOKEN })
    await call(fake, `/projects/${P1}/runs`, { method: 'POST', body: 'oops{' })
    await call(fake, `/projects/${P1}/runs/${runId}`, { token: null })

    const log = fake.requests
    assert.equal(log.length, 4)
    const [post, list, broken, anonymous] = log
    assert.equal(post?.method, 'POST')
    assert.equal(post?.path, `/api/v1/projects/${P1}/runs`)
    assert.deepEqual(post?.body, { inputParams: { region: 'eu' }, dryRun: false })
    assert.equal(post?.headers.authorization, `Bearer ${RUN_TOKEN}`)
    assert.equal(post?.headers['content-type'], 'application/json')
    assert.equal(post?.status, 201)
    assert.deepEqual(list?.query, { limit: '5', offset: '0' })
    assert.equal(list?.headers.authorization, `Bearer ${READ_TOKEN}`)
    assert.equal(list?.body, undefined)
    assert.equal(broken?.body, 'oops{')
    assert.equal(broken?.status, 400)
    assert.equal(anonymous?.headers.authorization, undefined)
    assert.equal(anonymous?.status, 401)
    assert.ok(log.every((r, i) => i === 0 || r.at >= (log[i - 1]?.at ?? 0)))

    log.length = 0
    assert.equal(fake.requests.length, 4)
    fake.clearRequests()
    assert.equal(fake.requests.length, 0)
  })

  it('sends a fresh trace id with every answer', async () => {
    const fake = await start({ projects: [project(P1)] })
    const ids = new Set<string | null>()
    for (let i = 0; i < 3; i++)
      ids.add((await call(fake, `/projects/${P1}/runs`)).headers.get('x-trace-id'))
    assert.equal(ids.size, 3)
    assert.ok(!ids.has(null))
  })
})

describe('fake Hex: a project with a history', () => {
  it('lists its past runs, newest first, ended before it was added, with their durations', async () => {
    const now = Date.UTC(2026, 10, 29, 12, 0, 0)
    const fake = await start({
      now: () => now,
      projects: [
        project(P1, {
          history: [
            { ms: 10_000 },
            { ms: 20_000, status: 'ERRORED' },
            { ms: 30_000, trigger: 'SCHEDULED' },
            { ms: 40_000 }
          ]
        })
      ]
    })
    const all = await jsonOf(await call(fake, `/projects/${P1}/runs`))
    const runs = all.runs as Array<Record<string, unknown>>
    assert.deepEqual(
      runs.map((r) => [r.elapsedTime, r.status, r.runTrigger]),
      [
        [40_000, 'COMPLETED', 'API'],
        [30_000, 'COMPLETED', 'SCHEDULED'],
        [20_000, 'ERRORED', 'API'],
        [10_000, 'COMPLETED', 'API']
      ]
    )
    // The newest ended an hour before the project was added, each earlier one an hour before.
    assert.equal(runs[0]?.endTime, new Date(now - 3_600_000).toISOString())
    assert.equal(runs[0]?.startTime, new Date(now - 3_600_000 - 40_000).toISOString())
    assert.equal(runs[3]?.endTime, new Date(now - 4 * 3_600_000).toISOString())

    const query = `/projects/${P1}/runs?runTriggerFilter=API&statusFilter=COMPLETED`
    const filtered = await jsonOf(await call(fake, query))
    assert.deepEqual(
      (filtered.runs as Array<Record<string, unknown>>).map((r) => r.elapsedTime),
      [40_000, 10_000]
    )

    // A run started now comes first; the past ones are marked as such.
    const runId = await trigger(fake, P1)
    const listed = await jsonOf(await call(fake, `/projects/${P1}/runs?limit=2`))
    assert.equal((listed.runs as Array<Record<string, unknown>>)[0]?.runId, runId)
    assert.deepEqual(
      fake.runs(P1).map((r) => r.past),
      [true, true, true, true, false]
    )
    // Replacing the project replaces its history, and keeps the run started since.
    fake.addProject(project(P1, { history: [{ ms: 5_000 }] }))
    assert.deepEqual(
      fake.runs(P1).map((r) => (r.past ? 'past' : r.id)),
      ['past', runId]
    )
  })
})

describe('fake Hex: rate limit', () => {
  it('answers 429 past the limit until its window ends, with Retry-After and X-RateLimit-*', async () => {
    let now = Date.UTC(2026, 10, 29, 12, 0, 0)
    const fake = await start({
      now: () => now,
      projects: [project(P1, { lifecycle: [{ status: 'RUNNING' }] })],
      rateLimit: { perMinute: 3, headers: true }
    })
    // RunProject counts against a limit of its own, not this one.
    const runId = await trigger(fake, P1)
    const answers: Response[] = []
    for (let i = 0; i < 4; i++) {
      answers.push(await call(fake, `/projects/${P1}/runs/${runId}`))
      now += 1_000
    }
    assert.deepEqual(
      answers.map((r) => r.status),
      [200, 200, 200, 429]
    )
    assert.deepEqual(
      answers.map((r) => r.headers.get('x-ratelimit-remaining')),
      ['2', '1', '0', '0']
    )
    const reset = String(Math.ceil((Date.UTC(2026, 10, 29, 12, 0, 0) + 60_000) / 1000))
    assert.equal(answers[0]?.headers.get('x-ratelimit-reset'), reset)
    assert.equal(answers[0]?.headers.get('x-ratelimit-limit'), '3')
    assert.equal(answers[0]?.headers.get('retry-after'), null)
    // Sent 3 s into the window: 57 s left.
    assert.equal(answers[3]?.headers.get('retry-after'), '57')
    assert.equal((await jsonOf(answers[3])).code, 'TOO_MANY_REQUESTS')
    // Another token has a window of its own; the first one's opens again after 60 s.
    assert.equal((await call(fake, `/projects/${P1}/runs`, { token: READ_TOKEN })).status, 200)
    now += 57_000
    assert.equal((await call(fake, `/projects/${P1}/runs/${runId}`)).status, 200)
  })

  it('sends no X-RateLimit-* headers unless asked', async () => {
    const fake = await start({ projects: [project(P1)], rateLimit: { perMinute: 1 } })
    const first = await call(fake, `/projects/${P1}/runs`)
    const second = await call(fake, `/projects/${P1}/runs`)
    assert.equal(first.headers.get('x-ratelimit-remaining'), null)
    assert.deepEqual([first.status, second.status], [200, 429])
    assert.match(second.headers.get('retry-after') ?? '', /^\d+$/)
  })
})

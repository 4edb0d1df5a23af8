/**
 * Fault injection: the action's source, in process on a virtual clock, against the stand-in Hex
 * server while it fails the way a real network and a busy API fail. Each test asserts what reached
 * Hex (how many triggers, which retries, whether a cancel was sent) as well as what the workflow
 * gets. Backoffs, Retry-After waits and lookups take no real time; the server's recorded request
 * times are on the same virtual clock. What needs a real process (signals, a killed step) is in
 * slow/e2e.test.ts.
 */
import assert from 'node:assert/strict'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import type { FakeHex, FaultAction } from '../test/fake-hex/server.ts'
import type { LedgerEntry } from '../src/action/ledger.ts'
import type { ActionResult } from '../test/runner/run-action.ts'
import { clockOf, runAgainst, startHex } from './helpers/action.ts'
import {
  addProject,
  errorAnnotations,
  requestsFor,
  RUN_TOKEN,
  warningAnnotations
} from './helpers/e2e.ts'
import type { InProcessOptions } from '../test/runner/in-process.ts'

const QUICK = [
  { status: 'PENDING', ms: 100 },
  { status: 'RUNNING', ms: 600 },
  { status: 'COMPLETED' }
]
const FOREVER = [{ status: 'RUNNING' }]

let fake: FakeHex
beforeAll(async () => {
  fake = await startHex()
})
afterAll(async () => {
  await fake.close()
})

function run(
  projectId: string,
  inputs: Record<string, string> = {},
  options: Omit<InProcessOptions, 'inputs' | 'clock'> = {}
): Promise<ActionResult> {
  return runAgainst(fake, projectId, inputs, options)
}

const triggerPath = (projectId: string) => `/api/v1/projects/${projectId}/runs`
const runPathOf = (projectId: string) => new RegExp(`^/api/v1/projects/${projectId}/runs/[^/]+$`)
const methods = (projectId: string, method: string) =>
  requestsFor(fake, projectId).filter((r) => r.method === method)

/** The runs the main step left in its state for the post step. */
function ledgerOf(result: ActionResult): LedgerEntry[] {
  return JSON.parse(result.stateValues.runs ?? '[]') as LedgerEntry[]
}

function onTrigger(projectId: string, action: FaultAction, times = 1): void {
  fake.injectFault({ method: 'POST', path: triggerPath(projectId), times, action })
}
function onPoll(
  projectId: string,
  action: FaultAction,
  options: { skip?: number; times?: number } = {}
): void {
  fake.injectFault({ method: 'GET', path: runPathOf(projectId), ...options, action })
}

describe('faults while polling', () => {
  it('rides out 502, 503, a reset and a malformed body, and completes', async () => {
    const projectId = addProject(fake, { lifecycle: QUICK })
    onPoll(
      projectId,
      { kind: 'respond', status: 502, body: '<html>Bad Gateway</html>' },
      { skip: 1 }
    )
    onPoll(
      projectId,
      { kind: 'respond', status: 503, body: { code: 'SERVICE_UNAVAILABLE', message: 'busy' } },
      { skip: 2 }
    )
    onPoll(projectId, { kind: 'reset' }, { skip: 3 })
    onPoll(projectId, { kind: 'malformed' }, { skip: 4 })
    const result = await run(projectId)
    assert.equal(result.exitCode, 0, result.log)
    assert.equal(result.outputs.status, 'COMPLETED')
    assert.equal(methods(projectId, 'POST').length, 1, 'one trigger')
    const polls = methods(projectId, 'GET')
      .filter((r) => runPathOf(projectId).test(r.path))
      .map((r) => r.status)
    assert.deepEqual(
      polls.slice(1, 5),
      [502, 503, 'dropped', 200],
      `polls answered ${polls.join(', ')}`
    )
    assert.match(result.stdout, /Reading the run status failed: Hex answered 502\. Trying again in/)
    assert.match(result.stdout, /Reading the run status failed: the answer could not be read\./)
  })

  it('abandons a status read that hangs after request-timeout, and reads again', async () => {
    const projectId = addProject(fake, { lifecycle: QUICK })
    onPoll(projectId, { kind: 'hang' }, { skip: 1 })
    // The stand-in holds the read on the shared clock: its time limit ends in virtual time.
    const result = await run(projectId, { 'request-timeout': '1s' })
    assert.equal(result.exitCode, 0, result.log)
    assert.equal(result.outputs.status, 'COMPLETED')
    assert.match(
      result.stdout,
      /Reading the run status failed: no answer in time\. Trying again in 1\.0s/
    )
    assert.equal(methods(projectId, 'POST').length, 1)
    const polls = methods(projectId, 'GET').filter((r) => runPathOf(projectId).test(r.path))
    assert.deepEqual(
      polls.slice(0, 3).map((r) => r.status),
      [200, 'dropped', 200]
    )
    // Given up after its time limit (1 s), then read again after the backoff (1 s).
    assert.equal((polls[2]?.at ?? NaN) - (polls[1]?.at ?? NaN), 2_000)
  })

  it('waits exactly as long as Retry-After says before the next status read', async () => {
    const projectId = addProject(fake, { lifecycle: QUICK })
    onPoll(
      projectId,
      {
        kind: 'respond',
        status: 429,
        body: 'Too Many Requests',
        headers: { 'retry-after': '2' }
      },
      { skip: 1 }
    )
    const result = await run(projectId)
    assert.equal(result.exitCode, 0, result.log)
    const polls = methods(projectId, 'GET')
    const limited = polls.findIndex((r) => r.status === 429)
    const next = polls[limited + 1]
    assert.ok(limited > 0 && next, 'a read after the 429')
    const gap = next.at - (polls[limited]?.at ?? 0)
    assert.ok(gap >= 2_000, `the next read came ${gap} ms after the 429`)
    assert.match(result.stdout, /Hex answered 429\. Trying again in 2\.0s/)
  })

  it('reports a long run of failed polls as such at the timeout, with the last error', async () => {
    const projectId = addProject(fake, { lifecycle: FOREVER })
    onPoll(
      projectId,
      { kind: 'respond', status: 502, body: 'Bad Gateway' },
      { skip: 1, times: Infinity }
    )
    const result = await run(projectId, { timeout: '4s' })
    assert.equal(result.exitCode, 1)
    assert.equal(result.outputs.status, 'TIMEOUT')
    assert.match(
      result.summary,
      /Status reads failed for the last [\d.]+m?s \(\d+ attempts\); the last error: Hex answered 502/
    )
    // The reads went on until the timeout, not just until a backoff would have passed it.
    const trigger = methods(projectId, 'POST')[0]?.at ?? 0
    const lastRead = methods(projectId, 'GET').at(-1)?.at ?? 0
    assert.ok(lastRead - trigger >= 3_900, `last read ${lastRead - trigger} ms after the trigger`)
    assert.equal(methods(projectId, 'DELETE').length >= 1, true, 'a cancel was tried')
    assert.equal(fake.runs(projectId)[0]?.status, 'KILLED')
  })
})

describe('faults on the trigger: never two runs', () => {
  it('a 429 is retried after Retry-After, and one run starts', async () => {
    const projectId = addProject(fake, { lifecycle: QUICK })
    onTrigger(projectId, {
      kind: 'respond',
      status: 429,
      body: 'Too Many Requests',
      headers: { 'retry-after': '1' }
    })
    const result = await run(projectId)
    assert.equal(result.exitCode, 0, result.log)
    const posts = methods(projectId, 'POST')
    assert.deepEqual(
      posts.map((r) => r.status),
      [429, 201]
    )
    assert.ok((posts[1]?.at ?? 0) - (posts[0]?.at ?? 0) >= 1_000, 'Retry-After honoured')
    assert.equal(fake.runs(projectId).length, 1)
  })

  it('a 503 at the kernel limit is retried, and the log says why', async () => {
    const projectId = addProject(fake, { lifecycle: QUICK })
    onTrigger(
      projectId,
      {
        kind: 'respond',
        status: 503,
        body: { code: 'SERVICE_UNAVAILABLE', message: 'Too many running kernels', issues: [] }
      },
      2
    )
    const result = await run(projectId)
    assert.equal(result.exitCode, 0, result.log)
    assert.deepEqual(
      methods(projectId, 'POST').map((r) => r.status),
      [503, 503, 201]
    )
    assert.equal(fake.runs(projectId).length, 1)
    assert.match(
      result.stdout,
      /Starting the run failed: Hex is at its limit of running kernels \(503\); no run was created\. Trying again in/
    )
  })

  it('waits for a real kernel to free up', async () => {
    const busy = await startHex({ maxRunningKernels: 1 })
    try {
      const blocker = addProject(busy, {
        lifecycle: [{ status: 'RUNNING', ms: 2_500 }, { status: 'COMPLETED' }]
      })
      const projectId = addProject(busy, { lifecycle: QUICK })
      const first = await fetch(`${busy.apiBase}/projects/${blocker}/runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${RUN_TOKEN}` }
      })
      assert.equal(first.status, 201)
      const result = await runAgainst(busy, projectId)
      assert.equal(result.exitCode, 0, result.log)
      const posts = busy.requests.filter((r) => r.method === 'POST' && r.path.includes(projectId))
      assert.ok(posts.length >= 2, 'retried at least once')
      assert.equal(posts.filter((r) => r.status === 201).length, 1)
      assert.equal(busy.runs(projectId).length, 1)
    } finally {
      await busy.close()
    }
  })

  it('an answer lost after Hex started the run: finds that run and follows it', async () => {
    const projectId = addProject(fake, { lifecycle: QUICK })
    onTrigger(projectId, { kind: 'reset-after-processing' })
    const result = await run(projectId)
    assert.equal(result.exitCode, 0, result.log)
    assert.equal(methods(projectId, 'POST').length, 1, 'the trigger was not sent again')
    const runs = fake.runs(projectId)
    assert.equal(runs.length, 1)
    assert.equal(result.outputs['run-id'], runs[0]?.id)
    assert.equal(result.outputs.status, 'COMPLETED')
    assert.ok(
      requestsFor(fake, projectId).some(
        (r) =>
          r.method === 'GET' &&
          r.path === triggerPath(projectId) &&
          r.query.runTriggerFilter === 'API'
      ),
      'looked the run up among API runs'
    )
    assert.match(
      warningAnnotations(result).join('\n'),
      /answer to the trigger was lost .*following it instead of triggering again/
    )
  })

  it('an answer that comes too late: finds the run and follows it', async () => {
    const projectId = addProject(fake, { lifecycle: QUICK })
    // Hex starts the run at once and answers after the action has stopped waiting for it.
    onTrigger(projectId, { kind: 'answer-late', ms: 1_500 })
    const result = await run(projectId, { 'request-timeout': '1s' })
    assert.equal(result.exitCode, 0, result.log)
    assert.equal(methods(projectId, 'POST').length, 1)
    assert.equal(fake.runs(projectId).length, 1)
    assert.equal(result.outputs['run-id'], fake.runs(projectId)[0]?.id)
    // The trigger was given up at its time limit (1 s, virtual), before the answer came; the run
    // was looked up after the first lookup delay (1 s).
    const [trigger, lookup] = requestsFor(fake, projectId)
    assert.equal(trigger?.status, 'dropped')
    assert.equal(lookup?.query.runTriggerFilter, 'API')
    assert.equal((lookup?.at ?? NaN) - (trigger?.at ?? NaN), 2_000)
    assert.match(result.stdout, /answer to the trigger was lost \(no answer in time\)/)
  })

  it('a 500 with no run to be found: fails, says a run may have started, sends nothing twice', async () => {
    const projectId = addProject(fake, { lifecycle: QUICK })
    onTrigger(projectId, {
      kind: 'respond',
      status: 500,
      body: { reason: 'Internal error', traceId: 'tr-500' }
    })
    const result = await run(projectId)
    assert.equal(result.exitCode, 1)
    assert.equal(methods(projectId, 'POST').length, 1, 'the trigger was not sent again')
    assert.equal(fake.runs(projectId).length, 0)
    const [error] = errorAnnotations(result)
    assert.match(
      error ?? '',
      /answer to the trigger was lost \(Hex answered 500\).*No API-triggered run .* was found.*a run may still have started.*not sent again/
    )
    assert.match(error ?? '', /trace ID tr-500/)
    assert.equal(result.outputs.status, 'ERROR')
    assert.match(result.summary, /Hex run failed/)
  })

  it('two candidate runs: follows neither and lists both', async () => {
    const projectId = addProject(fake, { lifecycle: FOREVER })
    const other = await fetch(`${fake.apiBase}/projects/${projectId}/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${RUN_TOKEN}` }
    })
    assert.equal(other.status, 201)
    onTrigger(projectId, { kind: 'reset-after-processing' })
    const result = await run(projectId)
    assert.equal(result.exitCode, 1)
    assert.equal(
      methods(projectId, 'POST').length,
      2,
      'one trigger from the test, one from the action'
    )
    const runs = fake.runs(projectId)
    assert.match(
      errorAnnotations(result)[0] ?? '',
      new RegExp(
        `2 API-triggered runs .*${runs[0]?.id}.*${runs[1]?.id}|2 API-triggered runs .*${runs[1]?.id}.*${runs[0]?.id}`
      )
    )
  })
})

describe('unreachable or unsafe targets', () => {
  it('Hex down: a clear error naming the host after a few quick attempts', async () => {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    await new Promise<void>((resolve) => server.close(() => resolve()))
    const started = clockOf(fake).now()
    const result = await run(addProject(fake), { 'api-url': `http://127.0.0.1:${port}` })
    assert.equal(result.exitCode, 1)
    const [error] = errorAnnotations(result)
    assert.match(
      error ?? '',
      new RegExp(`no answer from http://127\\.0\\.0\\.1:${port} .*ECONNREFUSED.*\\(5 attempts over`)
    )
    assert.equal(
      (result.stdout.match(/Starting the run failed: connection failed \(ECONNREFUSED\)/g) ?? [])
        .length,
      4
    )
    // Not a timed assertion: the default timeout is an hour, so this only shows it did not wait for
    // it (on the virtual clock, which every wait of the action moves on).
    assert.ok(clockOf(fake).now() - started < 60_000)
    assert.equal(result.outputs.status, 'ERROR')
  })

  it('refuses http:// to a host that is not loopback, before sending anything', async () => {
    const projectId = addProject(fake)
    const result = await run(projectId, { 'api-url': `http://hex.example.com/api/v1` })
    assert.equal(result.exitCode, 1)
    assert.match(errorAnnotations(result)[0] ?? '', /'api-url' must use https:\/\//)
    assert.match(result.stdout, /::error title=Invalid input::/)
    assert.deepEqual(requestsFor(fake, projectId), [])
  })

  it('never follows a redirect to another host with the token', async () => {
    const seen: IncomingHttpHeaders[] = []
    const other = createServer((req, res) => {
      seen.push(req.headers)
      res.writeHead(201, { 'content-type': 'application/json' }).end('{}')
    })
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
    try {
      const projectId = addProject(fake)
      const elsewhere = `http://127.0.0.1:${(other.address() as AddressInfo).port}/api/v1/projects/${projectId}/runs`
      onTrigger(projectId, { kind: 'respond', status: 307, headers: { location: elsewhere } })
      const result = await run(projectId)
      assert.equal(result.exitCode, 1)
      assert.deepEqual(seen, [], 'nothing reached the other host')
      assert.match(
        errorAnnotations(result)[0] ?? '',
        /answered 307 redirecting to http:\/\/127\.0\.0\.1:\d+\/.*never sent on a redirect/
      )
      assert.equal(methods(projectId, 'POST').length, 1)
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()))
    }
  })
})

describe('cancellation by the runner', () => {
  it('a signal during a wait between trigger attempts sends no further trigger', async () => {
    const projectId = addProject(fake, { lifecycle: FOREVER })
    onTrigger(projectId, {
      kind: 'respond',
      status: 429,
      body: 'Too Many Requests',
      headers: { 'retry-after': '20' }
    })
    const clock = clockOf(fake)
    const waitsBefore = clock.sleeps.length
    const from = clock.now()
    const result = await run(
      projectId,
      {},
      // The line said just before the wait for the next attempt.
      { stopWhen: /^Starting the run failed: .*Trying again in/ }
    )
    assert.notEqual(result.exitCode, 0)
    assert.equal(methods(projectId, 'POST').length, 1, 'no trigger after the signal')
    assert.equal(fake.runs(projectId).length, 0)
    assert.equal(result.outputs.status, 'CANCELLED')
    // The stop came as the action went into Retry-After's wait, and that wait did not run out.
    // (Retry-After's 20 s, and half of the 5 s spread on the virtual clock.)
    assert.ok(clock.sleeps.slice(waitsBefore).includes(22_500), 'the 20 s wait began')
    assert.ok(clock.now() - from < 20_000, `the step went on ${clock.now() - from} ms`)
  })

  it('cancel-on-workflow-cancel: false leaves the run going', async () => {
    const projectId = addProject(fake, { lifecycle: FOREVER })
    const result = await run(
      projectId,
      { 'cancel-on-workflow-cancel': 'false' },
      // Said once the first status read has answered: the run is being polled.
      { stopWhen: /^Run is RUNNING/ }
    )
    assert.equal(result.outputs.status, 'CANCELLED')
    assert.equal(methods(projectId, 'DELETE').length, 0)
    assert.equal(fake.runs(projectId)[0]?.status, 'RUNNING')
    assert.match(result.summary, /cancel-on-workflow-cancel is false/)
  })
})

describe('the post step', () => {
  it('finishes a timeout cancel the main step could not make, whatever cancel-on-workflow-cancel says', async () => {
    const projectId = addProject(fake, { lifecycle: FOREVER })
    const inputs = { timeout: '1s', 'cancel-on-workflow-cancel': 'false' }
    fake.injectFault({
      method: 'DELETE',
      path: runPathOf(projectId),
      // A 403 is not retried: the main step's one DELETE takes it, the post step's goes through.
      times: 1,
      action: { kind: 'respond', status: 403, body: { reason: 'Forbidden', traceId: 't' } }
    })
    const main = await run(projectId, inputs)
    assert.equal(main.outputs.status, 'TIMEOUT')
    assert.match(main.summary, /Cancelling the run in Hex failed/)
    assert.equal(ledgerOf(main)[0]?.fate, 'cancel-wanted')
    assert.equal(fake.runs(projectId)[0]?.status, 'RUNNING')

    const post = await run(projectId, inputs, { state: main.stateValues })
    assert.equal(post.exitCode, 0, post.log)
    assert.equal(fake.runs(projectId)[0]?.status, 'KILLED')
    assert.match(post.stdout, /which the main step could not cancel/)
  })

  for (const [what, inputs] of [
    ['wait: false', { wait: 'false' }],
    ['dry-run: true', { 'dry-run': 'true' }]
  ] as const) {
    it(`leaves alone the run of a step with ${what}`, async () => {
      const projectId = addProject(fake, { lifecycle: FOREVER })
      const main = await run(projectId, inputs)
      assert.equal(main.exitCode, 0, main.log)
      // A dry run starts no run, so none is in the ledger; a run not waited for is settled.
      if (what === 'dry-run: true') assert.deepEqual(ledgerOf(main), [])
      else assert.equal(ledgerOf(main)[0]?.fate, 'settled')
      const sent = requestsFor(fake, projectId).length
      const post = await run(projectId, inputs, { state: main.stateValues })
      assert.equal(post.exitCode, 0)
      assert.equal(requestsFor(fake, projectId).length, sent, 'the post step sent nothing')
      if (what === 'wait: false') assert.equal(fake.runs(projectId)[0]?.status, 'RUNNING')
    })
  }

  it('does nothing after a main step that settled the run', async () => {
    const projectId = addProject(fake, { lifecycle: QUICK })
    const main = await run(projectId)
    assert.equal(main.exitCode, 0, main.log)
    const sent = requestsFor(fake, projectId).length
    const post = await run(projectId, {}, { state: main.stateValues })
    assert.equal(post.exitCode, 0)
    assert.equal(requestsFor(fake, projectId).length, sent, 'the post step sent nothing')
  })
})

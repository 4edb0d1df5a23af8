/**
 * One run's logic (src/runs/run-one.ts) on its own: no runner, no inputs, no step state. A run is
 * given a plan, a Hex session on a virtual clock and stop signals; what it returns (the outcome)
 * and what it says on the way (the events) are the whole of its behaviour.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import { HexClient } from '../src/hex/client.ts'
import { HexApiError, HexNetworkError, parseErrorBody } from '../src/hex/errors.ts'
import { UnknownOutcomeError } from '../src/hex/retry.ts'
import { HexSession } from '../src/hex/session.ts'
import { SHUTDOWN_GRACE_MS } from '../src/runs/grace.ts'
import { stepPacing, type Pacing } from '../src/runs/pacing/index.ts'
import { blindSchedule } from '../src/runs/pacing/schedule.ts'
import { runOne } from '../src/runs/run-one.ts'
import { startCutShort } from '../src/runs/start.ts'
import type { RunEvent, RunOutcome, RunPlan, RunTarget, Stops } from '../src/runs/types.ts'
import type { FakeHex, FakeProject } from '../test/fake-hex/server.ts'
import { clockOf, startHex } from './helpers/action.ts'
import { RUN_TOKEN } from './helpers/e2e.ts'
import type { VirtualClock } from '../test/runner/virtual-clock.ts'

let fake: FakeHex
let clock: VirtualClock

beforeAll(async () => {
  fake = await startHex()
  clock = clockOf(fake)
})
afterAll(async () => {
  await fake.close()
})

function project(spec: Partial<FakeProject> = {}): string {
  const id = randomUUID()
  fake.addProject({ id, ...spec })
  return id
}

function plan(changes: Partial<RunPlan> = {}): RunPlan {
  return {
    request: { updatePublishedResults: false, useCachedSqlResults: true },
    apiBase: fake.apiBase,
    wait: true,
    cancelOnTimeout: true,
    cancelOnWorkflowCancel: true,
    ...changes
  }
}

async function go(
  target: RunTarget,
  options: {
    plan?: Partial<RunPlan>
    /** In place of the step's default pacing, poll-interval 5 s. */
    pacing?: Pick<Pacing, 'schedule' | 'wants'>
    timeoutMs?: number
    stops?: Stops
    token?: string
    /** Stops the run as a workflow cancel would, right after this event. */
    stopOn?: (event: RunEvent) => boolean
    /** In place of the stand-in's fetch (on the virtual clock). */
    fetch?: typeof fetch
  } = {}
): Promise<{ outcome: RunOutcome; events: RunEvent[] }> {
  const events: RunEvent[] = []
  const workflow = new AbortController()
  const session = new HexSession({
    client: new HexClient({
      apiBase: fake.apiBase,
      token: options.token ?? RUN_TOKEN,
      fetch: options.fetch ?? clock.track(globalThis.fetch),
      clock
    }),
    clock,
    deadline: clock.now() + (options.timeoutMs ?? 3_600_000)
  })
  const outcome = await runOne({
    target,
    plan: plan(options.plan),
    session,
    pacing: options.pacing ?? stepPacing(clock, { pollIntervalMs: 5_000 }),
    stops: options.stops ?? (options.stopOn ? { workflow: workflow.signal } : {}),
    emit: (event) => {
      events.push(event)
      if (options.stopOn?.(event)) workflow.abort()
    }
  })
  return { outcome, events }
}

/** The kinds of event, in order; the title's (its read goes alongside, answered in any order) apart. */
const types = (events: RunEvent[]) => [
  ...new Set(events.map((e) => e.type).filter((t) => t !== 'title' && t !== 'no-title'))
]
const titles = (events: RunEvent[]) =>
  events.flatMap((e) => (e.type === 'title' ? [e.title] : e.type === 'no-title' ? ['-'] : []))

describe('runOne', () => {
  it('triggers, reads the status until the end and returns the ended outcome with the facts', async () => {
    const projectId = project({
      version: 4,
      lifecycle: [
        { status: 'PENDING', ms: 1_000 },
        { status: 'RUNNING', ms: 20_000 },
        { status: 'COMPLETED' }
      ]
    })
    const { outcome, events } = await go({ projectId })
    assert.equal(outcome.kind, 'ended')
    assert.ok(outcome.kind === 'ended')
    assert.equal(outcome.status, 'COMPLETED')
    const [run] = fake.runs(projectId)
    assert.equal(outcome.run.runId, run?.id)
    assert.equal(outcome.run.projectVersion, '4')
    // Hex's own count of the run's time (from its start, its PENDING second left out), not the step's.
    assert.equal(outcome.run.elapsedMs, 20_000)
    assert.deepEqual(types(events), ['sending', 'started', 'state'])
    assert.deepEqual(titles(events), [`Project ${projectId.slice(0, 8)}`])
    assert.equal(outcome.run.projectTitle, `Project ${projectId.slice(0, 8)}`)
    const states = events.flatMap((e) => (e.type === 'state' && e.changed ? [e.state.status] : []))
    assert.deepEqual(states, ['PENDING', 'RUNNING', 'COMPLETED'])
  })

  it('a dry run reads no status, and announces no run: Hex started none', async () => {
    const projectId = project()
    const { outcome, events } = await go({ projectId }, { plan: { request: { dryRun: true } } })
    assert.equal(outcome.kind, 'dry-run')
    assert.deepEqual(types(events), ['sending'])
    assert.equal(fake.requests.filter((r) => r.path.includes(projectId)).length, 1)
  })

  it('wait: false returns PENDING as soon as Hex accepts', async () => {
    const projectId = project()
    const { outcome } = await go({ projectId }, { plan: { wait: false } })
    assert.equal(outcome.kind, 'not-waited')
    assert.equal(outcome.kind === 'not-waited' && outcome.status, 'PENDING')
  })

  it('times out at the deadline and cancels the run, or leaves it when told to', async () => {
    const going = project({ lifecycle: [{ status: 'RUNNING' }] })
    const { outcome } = await go({ projectId: going }, { timeoutMs: 60_000 })
    assert.equal(outcome.kind, 'timed-out')
    assert.ok(outcome.kind === 'timed-out')
    assert.deepEqual(outcome.cancel, { kind: 'cancelled' })
    assert.equal(outcome.lastStatus, 'RUNNING')
    assert.equal(outcome.run.elapsedMs, 60_000)
    assert.equal(fake.runs(going)[0]?.status, 'KILLED')

    const left = project({ lifecycle: [{ status: 'RUNNING' }] })
    const kept = await go(
      { projectId: left },
      { timeoutMs: 60_000, plan: { cancelOnTimeout: false } }
    )
    assert.deepEqual(kept.outcome.kind === 'timed-out' && kept.outcome.cancel, {
      kind: 'left-going'
    })
    assert.equal(fake.runs(left)[0]?.status, 'RUNNING')
  })

  it('status reads that fail until the deadline are a timeout that says why', async () => {
    const projectId = project({ lifecycle: [{ status: 'RUNNING' }] })
    fake.injectFault({
      method: 'GET',
      path: new RegExp(`/projects/${projectId}/runs/`),
      times: Infinity,
      action: { kind: 'respond', status: 502 }
    })
    const { outcome } = await go({ projectId }, { timeoutMs: 120_000 })
    fake.clearFaults()
    assert.ok(outcome.kind === 'timed-out')
    assert.match(
      outcome.readFailure ?? '',
      /^Status reads failed for the last .* attempts\); the last error: Hex answered 502/
    )
  })

  it('a workflow cancel stops the wait and cancels the run, with a stopping event first', async () => {
    const projectId = project({ lifecycle: [{ status: 'RUNNING' }] })
    const { outcome, events } = await go(
      { projectId },
      { stopOn: (event) => event.type === 'state' }
    )
    assert.ok(outcome.kind === 'stopped')
    assert.equal(outcome.by, 'workflow')
    assert.equal(outcome.phase, 'going')
    assert.deepEqual(outcome.cancel, { kind: 'cancelled' })
    assert.deepEqual(events.at(-1), { type: 'stopping', by: 'workflow' })
    assert.equal(fake.runs(projectId)[0]?.status, 'KILLED')
  })

  it('stopped before its turn: sends nothing', async () => {
    const projectId = project()
    const failFast = new AbortController()
    failFast.abort()
    const { outcome, events } = await go({ projectId }, { stops: { failFast: failFast.signal } })
    assert.deepEqual(outcome, {
      target: { projectId },
      recovered: undefined,
      kind: 'stopped',
      by: 'fail-fast',
      phase: 'before-start'
    })
    assert.deepEqual(events, [])
    assert.equal(fake.requests.filter((r) => r.path.includes(projectId)).length, 0)
  })

  it('follows a run started elsewhere', async () => {
    const projectId = project({
      lifecycle: [{ status: 'RUNNING', ms: 10_000 }, { status: 'ERRORED' }]
    })
    const first = await go({ projectId }, { plan: { wait: false } })
    assert.ok(first.outcome.kind === 'not-waited')
    const runId = first.outcome.run.runId
    const { outcome, events } = await go({ projectId, runId })
    assert.ok(outcome.kind === 'ended')
    assert.equal(outcome.status, 'ERRORED')
    assert.deepEqual(types(events), ['started', 'state'])
    assert.equal(events[0]?.type === 'started' && events[0].followed, true)
    assert.equal(fake.runs(projectId).length, 1, 'no second run')
  })

  it("Hex's refusal is a failed outcome carrying its message, never an exception", async () => {
    const projectId = project()
    const { outcome } = await go({ projectId }, { token: 'hxtw_not_a_real_token' })
    assert.ok(outcome.kind === 'failed')
    assert.match(outcome.message, /rejected the API token \(401 Unauthorized\)/)
    assert.equal(outcome.stack, undefined)
    assert.equal(outcome.run, undefined)
  })

  it('a bug is a failed outcome too, with its stack kept for debug', async () => {
    const projectId = project()
    const broken = blindSchedule(5_000)
    broken.delayMs = () => {
      throw new TypeError('schedule exploded')
    }
    const pacing = { schedule: () => broken, wants: () => true }
    const { outcome } = await go({ projectId }, { pacing })
    assert.ok(outcome.kind === 'failed')
    assert.equal(outcome.message, 'Unexpected error: schedule exploded')
    assert.match(outcome.stack ?? '', /TypeError: schedule exploded/)
    assert.ok(outcome.run?.runId, 'the run it started is known, so it can be settled')
  })
})

describe('a stop that cuts the start short', () => {
  const context = { operation: 'trigger' as const, projectId: 'p', host: 'https://hex.test' }
  const answered = (status: number) => new HexApiError(context, status, '', parseErrorBody(''))
  const network = (code: string) => new HexNetworkError(context, code, code)

  it('tells a start Hex certainly refused from one that may have started a run', () => {
    const cases: [string, unknown, ReturnType<typeof startCutShort>][] = [
      ['429', answered(429), 'no-run'],
      ['503 at the kernel limit', answered(503), 'no-run'],
      ['a connection never made', network('ECONNREFUSED'), 'no-run'],
      ['a 500', answered(500), 'maybe-run'],
      ['a reset after sending', network('ECONNRESET'), 'maybe-run'],
      ['a trigger abandoned in flight', network('ABORTED'), 'maybe-run'],
      ['an answer lost', new UnknownOutcomeError(answered(502), 'Hex answered 502'), 'maybe-run'],
      ['401: a failure, not a stop', answered(401), undefined],
      ['422: a failure, not a stop', answered(422), undefined]
    ]
    for (const [what, error, expected] of cases) assert.equal(startCutShort(error), expected, what)
  })

  /**
   * A run whose trigger stops the workflow as it is sent, and is answered `answerMs` later on the
   * clock (never: only its abandonment ends it). `tookMs`: from the trigger to the outcome.
   */
  async function stoppedMidTrigger(answerMs: number) {
    const projectId = project({ lifecycle: [{ status: 'RUNNING' }] })
    const workflow = new AbortController()
    const tracked = clock.track(globalThis.fetch)
    const stopping: typeof fetch = async (input, init) => {
      if (init?.method !== 'POST') return tracked(input, init)
      workflow.abort()
      await clock.sleep(answerMs, init.signal ?? undefined)
      init.signal?.throwIfAborted()
      return tracked(input, init)
    }
    const before = clock.now()
    const { outcome } = await go(
      { projectId },
      { fetch: stopping, stops: { workflow: workflow.signal } }
    )
    return { projectId, outcome, tookMs: clock.now() - before }
  }

  it('gives a trigger in flight at a stop its grace on the clock, then abandons it', async () => {
    const { projectId, outcome, tookMs } = await stoppedMidTrigger(Infinity)
    assert.equal(outcome.kind === 'stopped' && outcome.phase, 'starting')
    assert.equal(tookMs, SHUTDOWN_GRACE_MS)
    assert.equal(fake.runs(projectId).length, 0, 'abandoned before it reached Hex')
  })

  it('a trigger answered within its grace is cancelled by its run id, and leaves no timer', async () => {
    const { projectId, outcome, tookMs } = await stoppedMidTrigger(1_000)
    assert.ok(outcome.kind === 'stopped' && outcome.phase === 'going')
    assert.deepEqual(outcome.cancel, { kind: 'cancelled' })
    assert.equal(fake.runs(projectId)[0]?.status, 'KILLED')
    assert.ok(tookMs < SHUTDOWN_GRACE_MS, String(tookMs))
    // The grace was dropped with the answer: nothing is left to move the clock on.
    const after = clock.now()
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
    assert.equal(clock.now(), after)
  })

  it('stopped while waiting to send the trigger again after a 429: no run, nothing to check in Hex', async () => {
    const projectId = project({ lifecycle: [{ status: 'RUNNING' }] })
    fake.injectFault({
      method: 'POST',
      path: `/api/v1/projects/${projectId}/runs`,
      action: { kind: 'respond', status: 429, headers: { 'retry-after': '30' } }
    })
    const { outcome } = await go({ projectId }, { stopOn: (event) => event.type === 'retry' })
    assert.equal(outcome.kind, 'stopped')
    assert.equal(outcome.kind === 'stopped' && outcome.phase, 'before-start')
    assert.equal(fake.runs(projectId).length, 0)
  })

  it('stopped while reading a run to follow: nothing of ours to cancel', async () => {
    const projectId = project({ lifecycle: [{ status: 'RUNNING' }] })
    const first = await go({ projectId }, { plan: { wait: false } })
    assert.ok(first.outcome.kind === 'not-waited')
    fake.injectFault({
      method: 'GET',
      path: new RegExp(`/projects/${projectId}/runs/`),
      action: { kind: 'respond', status: 502 }
    })
    const { outcome } = await go(
      { projectId, runId: first.outcome.run.runId },
      { stopOn: (event) => event.type === 'retry' }
    )
    assert.equal(outcome.kind === 'stopped' && outcome.phase, 'before-start')
    assert.equal(
      fake.requests.filter((r) => r.method === 'DELETE' && r.path.includes(projectId)).length,
      0
    )
  })

  it("reads the project's history after the trigger and says what it found", async () => {
    const projectId = project({
      lifecycle: [{ status: 'RUNNING', ms: 9_000 }, { status: 'COMPLETED' }],
      history: [{ ms: 8_000 }, { ms: 10_000 }, { ms: 12_000 }]
    })
    const { outcome, events } = await go({ projectId }, { plan: { history: true } })
    assert.ok(outcome.kind === 'ended')
    assert.equal(outcome.run.usualMs, 10_000)
    const told = events.find((e) => e.type === 'history')
    const started = events.find((e) => e.type === 'started')
    assert.ok(told?.type === 'history' && started?.type === 'started')
    assert.deepEqual(told.history, {
      runs: 3,
      usualMs: 10_000,
      shortestMs: 8_000,
      longestMs: 12_000
    })
    assert.equal(told.expectedEndAt, Date.parse(started.run.startedAt) + 10_000)
    assert.ok(events.indexOf(started) < events.indexOf(told), 'after the trigger was answered')
  })

  it('abandons a history read still going when the run ends, and says nothing of it', async () => {
    const projectId = project({
      lifecycle: [{ status: 'RUNNING', ms: 2_000 }, { status: 'COMPLETED' }]
    })
    let abandoned = false
    const tracked = clock.track(globalThis.fetch)
    // The history read never answers, and (untracked) does not hold the virtual clock.
    const fetch: typeof globalThis.fetch = (input, init) =>
      /\/runs\?/.test(input instanceof Request ? input.url : input.toString())
        ? new Promise((_, reject) =>
            init?.signal?.addEventListener('abort', () => {
              abandoned = true
              reject(new DOMException('aborted', 'AbortError'))
            })
          )
        : tracked(input, init)
    const { outcome, events } = await go({ projectId }, { plan: { history: true }, fetch })
    assert.equal(outcome.kind, 'ended')
    assert.ok(abandoned, 'the history read was abandoned')
    assert.deepEqual(types(events), ['sending', 'started', 'state'])
  })
})

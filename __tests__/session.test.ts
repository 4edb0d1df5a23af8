/**
 * The Hex session (src/hex/session.ts): the retry policy is built in, so every call rides out what
 * is transient, on the virtual clock, and a trigger is never sent twice where Hex may have run it.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import { HexClient } from '../src/hex/client.ts'
import { RetriesExhaustedError, UnknownOutcomeError } from '../src/hex/retry.ts'
import { HexApiError, HexNetworkError } from '../src/hex/errors.ts'
import { HexSession, type RequestPacer } from '../src/hex/session.ts'
import type { RetryNotice } from '../src/hex/retry.ts'
import type { FakeHex } from '../test/fake-hex/server.ts'
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

function session(
  timeoutMs = 600_000,
  notices: [string, RetryNotice][] = [],
  pacer?: RequestPacer
): HexSession {
  return new HexSession({
    client: new HexClient({
      apiBase: fake.apiBase,
      token: RUN_TOKEN,
      fetch: clock.track(globalThis.fetch),
      clock
    }),
    clock,
    deadline: clock.now() + timeoutMs,
    onRetry: (operation, notice) => notices.push([operation, notice]),
    pacer
  })
}

function project(): string {
  const id = randomUUID()
  fake.addProject({ id, lifecycle: [{ status: 'RUNNING' }] })
  return id
}

describe('HexSession', () => {
  it('reads the status through 502s and a 429, waiting as Retry-After says', async () => {
    const projectId = project()
    const triggered = await session().trigger(projectId, {})
    const path = `/api/v1/projects/${projectId}/runs/${triggered.runId}`
    fake.injectFault({ method: 'GET', path, times: 2, action: { kind: 'respond', status: 502 } })
    fake.injectFault({
      method: 'GET',
      path,
      skip: 2,
      action: { kind: 'respond', status: 429, headers: { 'retry-after': '7' } }
    })
    const notices: [string, RetryNotice][] = []
    const before = clock.sleeps.length
    const state = await session(600_000, notices).getRun(projectId, triggered.runId)
    assert.equal(state.status, 'RUNNING')
    assert.deepEqual(
      notices.map(([operation, n]) => [operation, n.reason]),
      [
        ['status', 'Hex answered 502'],
        ['status', 'Hex answered 502'],
        ['status', 'Hex answered 429']
      ]
    )
    // Jitter at random() = 0.5: 1 s (the floor), then halfway from 1 s to 2 s; then Retry-After.
    assert.deepEqual(clock.sleeps.slice(before), [1_000, 1_500, 7_000])
  })

  it('gives up at the deadline with the last error and the tally', async () => {
    const projectId = project()
    const triggered = await session().trigger(projectId, {})
    fake.injectFault({
      method: 'GET',
      path: `/api/v1/projects/${projectId}/runs/${triggered.runId}`,
      times: Infinity,
      action: { kind: 'respond', status: 503 }
    })
    const started = clock.now()
    await assert.rejects(session(30_000).getRun(projectId, triggered.runId), (error) => {
      assert.ok(error instanceof RetriesExhaustedError)
      assert.equal(error.why, 'deadline')
      assert.match(error.message, /Hex answered 503 .*\(\d+ attempts over .* failed\)/)
      return true
    })
    // The last attempt lands on the deadline, not before it.
    assert.equal(clock.now() - started, 30_000)
    fake.clearFaults()
  })

  it('never sends a trigger again after a 500: the outcome is unknown', async () => {
    const projectId = project()
    fake.injectFault({
      method: 'POST',
      path: `/api/v1/projects/${projectId}/runs`,
      action: { kind: 'respond', status: 500 }
    })
    await assert.rejects(session().trigger(projectId, {}), UnknownOutcomeError)
    assert.equal(
      fake.requests.filter((r) => r.method === 'POST' && r.path.includes(projectId)).length,
      1
    )
  })

  it('sends a trigger again after a 429, which starts no run', async () => {
    const projectId = project()
    fake.injectFault({
      method: 'POST',
      path: `/api/v1/projects/${projectId}/runs`,
      action: { kind: 'respond', status: 429, headers: { 'retry-after': '2' } }
    })
    const notices: [string, RetryNotice][] = []
    await session(600_000, notices).trigger(projectId, {})
    assert.equal(fake.runs(projectId).length, 1)
    // Retry-After, plus a random part of 5 s (the virtual clock draws half): refused jobs spread.
    assert.deepEqual(
      notices.map(([operation, n]) => [operation, n.delayMs]),
      [['trigger', 2_000 + 2_500]]
    )
  })

  it('within(): a budget of its own, deaf to the stop signal', async () => {
    const stop = new AbortController()
    stop.abort()
    const base = session().with({ signal: stop.signal })
    const narrowed = base.within(5_000)
    assert.equal(narrowed.signal, undefined)
    assert.equal(narrowed.deadline, clock.now() + 5_000)
    const projectId = project()
    const triggered = await session().trigger(projectId, {})
    await narrowed.cancelRun(projectId, triggered.runId)
    assert.equal(fake.runs(projectId)[0]?.status, 'KILLED')
  })

  it('getRunOnce(): one attempt, its error as it was, counted by the pacer without a wait', async () => {
    const projectId = project()
    const { runId } = await session().trigger(projectId, {})
    const path = `/api/v1/projects/${projectId}/runs/${runId}`
    fake.injectFault({ method: 'GET', path, action: { kind: 'respond', status: 502 } })
    const paced: string[] = []
    const pacer: RequestPacer = {
      turn: () => {
        paced.push('turn')
        return Promise.resolve()
      },
      spend: () => paced.push('spend')
    }
    const once = session(600_000, [], pacer)
    const before = clock.sleeps.length
    await assert.rejects(once.getRunOnce(projectId, runId), (error) => {
      assert.ok(error instanceof HexApiError, String(error))
      assert.equal(error.status, 502)
      return true
    })
    assert.equal((await once.getRunOnce(projectId, runId)).status, 'RUNNING')
    assert.deepEqual(clock.sleeps.slice(before), [], 'no retry, no wait')
    assert.deepEqual(paced, ['spend', 'spend'])
    assert.equal(fake.requests.filter((r) => r.path === path).length, 2)
  })

  it('getRunOnce(): a read that hangs is given up at the deadline, in virtual time', async () => {
    const projectId = project()
    const { runId } = await session().trigger(projectId, {})
    const path = `/api/v1/projects/${projectId}/runs/${runId}`
    fake.injectFault({ method: 'GET', path, action: { kind: 'hang' } })
    const started = clock.now()
    await assert.rejects(session(2_000).getRunOnce(projectId, runId), (error) => {
      assert.ok(error instanceof HexNetworkError, String(error))
      assert.equal(error.code, 'TIMEOUT')
      assert.match(error.message, /no answer within 2\.0s/)
      return true
    })
    assert.equal(clock.now() - started, 2_000)
  })
})

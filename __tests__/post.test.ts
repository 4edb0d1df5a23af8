/**
 * The post step (src/action/post.ts) in process: it finishes what a main step could not, from the
 * ledger the main step left in its state, and it never fails the job.
 */
import assert from 'node:assert/strict'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import { post } from '../src/action/post.ts'
import { HexClient } from '../src/hex/client.ts'
import { HexSession } from '../src/hex/session.ts'
import { cancelRun } from '../src/runs/cancel.ts'
import type { FakeHex } from '../test/fake-hex/server.ts'
import type { ActionResult } from '../test/runner/run-action.ts'
import { clockOf, runAgainst, startHex } from './helpers/action.ts'
import {
  addProject,
  assertNoStackTrace,
  requestsFor,
  RUN_TOKEN,
  warningAnnotations
} from './helpers/e2e.ts'
import { RecordingIO } from '../test/runner/in-process.ts'

const FOREVER = [{ status: 'RUNNING' }]
let fake: FakeHex
beforeAll(async () => {
  fake = await startHex()
})
afterAll(async () => {
  await fake.close()
})

/** A run going in Hex, as a main step would have left it in its ledger. */
async function leftGoing(
  fate: 'open' | 'cancel-wanted',
  lifecycle: { status: string; ms?: number }[] = FOREVER
): Promise<{ projectId: string; runId: string; state: Record<string, string> }> {
  const projectId = addProject(fake, { lifecycle })
  const started = await runAgainst(fake, projectId, { wait: 'false' })
  const runId = started.outputs['run-id'] ?? ''
  const state = { isPost: 'true', runs: JSON.stringify([{ projectId, runId, fate }]) }
  return { projectId, runId, state }
}

const deletes = (projectId: string) =>
  requestsFor(fake, projectId).filter((r) => r.method === 'DELETE')

describe('the post step', () => {
  it('reads a ledger it cannot parse as no runs: sends nothing', async () => {
    const projectId = addProject(fake)
    const post = await runAgainst(fake, projectId, {}, { state: { runs: '{not json' } })
    assert.equal(post.exitCode, 0)
    assert.deepEqual(requestsFor(fake, projectId), [])
    assert.match(post.stdout, /nothing to clean up/)
  })

  it('inputs that no longer read: a warning naming the runs, nothing sent', async () => {
    const { projectId, runId, state } = await leftGoing('open')
    const sent = requestsFor(fake, projectId).length
    const post = await runAgainst(fake, projectId, { timeout: 'soon' }, { state })
    assert.equal(post.exitCode, 0)
    assert.equal(requestsFor(fake, projectId).length, sent)
    assert.match(
      warningAnnotations(post)[0] ?? '',
      new RegExp(`Hex runs ${runId} may still be going`)
    )
  })

  it('cancel-on-workflow-cancel: false leaves an open run going, but finishes a cancel the main step wanted', async () => {
    const open = await leftGoing('open')
    const kept = await runAgainst(
      fake,
      open.projectId,
      { 'cancel-on-workflow-cancel': 'false' },
      { state: open.state }
    )
    assert.equal(kept.exitCode, 0)
    assert.match(kept.stdout, /cancel-on-workflow-cancel is false, so it is left going/)
    assert.deepEqual(deletes(open.projectId), [])

    const wanted = await leftGoing('cancel-wanted')
    const done = await runAgainst(
      fake,
      wanted.projectId,
      { 'cancel-on-workflow-cancel': 'false' },
      { state: wanted.state }
    )
    assert.match(done.stdout, /which the main step could not cancel/)
    assert.equal(fake.runs(wanted.projectId)[0]?.status, 'KILLED')
  })

  it('a status read it cannot make does not keep it from cancelling', async () => {
    const { projectId, runId, state } = await leftGoing('open')
    fake.injectFault({
      method: 'GET',
      path: `/api/v1/projects/${projectId}/runs/${runId}`,
      action: { kind: 'respond', status: 403, body: { reason: 'Forbidden' } }
    })
    const post = await runAgainst(fake, projectId, {}, { state })
    assert.equal(post.exitCode, 0)
    assert.match(post.stdout, /::debug::Could not read the run's status: Hex refused/)
    assert.equal(fake.runs(projectId)[0]?.status, 'KILLED')
  })

  it('a cancel Hex refuses: a warning that the run may still be going, and the job does not fail', async () => {
    const { projectId, runId, state } = await leftGoing('open')
    fake.injectFault({
      method: 'DELETE',
      path: `/api/v1/projects/${projectId}/runs/${runId}`,
      action: { kind: 'respond', status: 403, body: { reason: 'Forbidden' } }
    })
    const post = await runAgainst(fake, projectId, {}, { state })
    assert.equal(post.exitCode, 0)
    assert.match(
      warningAnnotations(post)[0] ?? '',
      new RegExp(`Hex run ${runId} may still be going: cancelling it failed: Hex refused`)
    )
    assert.equal(post.summary, '')
  })

  it('a run that ended between its status read and the cancel: Hex says 422, and so it is told', async () => {
    const { projectId, runId, state } = await leftGoing('open', [
      { status: 'RUNNING', ms: 1_000 },
      { status: 'COMPLETED' }
    ])
    // The read sees it going; by the DELETE it has ended.
    fake.injectFault({
      method: 'GET',
      path: `/api/v1/projects/${projectId}/runs/${runId}`,
      action: { kind: 'respond', status: 200, body: { projectId, runId, status: 'RUNNING' } }
    })
    clockOf(fake).advance(1_000)
    const post = await runAgainst(fake, projectId, {}, { state })
    assert.equal(post.exitCode, 0)
    assert.equal(deletes(projectId)[0]?.status, 422)
    assert.match(
      post.stdout,
      new RegExp(`Hex run ${runId} had already ended COMPLETED: nothing to cancel\\.`)
    )
    assert.match(post.summary, /had already ended COMPLETED/)
  })

  it('a summary it cannot write does not matter: the cancel did', async () => {
    const { projectId, state } = await leftGoing('open')
    const post = await runAgainst(fake, projectId, {}, { state, summaryFails: true })
    assert.equal(post.exitCode, 0)
    assert.equal(fake.runs(projectId)[0]?.status, 'KILLED')
  })
})

describe('cancelRun', () => {
  const session = () =>
    new HexSession({
      client: new HexClient({
        apiBase: fake.apiBase,
        token: RUN_TOKEN,
        fetch: clockOf(fake).track(globalThis.fetch),
        clock: clockOf(fake)
      }),
      clock: clockOf(fake),
      deadline: clockOf(fake).now() + 60_000
    })

  it('a 422 for a run that is still going is a failed cancel, not an ended run', async () => {
    const { projectId, runId } = await leftGoing('open')
    fake.injectFault({
      method: 'DELETE',
      path: `/api/v1/projects/${projectId}/runs/${runId}`,
      action: { kind: 'respond', status: 422, body: { reason: 'Cannot cancel' } }
    })
    const result = await cancelRun(session(), projectId, runId, 5_000)
    assert.equal(result.kind, 'failed')
    assert.match(result.kind === 'failed' ? result.error : '', /422 Unprocessable/)
  })

  it('retries a 503 within its budget, then cancels', async () => {
    const { projectId, runId } = await leftGoing('open')
    fake.injectFault({
      method: 'DELETE',
      path: `/api/v1/projects/${projectId}/runs/${runId}`,
      times: 2,
      action: { kind: 'respond', status: 503 }
    })
    assert.deepEqual(await cancelRun(session(), projectId, runId, 5_000), { kind: 'cancelled' })
    assert.equal(deletes(projectId).length, 3)
  })
})

describe('a bug in the post step', () => {
  it('is a warning with its reason, never a failed job or a stack trace', async () => {
    const { projectId, runId, state } = await leftGoing('open')
    const io = new RecordingIO({
      inputs: { 'project-id': projectId, 'api-token': RUN_TOKEN, 'api-url': fake.apiBase },
      state
    })
    await post({
      io,
      runtime: {
        env: {},
        fetch: globalThis.fetch,
        now: (): number => {
          throw new TypeError('the clock broke')
        },
        sleep: clockOf(fake).sleep,
        random: clockOf(fake).random,
        timeout: clockOf(fake).timeout
      }
    })
    assert.equal(io.exitCode, 0)
    const result = { stdout: io.stdout, log: io.stdout } as ActionResult
    assert.match(
      warningAnnotations(result)[0] ?? '',
      /^The post step could not finish: the clock broke\. Runs of this step may still be going/
    )
    assertNoStackTrace(result)
    assert.equal(fake.runs(projectId).find((r) => r.id === runId)?.status, 'RUNNING')
  })
})

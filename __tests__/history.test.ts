/**
 * The project's run history in whole steps of the action (source in process, virtual clock shared
 * with the stand-in): what the log, the outputs and the summary say when it is known, and every
 * way its read can fail, each of which leaves the polling exactly as without it, with one debug
 * line saying why.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import type { FakeHex, FaultAction, LifecycleStep, PastRun } from '../test/fake-hex/server.ts'
import type { ActionResult } from '../test/runner/run-action.ts'
import { runAgainst, startHex } from './helpers/action.ts'
import {
  addProject,
  errorAnnotations,
  isTitleRead,
  requestsFor,
  runRequestsFor,
  warningAnnotations
} from './helpers/e2e.ts'

/** Twenty runs of 18.1 to 21.9 s: usually 20 s. */
const HISTORY: PastRun[] = Array.from({ length: 20 }, (_, i) => ({ ms: 18_100 + i * 200 }))
const TWENTY_SECONDS: LifecycleStep[] = [{ status: 'RUNNING', ms: 20_000 }, { status: 'COMPLETED' }]

let fake: FakeHex
beforeAll(async () => {
  fake = await startHex()
})
afterAll(async () => {
  await fake.close()
})

const listPath = (projectId: string) => `/api/v1/projects/${projectId}/runs`
const historyReads = (projectId: string) =>
  requestsFor(fake, projectId).filter((r) => r.method === 'GET' && r.path === listPath(projectId))

/** When each status read of the project's (only new) run went, counted from its trigger. */
function statusReadTimes(projectId: string): number[] {
  const run = fake.runs(projectId).find((r) => !r.past)
  assert.ok(run, `a run of ${projectId}`)
  return requestsFor(fake, projectId)
    .filter((r) => r.path === `${listPath(projectId)}/${run.id}`)
    .map((r) => r.at - run.createdAt)
}

function debugLines(result: ActionResult): string[] {
  return [...result.stdout.matchAll(/^::debug::(.*)$/gm)].map((m) => m[1] ?? '')
}

describe('a project with a history', () => {
  it('tells how long runs usually take and when this one should end, and reports it', async () => {
    const projectId = addProject(fake, { lifecycle: TWENTY_SECONDS, history: HISTORY })
    const result = await runAgainst(fake, projectId)
    assert.equal(result.exitCode, 0, result.log)

    // One read of the history, right after the first status read said the run goes on (the
    // title's read goes alongside, once).
    assert.equal(requestsFor(fake, projectId).filter(isTitleRead).length, 1)
    const [trigger, first, ...rest] = runRequestsFor(fake, projectId)
    assert.equal(trigger?.method, 'POST')
    assert.match(first?.path ?? '', /\/runs\/[0-9a-f-]+$/)
    assert.equal(historyReads(projectId).length, 1)
    assert.equal(rest[0]?.path, listPath(projectId))
    assert.deepEqual(rest[0]?.query, {
      limit: '20',
      runTriggerFilter: 'API',
      statusFilter: 'COMPLETED'
    })

    // Expected 20 s after the trigger, which went as the run was created (virtual clock).
    const createdAt = fake.runs(projectId).find((r) => !r.past)?.createdAt ?? NaN
    const at = `${new Date(createdAt + 20_000).toISOString().slice(11, 19)} UTC`
    assert.ok(
      result.stdout.includes(
        `\nThe project's last 20 completed API-triggered runs usually took 20.0s (most between 18.1s and 21.9s): this one is expected to end about ${at}.\n`
      ),
      result.stdout
    )
    // The first read comes before the history (which it may make unneeded): the line after it
    // gives the expected end.
    const log = result.stdout.replace(/^::debug::.*\n/gm, '')
    assert.match(
      log,
      /^Run is RUNNING \(0ms since the trigger\)\n(?:Project \S+ is '.*' in Hex\.\n)?The project's last 20 /m
    )
    assert.match(result.stdout, /^Run is COMPLETED \([\d.]+s since the trigger\)$/m)
    assert.match(
      result.stdout,
      /^Hex run \S+ of 'Project \w+' COMPLETED in 20\.0s: ran 20\.0s \(usually 20\.0s\)\.$/m
    )

    assert.equal(result.outputs['usual-seconds'], '20')
    const [entry] = JSON.parse(result.outputs.runs ?? '[]') as Array<{ usualSeconds: unknown }>
    assert.equal(entry?.usualSeconds, 20)
    assert.match(result.summary, /^\| Duration \| 20\.0s \(usually 20\.0s\) \|$/m)
    assert.doesNotMatch(result.summary, /twice/)

    // Seen within one dense gap (1.5 s at most) of its end, on the virtual clock.
    const reads = statusReadTimes(projectId)
    const seen = reads.find((t) => t >= 20_000) ?? Infinity
    assert.ok(seen - 20_000 <= 1_500, `seen ${seen - 20_000} ms after the end`)
  })

  it('prints the usual duration on the heartbeat of a long run', async () => {
    const projectId = addProject(fake, {
      lifecycle: [{ status: 'RUNNING', ms: 150_000 }, { status: 'COMPLETED' }],
      history: [{ ms: 140_000 }, { ms: 150_000 }, { ms: 160_000 }]
    })
    const result = await runAgainst(fake, projectId)
    assert.equal(result.exitCode, 0, result.log)
    assert.match(
      result.stdout,
      /^Still RUNNING after 1m \d+s \(usually 2m 30s; expected about 12:\d\d:\d\d UTC\)$/m
    )
  })

  it('calls out a run that took more than twice as long as usual', async () => {
    const projectId = addProject(fake, {
      lifecycle: [{ status: 'RUNNING', ms: 45_000 }, { status: 'COMPLETED' }],
      history: HISTORY
    })
    const result = await runAgainst(fake, projectId)
    assert.equal(result.exitCode, 0, result.log)
    assert.match(result.summary, /^\| Duration \| ⚠️ \*\*45\.0s\*\* \(usually 20\.0s\) \|$/m)
    assert.match(
      result.summary,
      /^- 45\.0s is more than twice the usual 20\.0s, the median of the project's recent completed API-triggered runs\.$/m
    )
  })

  it('reports the usual duration of each run of several, and none for the group', async () => {
    const ids = [
      addProject(fake, { lifecycle: TWENTY_SECONDS, history: HISTORY }),
      addProject(fake, { lifecycle: TWENTY_SECONDS })
    ]
    const result = await runAgainst(fake, ids.join('\n'))
    assert.equal(result.exitCode, 0, result.log)
    assert.equal(result.outputs['usual-seconds'], '')
    const runs = JSON.parse(result.outputs.runs ?? '[]') as Array<{ usualSeconds: unknown }>
    assert.deepEqual(
      runs.map((r) => r.usualSeconds),
      [20, null]
    )
    assert.match(result.summary, /\| 20\.0s \(usually 20\.0s\)<br>ran 20\.0s \|$/m)
  })
})

describe('no history to poll from', () => {
  /** The same run with history: false, for the status reads as they are without a history. */
  let blind: number[] | undefined
  async function blindReadTimes(): Promise<number[]> {
    if (blind !== undefined) return blind
    const projectId = addProject(fake, { lifecycle: TWENTY_SECONDS, history: HISTORY })
    const result = await runAgainst(fake, projectId, { history: 'false' })
    assert.equal(result.exitCode, 0, result.log)
    assert.equal(historyReads(projectId).length, 0, 'history: false reads no history')
    assert.doesNotMatch(result.stdout, /run history|usually/)
    blind = statusReadTimes(projectId)
    return blind
  }

  /** An answer listing five runs with these fields. */
  const fiveRuns = (fields: Record<string, unknown>): FaultAction => ({
    kind: 'respond',
    status: 200,
    body: { runs: Array.from({ length: 5 }, () => ({ runId: randomUUID(), ...fields })) }
  })
  const otherRun = {
    projectId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    runId: '9e0f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b',
    status: 'COMPLETED',
    elapsedTime: 20_000
  }
  const ways: Array<{ name: string; why: RegExp; history?: PastRun[]; fault?: FaultAction }> = [
    {
      name: 'Hex refuses the token (403)',
      why: /403 Forbidden\): the token may lack a scope this needs \("Run projects" or "Read projects"\)/,
      fault: { kind: 'respond', status: 403, body: { code: 'FORBIDDEN', message: 'no' } }
    },
    {
      name: 'Hex finds no list (404)',
      why: /no list of the project's runs \(404 Not Found\)/,
      fault: { kind: 'respond', status: 404, body: { code: 'NOT_FOUND', message: 'no' } }
    },
    {
      name: 'Hex fails (500), once: the read is not sent again',
      why: /Hex answered 500/,
      fault: { kind: 'respond', status: 500, body: { code: 'INTERNAL_SERVER_ERROR' } }
    },
    {
      name: 'the connection is reset',
      why: /no answer from/,
      fault: { kind: 'reset' }
    },
    {
      name: 'the answer is cut short',
      why: /could not be read: expected JSON/,
      fault: { kind: 'malformed' }
    },
    {
      name: 'the answer is an HTML page',
      why: /could not be read: expected JSON, got an HTML page/,
      fault: { kind: 'html' }
    },
    {
      name: 'the answer has no runs',
      why: /the field runs is missing/,
      fault: { kind: 'respond', status: 200, body: { traceId: 't' } }
    },
    {
      name: 'the answer is about another project',
      why: /Hex answered about project/,
      fault: { kind: 'respond', status: 200, body: { runs: [otherRun] } }
    },
    {
      name: 'the project has too few completed runs',
      why: /the project has 2 completed API-triggered runs with a duration, and 3 are needed/,
      history: [{ ms: 20_000 }, { ms: 21_000 }, { ms: 5_000, status: 'ERRORED' }]
    },
    {
      name: 'the runs have no duration',
      why: /the project has 0 completed API-triggered runs with a duration/,
      fault: fiveRuns({ status: 'COMPLETED', startTime: null, endTime: null, elapsedTime: null })
    },
    {
      name: 'Hex ignores the status filter and lists runs that did not complete',
      why: /the project has 0 completed API-triggered runs/,
      fault: fiveRuns({ status: 'ERRORED', elapsedTime: 20_000 })
    }
  ]

  for (const way of ways) {
    it(`polls as without it when ${way.name}, with one debug line why`, async () => {
      const blind = await blindReadTimes()
      const projectId = addProject(fake, {
        lifecycle: TWENTY_SECONDS,
        history: way.history ?? HISTORY
      })
      if (way.fault)
        fake.injectFault({ method: 'GET', path: listPath(projectId), action: way.fault })
      const result = await runAgainst(fake, projectId)
      assert.equal(result.exitCode, 0, result.log)
      assert.equal(result.outputs.status, 'COMPLETED')
      assert.deepEqual(errorAnnotations(result), [])
      assert.deepEqual(warningAnnotations(result), [])
      assert.equal(historyReads(projectId).length, 1, 'one read, never sent again')
      const why = debugLines(result).filter((line) => line.startsWith('Polling without'))
      assert.equal(why.length, 1, result.stdout)
      assert.match(why[0] ?? '', way.why)
      assert.doesNotMatch(result.stdout, /usually/)
      assert.equal(result.outputs['usual-seconds'], '')
      assert.deepEqual(statusReadTimes(projectId), blind)
    })
  }

  it('polls on when Hex answers the history read 429, and the whole step waits as Hex asked', async () => {
    const projectId = addProject(fake, { lifecycle: TWENTY_SECONDS, history: HISTORY })
    fake.injectFault({
      method: 'GET',
      path: listPath(projectId),
      action: { kind: 'respond', status: 429, headers: { 'retry-after': '3' } }
    })
    const result = await runAgainst(fake, projectId)
    assert.equal(result.exitCode, 0, result.log)
    assert.match(result.stdout, /^::debug::Polling without the project's run history: .*429/m)
    const reads = statusReadTimes(projectId)
    // The first status read went with the history read; the next waited out the 3 s.
    assert.equal(reads[0], 0)
    assert.ok((reads[1] ?? 0) >= 3_000, reads.join(', '))
  })

  it('reads no history for a run it follows, with wait false, or for a dry run', async () => {
    const projectId = addProject(fake, {
      lifecycle: [{ status: 'RUNNING', ms: 3_000 }, { status: 'COMPLETED' }],
      history: HISTORY
    })
    const started = await runAgainst(fake, projectId, { wait: 'false' })
    assert.equal(started.exitCode, 0, started.log)
    const followed = await runAgainst(fake, projectId, {
      'run-id': started.outputs['run-id'] ?? ''
    })
    assert.equal(followed.exitCode, 0, followed.log)
    const dry = await runAgainst(fake, projectId, { 'dry-run': 'true' })
    assert.equal(dry.exitCode, 0, dry.log)
    assert.equal(historyReads(projectId).length, 0)
  })

  it('gives up on a history read that hangs after request-timeout, and polls on', async () => {
    const projectId = addProject(fake, {
      lifecycle: [{ status: 'RUNNING', ms: 3_000 }, { status: 'COMPLETED' }],
      history: HISTORY
    })
    fake.injectFault({ method: 'GET', path: listPath(projectId), action: { kind: 'hang' } })
    // The stand-in holds the read on the shared clock: its time limit ends in virtual time.
    const result = await runAgainst(fake, projectId, { 'request-timeout': '1s' })
    assert.equal(result.exitCode, 0, result.log)
    assert.equal(result.outputs.status, 'COMPLETED')
    assert.match(
      result.stdout,
      /^::debug::Polling without the project's run history: .*no answer within 1\.0s/m
    )
    assert.equal(historyReads(projectId)[0]?.status, 'dropped')
    // Given up a second after it was sent, the run still going: the status reads went on.
    const given = (historyReads(projectId)[0]?.at ?? NaN) + 1_000
    const readsAfter = requestsFor(fake, projectId).filter(
      (r) => r.at > given && r.path !== listPath(projectId)
    )
    assert.ok(readsAfter.length > 0, 'status reads after the history read was given up')
  })
})

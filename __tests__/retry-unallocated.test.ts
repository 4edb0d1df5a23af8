/**
 * retry-unallocated, in process against the stand-in on the virtual clock: a run that ends
 * UNABLE_TO_ALLOCATE_KERNEL is started again after a growing, jittered wait, within the timeout,
 * and nothing else ever is; every attempt is in the log, the summary and `runs`, the outputs are
 * the last attempt's, and a stop during a wait leaves nothing going.
 */
import assert from 'node:assert/strict'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import { Defaults, type InputName } from '../src/step/inputs.ts'
import { readSettings } from '../src/step/settings.ts'
import { MIN_ATTEMPT_MS, retryDelay } from '../src/runs/attempts.ts'
import type { FakeHex } from '../test/fake-hex/server.ts'
import { clockOf, runAgainst, startHex } from './helpers/action.ts'
import { addProject, errorAnnotations, requestsFor, warningAnnotations } from './helpers/e2e.ts'

const UNALLOCATED = 'UNABLE_TO_ALLOCATE_KERNEL'
const FOREVER = [{ status: 'RUNNING' }]
const QUICK = [{ status: 'RUNNING', ms: 4_000 }, { status: 'COMPLETED' }]

let fake: FakeHex
beforeAll(async () => {
  fake = await startHex()
})
afterAll(async () => {
  await fake.close()
})

const triggers = (projectId: string) =>
  requestsFor(fake, projectId).filter((r) => r.method === 'POST')

interface RunsEntry {
  runId: string
  status: string
  attempts?: { attempt: number; runId: string; runUrl: string; status: string }[]
}
/** The summary's text with Markdown's escaped underscores plain again. */
const plain = (summary: string) => summary.replaceAll('\\_', '_')
const runsOutput = (outputs: Record<string, string>) =>
  JSON.parse(outputs.runs ?? '[]') as RunsEntry[]

function settingsOf(inputs: Partial<Record<InputName, string>>) {
  const all: Record<string, string> = {
    ...Defaults,
    'project-id': '5a8591dd-4039-49df-9202-96385ba3eff8',
    'api-token': 'hxtw_x',
    ...inputs
  }
  return readSettings((name) => all[name] ?? '', {})
}

describe('retry-unallocated: the input', () => {
  it('is a whole number from 0 to 5; anything else is an error naming it and the range', () => {
    const read = settingsOf({})
    assert.ok(read.ok)
    assert.equal(read.settings.retryUnallocated, 0)
    const three = settingsOf({ 'retry-unallocated': '3' })
    assert.ok(three.ok && three.settings.retryUnallocated === 3)
    for (const bad of ['-1', '1.5', '6', 'twice', '1e1']) {
      const result = settingsOf({ 'retry-unallocated': bad })
      assert.ok(!result.ok, bad)
      assert.deepEqual(result.errors, [
        `Input 'retry-unallocated' must be a whole number from 0 to 5, got '${bad}'.`
      ])
    }
  })

  it('cannot go with run-id, and is a warning with wait false or dry-run', () => {
    const withRunId = settingsOf({
      'run-id': '0b7c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d',
      'retry-unallocated': '2'
    })
    assert.ok(!withRunId.ok)
    assert.deepEqual(withRunId.errors, [
      "Input 'run-id' waits for a run that has already started, so 'retry-unallocated' cannot apply: remove it."
    ])
    for (const [input, words] of [
      ['wait', 'wait is false'],
      ['dry-run', 'dry-run is true']
    ] as const) {
      const result = settingsOf({ 'retry-unallocated': '2', [input]: String(input === 'dry-run') })
      assert.ok(result.ok)
      assert.deepEqual(result.warnings, [
        `Input 'retry-unallocated' has no effect with ${words}: the step does not see the run end, so it cannot start it again.`
      ])
    }
  })

  it('a bad value sends nothing to Hex', async () => {
    const projectId = addProject(fake, { unallocated: { runs: 1 } })
    const result = await runAgainst(fake, projectId, { 'retry-unallocated': '9' })
    assert.equal(result.exitCode, 1)
    assert.deepEqual(requestsFor(fake, projectId), [])
    assert.match(
      errorAnnotations(result)[0] ?? '',
      /'retry-unallocated' must be a whole number from 0 to 5, got '9'/
    )
  })
})

describe('retry-unallocated: the waits', () => {
  it('start at 15-30 s and double, jittered, to at most 5 minutes', () => {
    const bounds = [2, 3, 4, 5, 6].map((attempt) => [
      retryDelay(attempt, () => 0),
      retryDelay(attempt, () => 0.999_999)
    ])
    assert.deepEqual(bounds, [
      [15_000, 30_000],
      [30_000, 60_000],
      [60_000, 120_000],
      [120_000, 240_000],
      [150_000, 300_000]
    ])
  })
})

describe('retry-unallocated: the runs', () => {
  it("draws each wait's jitter from the step's own random source", async () => {
    const waits = []
    for (const random of [() => 0, () => 0.5]) {
      const projectId = addProject(fake, { unallocated: { runs: 1 } })
      const result = await runAgainst(fake, projectId, { 'retry-unallocated': '1' }, { random })
      waits.push(/Starting attempt 2 of 2 in (\S+) /.exec(result.log)?.[1])
    }
    // Two jobs of a matrix that met the same full workspace trigger again 7.5 s apart.
    assert.deepEqual(waits, ['15.0s', '22.5s'])
  })

  it('starts the run again after each UNABLE_TO_ALLOCATE_KERNEL until it completes; the outputs are the last run', async () => {
    const projectId = addProject(fake, { unallocated: { runs: 2 }, lifecycle: QUICK })
    const result = await runAgainst(fake, projectId, { 'retry-unallocated': '3' })
    assert.equal(result.exitCode, 0)
    const runs = fake.runs(projectId)
    assert.deepEqual(
      runs.map((r) => r.status),
      [UNALLOCATED, UNALLOCATED, 'COMPLETED']
    )
    // The waits, on the virtual clock: 20 s, then 40 s, times the clock's jitter factor (1.125).
    const [first, second, third] = triggers(projectId).map((r) => r.at)
    assert.ok((second ?? 0) - (first ?? 0) >= 22_500, 'first wait')
    assert.ok((third ?? 0) - (second ?? 0) >= 45_000, 'second wait')
    assert.match(
      result.log,
      /ended UNABLE_TO_ALLOCATE_KERNEL: Hex found no kernel for it, so it did no work\. Starting attempt 2 of 4 in 22\.5s \('retry-unallocated'\)\./
    )
    assert.match(result.log, /Starting attempt 3 of 4 in 45\.0s/)
    const last = runs[2]?.id ?? ''
    assert.match(result.log, new RegExp(`Started Hex run ${last} \\(attempt 3`))
    assert.equal(result.outputs['run-id'], last)
    assert.equal(result.outputs.status, 'COMPLETED')
    assert.match(result.outputs['run-url'] ?? '', new RegExp(last))
    assert.equal(result.outputs['elapsed-seconds'], '4')
    const [entry] = runsOutput(result.outputs)
    assert.equal(entry?.runId, last)
    assert.deepEqual(
      entry?.attempts?.map((a) => [a.attempt, a.runId, a.status]),
      runs.map((r, i) => [i + 1, r.id, r.status])
    )
    assert.match(
      plain(result.summary),
      /\| Attempts \| 3: \[1\]\(.*\), \[2\]\(.*\) ended UNABLE_TO_ALLOCATE_KERNEL \|/
    )
    assert.match(
      plain(result.summary),
      new RegExp(`Attempt 1 of 4: Hex run ${runs[0]?.id} ended UNABLE`)
    )
    assert.match(plain(result.summary), /Attempt 3 of 4 is the run reported here/)
  })

  it('fails with every attempt listed when every one is UNABLE_TO_ALLOCATE_KERNEL', async () => {
    const projectId = addProject(fake, { unallocated: { runs: 10 } })
    const result = await runAgainst(fake, projectId, { 'retry-unallocated': '2' })
    assert.equal(result.exitCode, 1)
    assert.equal(triggers(projectId).length, 3)
    assert.equal(result.outputs.status, UNALLOCATED)
    const ids = fake.runs(projectId).map((r) => r.id)
    assert.equal(result.outputs['run-id'], ids[2])
    assert.deepEqual(
      runsOutput(result.outputs)[0]?.attempts?.map((a) => a.status),
      [UNALLOCATED, UNALLOCATED, UNALLOCATED]
    )
    for (const [i, id] of ids.slice(0, 2).entries())
      assert.match(plain(result.summary), new RegExp(`Attempt ${i + 1} of 3: Hex run ${id} ended`))
    assert.match(
      plain(result.summary),
      /All 3 attempts ended UNABLE_TO_ALLOCATE_KERNEL \('retry-unallocated' is 2\)/
    )
    assert.match(errorAnnotations(result)[0] ?? '', new RegExp(`Hex run ${ids[2]} ended UNABLE`))
  })

  it('never starts again a run that ended otherwise, timed out or could not be triggered', async () => {
    const cases: [Partial<Parameters<typeof addProject>[1]>, Record<string, string>, string][] = [
      [{ lifecycle: [{ status: 'RUNNING', ms: 1_000 }, { status: 'ERRORED' }] }, {}, 'ERRORED'],
      [{ lifecycle: [{ status: 'RUNNING', ms: 1_000 }, { status: 'KILLED' }] }, {}, 'KILLED'],
      [{ lifecycle: FOREVER }, { timeout: '2m' }, 'TIMEOUT'],
      [{ published: false }, {}, 'ERROR']
    ]
    for (const [project, inputs, status] of cases) {
      const projectId = addProject(fake, project)
      const result = await runAgainst(fake, projectId, { 'retry-unallocated': '5', ...inputs })
      assert.equal(result.outputs.status, status)
      assert.equal(triggers(projectId).length, 1, status)
      assert.doesNotMatch(result.log, /Starting attempt/)
      assert.equal(runsOutput(result.outputs)[0]?.attempts, undefined)
    }
  })

  it('with the default 0, starts one run only', async () => {
    const projectId = addProject(fake, { unallocated: { runs: 1 } })
    const result = await runAgainst(fake, projectId)
    assert.equal(result.exitCode, 1)
    assert.equal(result.outputs.status, UNALLOCATED)
    assert.equal(triggers(projectId).length, 1)
    assert.doesNotMatch(result.log + plain(result.summary), /[Aa]ttempt/)
  })

  it('starts no run that could not end before the timeout: the step ends at once', async () => {
    // The first run gives up after 50 s; 40 s are left, less than the wait and a run need.
    const projectId = addProject(fake, { unallocated: { runs: 5, pendingMs: 50_000 } })
    const clock = clockOf(fake)
    const from = clock.now()
    const result = await runAgainst(fake, projectId, { 'retry-unallocated': '3', timeout: '90s' })
    assert.ok(clock.now() - from < 60_000, 'no wait into the timeout')
    assert.equal(triggers(projectId).length, 1)
    assert.equal(result.outputs.status, UNALLOCATED)
    const why =
      /Attempt 2 was not started: its 22\.5s wait and a new run would not end within the [\d.]+s left before the timeout\./
    assert.match(result.log, why)
    assert.match(plain(result.summary), why)
    // The wait alone would fit: it is the least time a new run is given that does not.
    const leftMs = Number(/within the ([\d.]+)s left/.exec(result.log)?.[1]) * 1000
    assert.ok(leftMs > 22_500 && leftMs < 22_500 + MIN_ATTEMPT_MS, String(leftMs))
  })

  it('a workflow cancel during a wait: nothing going, nothing more triggered, the ledger settled', async () => {
    const projectId = addProject(fake, { unallocated: { runs: 1 } })
    const result = await runAgainst(
      fake,
      projectId,
      { 'retry-unallocated': '2' },
      { stopWhen: /Starting attempt 2 of 3/ }
    )
    assert.equal(triggers(projectId).length, 1)
    assert.ok(fake.runs(projectId).every((r) => r.terminalAt !== undefined))
    assert.match(
      result.log,
      /The workflow was cancelled during the 22\.5s wait before attempt 2: no further run was started\./
    )
    assert.equal(result.outputs.status, UNALLOCATED)
    // The post step finds nothing to do.
    const post = await runAgainst(fake, projectId, {}, { state: result.stateValues })
    assert.match(post.log, /nothing to clean up/)
    assert.equal(requestsFor(fake, projectId).filter((r) => r.method === 'DELETE').length, 0)
  })

  it('a later trigger Hex refuses: ERROR, the earlier attempt listed and settled, no third trigger', async () => {
    const projectId = addProject(fake, { unallocated: { runs: 3 } })
    fake.injectFault({
      method: 'POST',
      path: `/api/v1/projects/${projectId}/runs`,
      skip: 1,
      action: { kind: 'respond', status: 422, body: { reason: 'Project is not published' } }
    })
    const result = await runAgainst(fake, projectId, { 'retry-unallocated': '3' })
    assert.equal(result.exitCode, 1)
    assert.equal(result.outputs.status, 'ERROR')
    assert.equal(triggers(projectId).length, 2)
    const [first] = fake.runs(projectId)
    assert.match(plain(result.summary), new RegExp(`Attempt 1 of 4: Hex run ${first?.id} ended`))
    assert.deepEqual(JSON.parse(result.stateValues.runs ?? '[]'), [
      { projectId, runId: first?.id, fate: 'settled' }
    ])
  })

  it('the post step after a kill during a later attempt cancels that attempt', async () => {
    const projectId = addProject(fake, { unallocated: { runs: 1 }, lifecycle: FOREVER })
    const main = await runAgainst(
      fake,
      projectId,
      { 'retry-unallocated': '1', timeout: '3m', 'cancel-on-timeout': 'false' },
      { snapshotWhen: /Started Hex run .* \(attempt 2/ }
    )
    const [first, second] = fake.runs(projectId).map((r) => r.id)
    const state = main.stateAt as Record<string, string>
    assert.deepEqual(JSON.parse(state.runs ?? '[]'), [
      { projectId, runId: first, fate: 'settled' },
      { projectId, runId: second, fate: 'open' }
    ])
    const before = requestsFor(fake, projectId).length
    const post = await runAgainst(fake, projectId, {}, { state })
    const sent = requestsFor(fake, projectId).slice(before)
    assert.deepEqual(
      sent.filter((r) => r.method === 'DELETE').map((r) => r.path.split('/').at(-1)),
      [second]
    )
    assert.match(post.log, new RegExp(`Hex run ${second}`))
    assert.doesNotMatch(post.log, new RegExp(`Hex run ${first}`))
  })

  it("a later attempt whose trigger answer is lost is found again, never taken for an earlier attempt's run", async () => {
    const projectId = addProject(fake, { unallocated: { runs: 1 }, lifecycle: QUICK })
    fake.injectFault({
      method: 'POST',
      path: `/api/v1/projects/${projectId}/runs`,
      skip: 1,
      action: { kind: 'reset-after-processing' }
    })
    const result = await runAgainst(fake, projectId, { 'retry-unallocated': '1' })
    const [first, second] = fake.runs(projectId)
    assert.equal(result.exitCode, 0)
    assert.equal(triggers(projectId).length, 2)
    assert.equal(result.outputs['run-id'], second?.id)
    assert.match(
      result.log,
      new RegExp(`Run ${second?.id} \\(\\w+\\) is the only API-triggered run`)
    )
    assert.deepEqual(
      runsOutput(result.outputs)[0]?.attempts?.map((a) => a.runId),
      [first?.id, second?.id]
    )
  })

  it('several projects: each its own attempts; a fail-fast during a wait starts no new run', async () => {
    const failing = addProject(fake, {
      lifecycle: [{ status: 'RUNNING', ms: 10_000 }, { status: 'ERRORED' }]
    })
    const retried = addProject(fake, { unallocated: { runs: 3 } })
    const result = await runAgainst(fake, failing, {
      'project-id': `${failing}\n${retried}`,
      'retry-unallocated': '3',
      'fail-fast': 'true'
    })
    assert.equal(result.exitCode, 1)
    // The first wait (22.5 s) was still going when the other project failed after 10 s.
    assert.equal(triggers(retried).length, 1)
    assert.match(
      result.log,
      /Another run failed and fail-fast is on: stopped during the 22\.5s wait before attempt 2/
    )
    // Its end is the other's doing: one error, for the run that failed.
    assert.equal(errorAnnotations(result).length, 1)
    assert.match(errorAnnotations(result)[0] ?? '', /ERRORED/)
    assert.ok(warningAnnotations(result).some((w) => w.includes(UNALLOCATED)))

    const again = addProject(fake, { unallocated: { runs: 1 }, lifecycle: QUICK })
    const other = addProject(fake, { lifecycle: QUICK })
    const both = await runAgainst(fake, again, {
      'project-id': `${again}\n${other}`,
      'retry-unallocated': '1'
    })
    assert.equal(both.exitCode, 0)
    const entries = runsOutput(both.outputs)
    assert.equal(entries[0]?.attempts?.length, 2)
    assert.equal(entries[1]?.attempts, undefined)
    assert.deepEqual([triggers(again).length, triggers(other).length], [2, 1])
  })
})

/**
 * if-running (src/runs/in-progress.ts): what the step does when the project already has a run
 * PENDING or RUNNING, started by Hex's scheduler, the app or another client. The action's main
 * step runs in process on the stand-in's virtual clock; each test asserts what was sent to Hex
 * (above all: whether a run was started, and whether one was cancelled) and what the workflow gets.
 */
import assert from 'node:assert/strict'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import type { FakeHex, LifecycleStep, RecordedRequest } from '../test/fake-hex/server.ts'
import type { ActionResult } from '../test/runner/run-action.ts'
import { clockOf, runAgainst, startHex } from './helpers/action.ts'
import { main } from '../src/cli/command.ts'
import { elsewhereSchedule } from '../src/runs/pacing/schedule.ts'
import {
  addProject,
  errorAnnotations,
  RUN_TOKEN,
  requestsFor,
  warningAnnotations
} from './helpers/e2e.ts'

const QUICK: LifecycleStep[] = [
  { status: 'PENDING', ms: 100 },
  { status: 'RUNNING', ms: 400 },
  { status: 'COMPLETED' }
]
const MINUTE = 60_000

let fake: FakeHex

beforeAll(async () => {
  fake = await startHex()
})
afterAll(async () => {
  await fake.close()
})

function run(projectId: string, inputs: Record<string, string> = {}, stopWhen?: RegExp) {
  return runAgainst(fake, projectId, inputs, { stopWhen })
}

/** A project whose own runs are quick, and one run of it going elsewhere. */
function busyProject(elsewhere: Parameters<FakeHex['startElsewhere']>[1] = {}) {
  const projectId = addProject(fake, { lifecycle: QUICK })
  const other = fake.startElsewhere(projectId, {
    lifecycle: [{ status: 'RUNNING', ms: 10 * MINUTE }, { status: 'COMPLETED' }],
    ...elsewhere
  })
  return { projectId, other }
}

const triggers = (sent: RecordedRequest[]) => sent.filter((r) => r.method === 'POST')
const cancels = (sent: RecordedRequest[]) => sent.filter((r) => r.method === 'DELETE')
/** The in-progress reads (every trigger); the history read asks for API runs only. */
const lists = (sent: RecordedRequest[]) =>
  sent.filter((r) => r.method === 'GET' && r.query.runTriggerFilter === 'ALL')
const notices = (result: ActionResult) =>
  [...result.stdout.matchAll(/^::notice(?: [^:]*)?::(.*)$/gm)].map((m) => m[1] ?? '')

describe('if-running: skip', () => {
  it('starts nothing while a scheduled run is RUNNING, succeeds with a notice naming it', async () => {
    const { projectId, other } = busyProject()
    const result = await run(projectId, { 'if-running': 'skip' })
    const sent = requestsFor(fake, projectId)
    assert.equal(result.exitCode, 0, result.log)
    assert.deepEqual(triggers(sent), [])
    // PENDING first, then RUNNING, every trigger: two reads, nothing else.
    assert.deepEqual(
      sent.map((r) => [r.method, r.query.statusFilter, r.query.runTriggerFilter]),
      [
        ['GET', 'PENDING', 'ALL'],
        ['GET', 'RUNNING', 'ALL']
      ]
    )
    const runUrl = `${fake.origin}/acme/app/${projectId}/runs/${other.id}`
    assert.deepEqual(notices(result), [
      `Hex run ${other.id} (RUNNING, started by Hex's scheduler) ${runUrl} is in progress. Input 'if-running' is skip: no run was started.`
    ])
    assert.deepEqual(warningAnnotations(result), [])
    assert.match(
      result.log,
      new RegExp(
        `^Hex run ${other.id} .* is in progress\\. Input 'if-running' is skip: starting nothing\\.$`,
        'm'
      )
    )
    // Outputs as on every path: the status says it, and no run of this step is named.
    assert.equal(result.outputs.status, 'SKIPPED')
    assert.equal(result.outputs['run-id'], '')
    assert.deepEqual(JSON.parse(result.outputs.runs ?? ''), [
      {
        projectId,
        runId: null,
        runUrl: null,
        status: 'SKIPPED',
        elapsedSeconds: null,
        usualSeconds: null,
        queuedSeconds: null,
        runSeconds: null
      }
    ])
    assert.match(result.summary, /### ⏭️ Hex run skipped: one was in progress/)
    assert.match(result.summary, /\| Status \| ⏭️ SKIPPED \|/)
    assert.ok(result.summary.includes(other.id), result.summary)
  })

  it('sees a PENDING run of the app in one read, and never one that has ended', async () => {
    const pending = busyProject({ trigger: 'APP_REFRESH', lifecycle: [{ status: 'PENDING' }] })
    const result = await run(pending.projectId, { 'if-running': 'skip' })
    assert.equal(result.outputs.status, 'SKIPPED')
    assert.equal(lists(requestsFor(fake, pending.projectId)).length, 1)
    assert.match(notices(result)[0] ?? '', /\(PENDING, started from the app\)/)

    // Runs that ended (an API run of the history, a scheduled one just over) are not in progress.
    const idle = addProject(fake, { lifecycle: QUICK, history: [{ ms: 1000 }] })
    fake.startElsewhere(idle, { lifecycle: [{ status: 'COMPLETED' }] })
    const started = await run(idle, { 'if-running': 'skip' })
    assert.equal(started.outputs.status, 'COMPLETED', started.log)
    assert.equal(triggers(requestsFor(fake, idle)).length, 1)
    assert.match(
      started.log,
      /^Input 'if-running' is skip: no run of the project is PENDING or RUNNING; starting one\.$/m
    )
  })

  it('applies to each project of a step on its own', async () => {
    const busy = busyProject()
    const idle = addProject(fake, { lifecycle: QUICK })
    const result = await runAgainst(fake, '', {
      'project-id': `${busy.projectId}\n${idle}`,
      'if-running': 'skip'
    })
    assert.equal(result.exitCode, 0, result.log)
    assert.deepEqual(triggers(requestsFor(fake, busy.projectId)), [])
    assert.equal(triggers(requestsFor(fake, idle)).length, 1)
    const runs = JSON.parse(result.outputs.runs ?? '') as { status: string }[]
    assert.deepEqual(
      runs.map((r) => r.status),
      ['SKIPPED', 'COMPLETED']
    )
    // Not all completed: the step's status says so.
    assert.equal(result.outputs.status, 'SKIPPED')
    assert.match(result.log, new RegExp(`^\\[${busy.projectId}\\] Hex run ${busy.other.id}`, 'm'))
  })
})

describe('if-running: wait', () => {
  it('waits for the run in progress to end, reading it slowly, then starts one run', async () => {
    const { projectId, other } = busyProject()
    const clock = clockOf(fake)
    const from = clock.now()
    const result = await run(projectId, { 'if-running': 'wait' })
    const sent = requestsFor(fake, projectId)
    assert.equal(result.exitCode, 0, result.log)
    assert.equal(result.outputs.status, 'COMPLETED')
    const [post] = triggers(sent)
    assert.equal(triggers(sent).length, 1)
    // Started only once the other run had ended (10 minutes in), and within a minute of it.
    const ended = from + 10 * MINUTE
    assert.ok(post !== undefined && post.at >= ended && post.at < ended + MINUTE, result.log)
    // Ten minutes at poll-interval 5 s would be 120 reads; gaps a tenth of the run's age take a
    // third of that (ten in its first 50 s, then growing to a minute).
    const waitReads = sent.filter((r) => r.method === 'GET' && r.path.endsWith(other.id))
    assert.ok(waitReads.length >= 10 && waitReads.length <= 40, `${waitReads.length} reads`)
    // Looked again after it ended, before starting (PENDING then RUNNING: none).
    assert.equal(lists(sent).filter((r) => r.at >= ended).length, 2)
    assert.notEqual(result.outputs['run-id'], other.id)
    assert.deepEqual(cancels(sent), [])
    assert.match(result.log, /waiting for it to end \(within the timeout\) before starting one\./)
    assert.match(result.log, new RegExp(`^Hex run ${other.id} ended COMPLETED; looking again`, 'm'))
  })

  it('waits again for a run that was in progress behind the first', async () => {
    const projectId = addProject(fake, { lifecycle: QUICK })
    const clock = clockOf(fake)
    const from = clock.now()
    const older = fake.startElsewhere(projectId, {
      lifecycle: [{ status: 'RUNNING', ms: 3 * MINUTE }, { status: 'COMPLETED' }]
    })
    const newer = fake.startElsewhere(projectId, {
      trigger: 'API',
      lifecycle: [
        { status: 'PENDING', ms: MINUTE },
        { status: 'RUNNING', ms: MINUTE },
        { status: 'ERRORED' }
      ]
    })
    const result = await run(projectId, { 'if-running': 'wait' })
    const sent = requestsFor(fake, projectId)
    assert.equal(result.outputs.status, 'COMPLETED', result.log)
    const [post, ...more] = triggers(sent)
    assert.deepEqual(more, [])
    assert.ok(post !== undefined && post.at >= from + 3 * MINUTE, result.log)
    const waited = [...result.log.matchAll(/^Hex run (\S+) ended (\w+); looking again/gm)]
    assert.deepEqual(
      waited.map((m) => [m[1], m[2]]),
      [
        [newer.id, 'ERRORED'],
        [older.id, 'COMPLETED']
      ]
    )
  })

  it('ends TIMEOUT when the run in progress outlasts timeout: nothing started, nothing cancelled', async () => {
    const { projectId, other } = busyProject()
    const result = await run(projectId, { 'if-running': 'wait', timeout: '3m' })
    const sent = requestsFor(fake, projectId)
    assert.equal(result.exitCode, 1)
    assert.equal(result.outputs.status, 'TIMEOUT')
    assert.deepEqual(triggers(sent), [])
    assert.deepEqual(cancels(sent), [])
    assert.equal(fake.runs(projectId)[0]?.status, 'RUNNING')
    assert.equal(result.outputs['run-id'], '')
    assert.deepEqual(errorAnnotations(result), [
      `Hex run ${other.id} (RUNNING, started by Hex's scheduler) ${fake.origin}/acme/app/${projectId}/runs/${other.id} was still in progress at the timeout of 3m 0s. Input 'if-running' is wait: no run was started, and that run, which the step did not start, was left going.`
    ])
    assert.match(result.summary, /TIMEOUT/)
  })

  it('stops on a workflow cancel without starting or cancelling anything', async () => {
    const { projectId } = busyProject()
    const result = await run(projectId, { 'if-running': 'wait' }, /waiting for it to end/)
    const sent = requestsFor(fake, projectId)
    assert.equal(result.outputs.status, 'CANCELLED', result.log)
    assert.deepEqual(triggers(sent), [])
    assert.deepEqual(cancels(sent), [])
    assert.equal(result.exitCode, 1)
  })
})

describe('if-running: wait, when the run waited for cannot be read', () => {
  it('fails status reads until timeout: TIMEOUT with the reason, nothing started or cancelled', async () => {
    const { projectId, other } = busyProject()
    fake.injectFault({
      method: 'GET',
      path: `/api/v1/projects/${projectId}/runs/${other.id}`,
      times: Infinity,
      action: { kind: 'respond', status: 502, body: 'Bad Gateway' }
    })
    const result = await run(projectId, { 'if-running': 'wait', timeout: '2m' })
    fake.clearFaults()
    const sent = requestsFor(fake, projectId)
    assert.equal(result.outputs.status, 'TIMEOUT', result.log)
    assert.deepEqual(triggers(sent), [])
    assert.deepEqual(cancels(sent), [])
    assert.match(
      errorAnnotations(result)[0] ?? '',
      /was still in progress at the timeout of 2m 0s\. .* The last status read of that run failed: .*502/
    )
  })

  it('a run that vanishes (404) fails the step without starting one', async () => {
    const { projectId, other } = busyProject()
    fake.injectFault({
      method: 'GET',
      path: `/api/v1/projects/${projectId}/runs/${other.id}`,
      times: Infinity,
      action: {
        kind: 'respond',
        status: 404,
        body: { code: 'NOT_FOUND', message: 'Run not found' }
      }
    })
    const result = await run(projectId, { 'if-running': 'wait' })
    fake.clearFaults()
    assert.equal(result.outputs.status, 'ERROR', result.log)
    assert.deepEqual(triggers(requestsFor(fake, projectId)), [])
    assert.match(
      errorAnnotations(result)[0] ?? '',
      new RegExp(
        `^Could not tell whether the project has a run in progress.*Hex found no run ${other.id}`
      )
    )
  })

  it('two steps racing on one project each start one run, never two', async () => {
    const { projectId } = busyProject({
      lifecycle: [{ status: 'RUNNING', ms: MINUTE }, { status: 'COMPLETED' }]
    })
    const results = await Promise.all([
      run(projectId, { 'if-running': 'wait' }),
      run(projectId, { 'if-running': 'wait' })
    ])
    for (const result of results) assert.equal(result.outputs.status, 'COMPLETED', result.log)
    // The check is no lock: both saw the project idle once the other run ended, and each
    // started its own, one each.
    assert.equal(triggers(requestsFor(fake, projectId)).length, 2)
    assert.notEqual(results[0]?.outputs['run-id'], results[1]?.outputs['run-id'])
  })
})

describe('if-running: attach', () => {
  it("follows the run in progress and reports its result as the step's", async () => {
    // Going for five minutes already; it errs two minutes from now.
    const { projectId, other } = busyProject({
      lifecycle: [{ status: 'RUNNING', ms: 7 * MINUTE }, { status: 'ERRORED' }],
      agoMs: 5 * MINUTE
    })
    const result = await run(projectId, { 'if-running': 'attach' })
    const sent = requestsFor(fake, projectId)
    assert.deepEqual(triggers(sent), [])
    assert.equal(result.exitCode, 1)
    assert.equal(result.outputs.status, 'ERRORED')
    assert.equal(result.outputs['run-id'], other.id)
    assert.match(
      result.log,
      new RegExp(`^Attached to Hex run ${other.id}, started elsewhere: `, 'm')
    )
    assert.match(
      result.summary,
      /Input 'if-running' is attach: the step attached to Hex run .*, already in progress, and reports its result; it did not start it, so it never cancels it\./
    )
    // The list's answer is the first read of it: no read of its own before the wait.
    assert.equal(lists(sent).length, 2)
    // Its reads are spaced by its age (five minutes: poll-interval at once), not from zero: about
    // one each 5 s for its last two minutes, as for a run of the step's own at that age.
    assert.match(result.log, /^Run is RUNNING \(5m 0s since the trigger\)$/m)
    const reads = sent.filter((r) => r.path.endsWith(other.id)).length
    assert.ok(reads >= 20 && reads <= 26, `${reads} reads`)
  })

  it('never cancels the run it attached to: not on a timeout, not on a workflow cancel', async () => {
    const timedOut = busyProject()
    const result = await run(timedOut.projectId, { 'if-running': 'attach', timeout: '2m' })
    assert.equal(result.outputs.status, 'TIMEOUT')
    assert.deepEqual(cancels(requestsFor(fake, timedOut.projectId)), [])
    assert.equal(fake.runs(timedOut.projectId)[0]?.status, 'RUNNING')
    assert.match(result.summary, /did not start it: it was left going in Hex/)

    const stopped = busyProject()
    const cancelled = await run(stopped.projectId, { 'if-running': 'attach' }, /^Attached to/)
    assert.equal(cancelled.outputs.status, 'CANCELLED', cancelled.log)
    assert.deepEqual(cancels(requestsFor(fake, stopped.projectId)), [])
    // Nor the post step of a main step killed while it followed the run: it is not in the ledger.
    const killed = busyProject()
    const main = await runAgainst(
      fake,
      killed.projectId,
      { 'if-running': 'attach', timeout: '2m' },
      { snapshotWhen: /^Attached to/ }
    )
    assert.ok(main.stateAt !== undefined, main.log)
    const post = await runAgainst(
      fake,
      killed.projectId,
      { 'if-running': 'attach' },
      { state: main.stateAt }
    )
    assert.equal(post.exitCode, 0, post.log)
    assert.deepEqual(cancels(requestsFor(fake, killed.projectId)), [])
    assert.equal(fake.runs(killed.projectId)[0]?.status, 'RUNNING')
  })

  it('with wait: false, reports the attached run as it stands and returns', async () => {
    const { projectId, other } = busyProject()
    const result = await run(projectId, { 'if-running': 'attach', wait: 'false' })
    const sent = requestsFor(fake, projectId)
    assert.equal(result.exitCode, 0, result.log)
    assert.equal(sent.length, 3, 'the two lists and the title')
    assert.equal(result.outputs.status, 'RUNNING')
    assert.equal(result.outputs['run-id'], other.id)
    // The list said it all: no status read, no trigger (the title is read on its own).
    assert.deepEqual(
      sent.filter((r) => r.path.endsWith('/runs')).map((r) => r.query.statusFilter),
      ['PENDING', 'RUNNING']
    )
  })

  it('starts a run when none is in progress', async () => {
    const projectId = addProject(fake, { lifecycle: QUICK })
    const result = await run(projectId, { 'if-running': 'attach' })
    assert.equal(result.outputs.status, 'COMPLETED', result.log)
    assert.equal(triggers(requestsFor(fake, projectId)).length, 1)
  })
})

describe('if-running: when the runs cannot be listed', () => {
  const refused = {
    kind: 'respond' as const,
    status: 403,
    body: { code: 'FORBIDDEN', message: 'Insufficient access' }
  }

  for (const policy of ['skip', 'wait', 'attach']) {
    it(`${policy}: a 403 fails the step before any trigger, naming the scope and the way out`, async () => {
      const projectId = addProject(fake, { lifecycle: QUICK })
      fake.injectFault({
        method: 'GET',
        path: `/api/v1/projects/${projectId}/runs`,
        action: refused
      })
      const result = await run(projectId, { 'if-running': policy })
      const sent = requestsFor(fake, projectId)
      assert.equal(result.exitCode, 1)
      assert.equal(result.outputs.status, 'ERROR')
      assert.deepEqual(triggers(sent), [])
      const [error] = errorAnnotations(result)
      assert.match(
        error ?? '',
        new RegExp(
          `^Could not tell whether the project has a run in progress, so none was started: Input 'if-running' is ${policy}, and a run must not start alongside one\\. Hex refused to list the runs of project ${projectId} \\(403 Forbidden\\): the API token lacks the "Run projects" scope`
        )
      )
      assert.match(
        error ?? '',
        /or set 'if-running' to start to start a run whatever is in progress\.$/
      )
    })
  }

  it('rides out 429s and resets until timeout, then fails without starting', async () => {
    const projectId = addProject(fake, { lifecycle: QUICK })
    fake.injectFault({
      method: 'GET',
      path: `/api/v1/projects/${projectId}/runs`,
      times: 3,
      action: { kind: 'respond', status: 429, headers: { 'retry-after': '5' } }
    })
    const recovered = await run(projectId, { 'if-running': 'skip' })
    assert.equal(recovered.outputs.status, 'COMPLETED', recovered.log)
    assert.equal(triggers(requestsFor(fake, projectId)).length, 1)

    const down = addProject(fake, { lifecycle: QUICK })
    fake.injectFault({
      method: 'GET',
      path: `/api/v1/projects/${down}/runs`,
      times: Infinity,
      action: { kind: 'reset' }
    })
    const result = await run(down, { 'if-running': 'skip', timeout: '2m' })
    fake.clearFaults()
    assert.equal(result.outputs.status, 'ERROR', result.log)
    assert.deepEqual(triggers(requestsFor(fake, down)), [])
    assert.match(
      errorAnnotations(result)[0] ?? '',
      /^Could not tell whether the project has a run in progress/
    )
  })

  it('start (the default) reads nothing before the trigger', async () => {
    const { projectId } = busyProject()
    const result = await run(projectId)
    const sent = requestsFor(fake, projectId)
    assert.equal(result.outputs.status, 'COMPLETED', result.log)
    assert.equal(sent[0]?.method, 'POST')
    assert.deepEqual(
      sent.filter((r) => r.query.runTriggerFilter === 'ALL'),
      []
    )
  })

  it('refuses if-running other than start with run-id, before any request', async () => {
    const { projectId, other } = busyProject()
    fake.clearRequests()
    const result = await run(projectId, { 'if-running': 'attach', 'run-id': other.id })
    assert.equal(result.exitCode, 1)
    assert.deepEqual(requestsFor(fake, projectId), [])
    assert.match(errorAnnotations(result).join('\n'), /Input 'if-running' is attach, but 'run-id'/)
  })
})

describe('if-running on the command line', () => {
  async function command(args: string[]) {
    const clock = clockOf(fake)
    let stdout = ''
    let stderr = ''
    const code = await main(
      args,
      { out: (text) => (stdout += text), err: (text) => (stderr += text) },
      undefined,
      clock.runtime({ HEX_API_TOKEN: RUN_TOKEN })
    )
    return { code, stdout, stderr }
  }

  it('--if-running skip: exit 0, the run in progress named, nothing started', async () => {
    const { projectId, other } = busyProject()
    const result = await command([
      '--project-id',
      projectId,
      '--api-url',
      fake.apiBase,
      '--if-running',
      'skip'
    ])
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(triggers(requestsFor(fake, projectId)), [])
    assert.match(
      result.stdout,
      new RegExp(
        `^Hex run ${other.id} \\(RUNNING, started by Hex's scheduler\\) .* is in progress\\. --if-running is skip: no run was started\\.$`,
        'm'
      )
    )
    assert.match(result.stdout, new RegExp(`^SKIPPED  ${projectId}$`, 'm'))
    assert.equal(result.stderr, '')
  })

  it('refuses a bad --if-running, and one with --run-id, before any request', async () => {
    const { projectId, other } = busyProject()
    const bad = await command([
      '--project-id',
      projectId,
      '--api-url',
      fake.apiBase,
      '--if-running',
      'never'
    ])
    assert.equal(bad.code, 1)
    assert.match(
      bad.stderr,
      /^error: --if-running must be one of start, wait, attach or skip, got 'never'\.$/m
    )
    const both = await command([
      '--project-id',
      projectId,
      '--api-url',
      fake.apiBase,
      '--if-running',
      'wait',
      '--run-id',
      other.id
    ])
    assert.equal(both.code, 1)
    assert.match(
      both.stderr,
      /^error: --if-running is wait, but --run-id follows a run that has already started/m
    )
    assert.deepEqual(requestsFor(fake, projectId), [])
  })
})

describe("the wait's schedule for another's run (runs/pacing/schedule.ts)", () => {
  it("reads no sooner than poll-interval, a tenth of the run's age, at most a minute", () => {
    const schedule = elsewhereSchedule(5_000)
    const gap = (ageMs: number) => schedule.delayMs(0, ageMs)
    assert.equal(gap(0), 5_000)
    assert.equal(gap(30_000), 5_000)
    assert.equal(gap(120_000), 12_000)
    assert.equal(gap(10 * MINUTE), MINUTE)
    assert.equal(gap(5 * 60 * MINUTE), MINUTE)
    // A poll-interval longer than a minute is kept.
    assert.equal(elsewhereSchedule(2 * MINUTE).delayMs(0, 60 * MINUTE), 2 * MINUTE)
  })
})

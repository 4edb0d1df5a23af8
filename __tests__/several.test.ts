/**
 * The features that go beyond one project and one trigger: several projects in one step
 * (max-parallel, fail-fast, the `runs` output, one summary table), a run started elsewhere followed
 * by `run-id`, and projects found by title through ListProjects. The action's source runs in
 * process on a virtual clock that the stand-in Hex server shares, so the server's recorded times
 * (createdAt, terminalAt, a request's `at`) are on the step's own clock. Each test asserts what
 * reached the stand-in as well as what the workflow gets. (The post step after a main step killed
 * outright needs a real process: __tests__/slow/e2e.test.ts.)
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import type { FakeHex, FakeRun, LifecycleStep } from '../test/fake-hex/server.ts'
import type { ActionResult } from '../test/runner/run-action.ts'
import { clockOf, runAgainst, startHex } from './helpers/action.ts'
import type { InProcessOptions } from '../test/runner/in-process.ts'
import {
  addProject,
  assertNoStackTrace,
  errorAnnotations,
  isTitleRead,
  warningAnnotations,
  READ_TOKEN,
  requestsFor,
  RUN_TOKEN
} from './helpers/e2e.ts'

const QUICK: LifecycleStep[] = [
  { status: 'PENDING', ms: 60 },
  { status: 'RUNNING', ms: 200 },
  { status: 'COMPLETED' }
]
const FAILS: LifecycleStep[] = [{ status: 'RUNNING', ms: 150 }, { status: 'ERRORED' }]
const FOREVER: LifecycleStep[] = [{ status: 'RUNNING' }]
/**
 * For the max-parallel tests, whose assertions compare one run's creation with another's end: runs
 * of 42 s of virtual time (a dozen status reads each), far longer than the moments between the
 * triggers of runs started together, so neither ordering can come about by accident.
 */
const LONG: LifecycleStep[] = [
  { status: 'PENDING', ms: 2_000 },
  { status: 'RUNNING', ms: 40_000 },
  { status: 'COMPLETED' }
]

/** One entry of the `runs` output, as action.yml describes it. */
interface RunsEntry {
  projectId: string
  projectName?: string
  runId: string | null
  runUrl: string | null
  status: string
  elapsedSeconds: number | null
  usualSeconds: number | null
  projectTitle?: string
  queuedSeconds: number | null
  runSeconds: number | null
}

let fake: FakeHex
beforeAll(async () => {
  fake = await startHex()
})
afterAll(async () => {
  await fake.close()
})

/** Runs the action for several projects at once: `project-id` one per line. */
function runMany(
  projectIds: string[],
  inputs: Record<string, string> = {},
  options: Omit<InProcessOptions, 'inputs' | 'clock'> = {}
): Promise<ActionResult> {
  return runAgainst(fake, '', { 'project-id': projectIds.join('\n'), ...inputs }, options)
}

function runsOutput(result: ActionResult): RunsEntry[] {
  const parsed: unknown = JSON.parse(result.outputs.runs ?? 'null')
  assert.ok(Array.isArray(parsed), `runs is a JSON array: ${result.outputs.runs}`)
  return parsed as RunsEntry[]
}

function entryFor(result: ActionResult, projectId: string): RunsEntry {
  const entry = runsOutput(result).find((e) => e.projectId === projectId)
  assert.ok(entry, `runs has an entry for ${projectId}`)
  return entry
}

const methods = (projectId: string, method: string, on: FakeHex = fake) =>
  requestsFor(on, projectId).filter((r) => r.method === method)

const runPath = (projectId: string, runId: string | undefined) =>
  `/api/v1/projects/${projectId}/runs/${runId}`

function onlyRun(projectId: string, on: FakeHex = fake): FakeRun {
  const runs = on.runs(projectId)
  assert.equal(runs.length, 1, `one run of ${projectId}`)
  return runs[0] as FakeRun
}

/** Lines of stdout that are not workflow commands (::debug::, ::error:: ...). */
function plainLines(result: ActionResult): string[] {
  return result.stdout.split('\n').filter((line) => line !== '' && !line.startsWith('::'))
}

describe('several projects in one step', () => {
  it('runs all three, reports each in runs, and fails with the worst status', async () => {
    const [first, failing, third] = [
      addProject(fake, { lifecycle: QUICK }),
      addProject(fake, { lifecycle: FAILS }),
      addProject(fake, { lifecycle: QUICK })
    ] as [string, string, string]
    const ids = [first, failing, third]
    const result = await runMany(ids)
    assert.equal(result.exitCode, 1, result.log)

    // What reached Hex: one trigger per project, one read of its history, status reads of that
    // run only, no cancel.
    for (const id of ids) {
      assert.equal(methods(id, 'POST').length, 1, `one POST for ${id}`)
      assert.equal(methods(id, 'DELETE').length, 0, `no DELETE for ${id}`)
      const { id: runId } = onlyRun(id)
      const gets = methods(id, 'GET')
      const history = gets.filter((get) => get.path === `/api/v1/projects/${id}/runs`)
      assert.equal(history.length, 1, `one history read for ${id}`)
      // Three runs at once, each polled every 5 s, need more reads than the step's part of the
      // window leaves for a title each: the planner declines the titles, and the IDs stand in.
      assert.equal(gets.filter(isTitleRead).length, 0, `no title read for ${id}`)
      for (const get of gets.filter((g) => !history.includes(g) && !isTitleRead(g)))
        assert.equal(get.path, runPath(id, runId))
    }
    assert.equal(onlyRun(first).status, 'COMPLETED')
    assert.equal(onlyRun(failing).status, 'ERRORED')
    assert.equal(onlyRun(third).status, 'COMPLETED')

    // The runs output: one entry per project, in the order given.
    const runs = runsOutput(result)
    assert.deepEqual(
      runs.map((e) => e.projectId),
      ids
    )
    for (const entry of runs) {
      const record = onlyRun(entry.projectId)
      assert.deepEqual(Object.keys(entry).sort(), [
        'elapsedSeconds',
        'projectId',
        'queuedSeconds',
        'runId',
        'runSeconds',
        'runUrl',
        'status',
        'usualSeconds'
      ])
      // No title (declined, see above); the run's times, from the state events.
      assert.equal(typeof entry.runSeconds, 'number')
      // The stand-in's projects have no history here.
      assert.equal(entry.usualSeconds, null)
      assert.equal(entry.runId, record.id)
      assert.match(entry.runUrl ?? '', new RegExp(`${entry.projectId}.*${record.id}`))
      assert.equal(typeof entry.elapsedSeconds, 'number')
      assert.ok(Number.isInteger(entry.elapsedSeconds) && (entry.elapsedSeconds ?? -1) >= 0)
    }
    assert.deepEqual(
      runs.map((e) => e.status),
      ['COMPLETED', 'ERRORED', 'COMPLETED']
    )

    // The single-run outputs are empty; status is the worst.
    const o = result.outputs
    assert.equal(o.status, 'ERRORED')
    assert.equal(o['run-id'], '')
    assert.equal(o['run-url'], '')
    assert.equal(o['status-url'], '')

    // One error, about the failing project.
    const errors = errorAnnotations(result)
    assert.equal(errors.length, 1, result.log)
    assert.ok(errors[0]?.startsWith(`[${failing}] `), errors[0])
    assert.match(errors[0] ?? '', new RegExp(`${onlyRun(failing).id} ended ERRORED`))
    assert.match(result.stdout, /^::error title=Hex run ERRORED::/m)
    assert.match(result.stdout, /^2 of 3 Hex runs succeeded; 1 did not\.$/m)

    // One summary table, one row per run.
    const s = result.summary
    assert.equal(s.match(/^\| Project \| Run \| Status \| Duration \|$/gm)?.length, 1, s)
    assert.match(s, /^### ❌ 1 of 3 Hex runs did not succeed$/m)
    const rows = s.split('\n').filter((line) => line.startsWith('| <code>'))
    assert.equal(rows.length, 3, s)
    for (const [i, id] of ids.entries()) {
      const runId = onlyRun(id).id
      assert.ok(rows[i]?.startsWith(`| <code>${id}</code> | [${runId}](`), rows[i])
      assert.match(rows[i] ?? '', i === 1 ? /\| ❌ ERRORED \|/ : /\| ✅ COMPLETED \|/)
    }

    // Every line a run logs names its project first.
    for (const id of ids) {
      const runId = onlyRun(id).id
      const tag = `[${id}] `
      assert.ok(result.stdout.includes(`${tag}Started Hex run ${runId}`), `started line of ${id}`)
      assert.ok(result.stdout.includes(`${tag}Run is `), `progress line of ${id}`)
      assert.ok(result.stdout.includes(`::group::${tag}Run request for project ${id}`))
      for (const line of plainLines(result).filter((l) => l.includes(runId)))
        assert.ok(line.startsWith(tag), `unprefixed line about ${id}: ${line}`)
    }
    assert.ok(result.stdout.includes(`[${first}] Hex run ${onlyRun(first).id} COMPLETED in`))
    assert.match(result.stdout, /^::debug::\[\S+\] The project's title was not read .*scarce/m)
  })

  it('fail-fast: true cancels the runs still going when one fails', async () => {
    const [long1, failing, long2] = [
      addProject(fake, { lifecycle: FOREVER }),
      addProject(fake, { lifecycle: [{ status: 'RUNNING', ms: 300 }, { status: 'ERRORED' }] }),
      addProject(fake, { lifecycle: FOREVER })
    ] as [string, string, string]
    const clock = clockOf(fake)
    const started = clock.now()
    const result = await runMany([long1, failing, long2], { 'fail-fast': 'true' })
    assert.equal(result.exitCode, 1, result.log)
    // On the virtual clock: without fail-fast the step would wait out its timeout (1h).
    assert.ok(clock.now() - started < 15_000, 'did not wait for the long runs')

    assert.equal(entryFor(result, failing).status, 'ERRORED')
    assert.equal(onlyRun(failing).status, 'ERRORED')
    assert.equal(methods(failing, 'DELETE').length, 0, 'the failed run is not cancelled')
    for (const id of [long1, long2]) {
      const record = onlyRun(id)
      const entry = entryFor(result, id)
      assert.equal(entry.status, 'CANCELLED')
      assert.equal(entry.runId, record.id, 'the cancelled run keeps its id')
      assert.equal(record.status, 'KILLED', `run of ${id} killed in Hex`)
      assert.equal(record.cancelled, true)
      const deletes = methods(id, 'DELETE')
      assert.equal(deletes.length, 1, `one DELETE for ${id}`)
      assert.equal(deletes[0]?.path, runPath(id, record.id))
      assert.equal(methods(id, 'POST').length, 1)
      // The cancel came after the failure was seen, not before.
      assert.ok((deletes[0]?.at ?? 0) >= (onlyRun(failing).terminalAt ?? Infinity))
    }
    assert.equal(result.outputs.status, 'ERRORED')
    assert.match(result.summary, /Another run failed and fail-fast is on/)
    // One cause, one error: the runs fail-fast stopped are warnings.
    const errors = errorAnnotations(result)
    assert.equal(errors.length, 1, result.log)
    // Labelled with the project's ID: three runs at once read no titles.
    assert.ok(errors[0]?.startsWith(`[${failing}]`), errors[0])
    assert.equal(
      warningAnnotations(result).filter((w) => /fail-fast is on: stopped/.test(w)).length,
      2
    )
    assertNoStackTrace(result)
  })

  it('fail-fast: true with max-parallel: 1 never triggers the projects after the failure', async () => {
    const [ok, failing, never1, never2] = [
      addProject(fake, { lifecycle: QUICK }),
      addProject(fake, { lifecycle: FAILS }),
      addProject(fake, { lifecycle: QUICK }),
      addProject(fake, { lifecycle: QUICK })
    ] as [string, string, string, string]
    const result = await runMany([ok, failing, never1, never2], {
      'fail-fast': 'true',
      'max-parallel': '1'
    })
    assert.equal(result.exitCode, 1, result.log)
    assert.equal(entryFor(result, ok).status, 'COMPLETED')
    assert.equal(entryFor(result, failing).status, 'ERRORED')
    for (const id of [never1, never2]) {
      assert.deepEqual(requestsFor(fake, id), [], `nothing sent for ${id}`)
      assert.equal(fake.runs(id).length, 0)
      const entry = entryFor(result, id)
      assert.equal(entry.status, 'CANCELLED')
      assert.equal(entry.runId, null)
      assert.equal(entry.runUrl, null)
    }
    assert.match(result.summary, /Not started: another run failed, and fail-fast is on\./)
    assert.equal(result.outputs.status, 'ERRORED')
  })

  it('fail-fast off with max-parallel: 1 still runs the projects after a failure', async () => {
    const [failing, second, third] = [
      addProject(fake, { lifecycle: FAILS }),
      addProject(fake, { lifecycle: QUICK }),
      addProject(fake, { lifecycle: QUICK })
    ] as [string, string, string]
    const result = await runMany([failing, second, third], { 'max-parallel': '1' })
    assert.equal(result.exitCode, 1, result.log)
    assert.equal(entryFor(result, failing).status, 'ERRORED')
    for (const id of [second, third]) {
      assert.equal(
        methods(id, 'POST').length,
        1,
        `${id} was never triggered although fail-fast is off`
      )
      assert.equal(entryFor(result, id).status, 'COMPLETED')
    }
    assert.equal(errorAnnotations(result).length, 1, result.log)
    assert.doesNotMatch(result.summary, /fail-fast is on/)
  })
})

describe('max-parallel', () => {
  it('1: each run starts only after the one before has ended', async () => {
    const ids = [
      addProject(fake, { lifecycle: LONG }),
      addProject(fake, { lifecycle: LONG }),
      addProject(fake, { lifecycle: LONG })
    ]
    const result = await runMany(ids, { 'max-parallel': '1' })
    assert.equal(result.exitCode, 0, result.log)
    const records = ids.map((id) => onlyRun(id))
    for (const record of records) assert.equal(record.status, 'COMPLETED')
    for (let i = 1; i < records.length; i++) {
      const before = records[i - 1] as FakeRun
      const now = records[i] as FakeRun
      assert.ok(before.terminalAt !== undefined)
      assert.ok(
        now.createdAt > before.terminalAt,
        `run ${i + 1} created ${now.createdAt - before.terminalAt}ms after run ${i} ended`
      )
    }
    for (const id of ids) assert.equal(methods(id, 'POST').length, 1)
    assert.deepEqual(
      runsOutput(result).map((e) => e.status),
      ['COMPLETED', 'COMPLETED', 'COMPLETED']
    )
    assert.equal(result.outputs.status, 'COMPLETED')
    assert.match(result.summary, /^### ✅ 3 Hex runs succeeded$/m)
    assert.deepEqual(errorAnnotations(result), [])
  })

  it('the default (4): three runs start together', async () => {
    const ids = [
      addProject(fake, { lifecycle: LONG }),
      addProject(fake, { lifecycle: LONG }),
      addProject(fake, { lifecycle: LONG })
    ]
    const result = await runMany(ids)
    assert.equal(result.exitCode, 0, result.log)
    const records = ids.map((id) => onlyRun(id))
    const lastCreated = Math.max(...records.map((r) => r.createdAt))
    const firstEnded = Math.min(...records.map((r) => r.terminalAt ?? Infinity))
    assert.ok(lastCreated < firstEnded, 'all three were created before any ended')
    for (const record of records) assert.equal(record.status, 'COMPLETED')
    assert.equal(result.outputs.status, 'COMPLETED')
  })
})

describe('run-id: a run started elsewhere', () => {
  it('a later step waits for the run an earlier step started with wait: false', async () => {
    const projectId = addProject(fake, {
      lifecycle: [
        { status: 'PENDING', ms: 100 },
        { status: 'RUNNING', ms: 600 },
        { status: 'COMPLETED' }
      ]
    })
    const first = await runAgainst(fake, projectId, { wait: 'false' })
    assert.equal(first.exitCode, 0, first.log)
    const runId = first.outputs['run-id'] ?? ''
    assert.equal(runId, onlyRun(projectId).id)
    const sentByFirst = requestsFor(fake, projectId).length

    const second = await runAgainst(fake, projectId, { 'run-id': runId })
    assert.equal(second.exitCode, 0, second.log)
    assert.equal(second.outputs.status, 'COMPLETED')
    assert.equal(second.outputs['run-id'], runId)
    assert.match(second.outputs['run-url'] ?? '', new RegExp(runId))
    assert.equal(entryFor(second, projectId).runId, runId)

    assert.equal(methods(projectId, 'POST').length, 1, 'one trigger in all')
    assert.equal(fake.runs(projectId).length, 1)
    const bySecond = requestsFor(fake, projectId).slice(sentByFirst)
    assert.equal(bySecond.filter(isTitleRead).length, 1, 'one title read')
    assert.ok(bySecond.length >= 3, 'the second step polled')
    for (const request of bySecond.filter((r) => !isTitleRead(r))) {
      assert.equal(request.method, 'GET')
      assert.equal(request.path, runPath(projectId, runId))
    }
    assert.match(second.stdout, new RegExp(`Following Hex run ${runId}, started elsewhere`))
    assert.match(second.summary, /run-id was given/)
  })

  it('a run that has already ended: reports how it ended at once', async () => {
    const projectId = addProject(fake, { lifecycle: FAILS })
    const started = await fetch(`${fake.apiBase}/projects/${projectId}/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${RUN_TOKEN}`, 'content-type': 'application/json' },
      body: '{}'
    })
    assert.equal(started.status, 201)
    const { id: runId } = onlyRun(projectId)
    // The run's 150 ms pass on the shared virtual clock; then it has ended.
    const clock = clockOf(fake)
    clock.advance(150)
    assert.equal(onlyRun(projectId).status, 'ERRORED', 'the run has ended')
    // Long enough after its end that the step's own clock would give a different duration.
    const endedAt = onlyRun(projectId).terminalAt ?? 0
    clock.advance(Math.max(0, endedAt + 1_200 - clock.now()))
    const sentBefore = requestsFor(fake, projectId).length

    const result = await runAgainst(fake, projectId, { 'run-id': runId })
    assert.equal(result.exitCode, 1)
    assert.equal(result.outputs.status, 'ERRORED')
    assert.equal(result.outputs['run-id'], runId)
    assert.match(errorAnnotations(result)[0] ?? '', new RegExp(`${runId} ended ERRORED`))
    const sent = requestsFor(fake, projectId).slice(sentBefore)
    // One status read (two at most), and the title's.
    assert.ok(sent.length >= 2 && sent.length <= 3, `${sent.length} requests`)
    for (const request of sent) assert.equal(request.method, 'GET')
    // Its duration and end are Hex's (150 ms, ended before the step began), not the step's.
    assert.equal(result.outputs['elapsed-seconds'], '0')
    assert.ok(Math.abs(Date.parse(result.outputs['ended-at'] ?? '') - endedAt) < 2, 'ended-at')
    assert.equal(methods(projectId, 'DELETE').length, 0)
  })

  it('an unknown run: fails with the 404 message naming the run', async () => {
    const projectId = addProject(fake, { lifecycle: QUICK })
    const runId = randomUUID()
    const result = await runAgainst(fake, projectId, { 'run-id': runId })
    assert.equal(result.exitCode, 1)
    const errors = errorAnnotations(result)
    assert.equal(errors.length, 1, result.log)
    assert.match(errors[0] ?? '', new RegExp(`no run ${runId} of project ${projectId}.*404`))
    assert.equal(result.outputs.status, 'ERROR')
    const sent = requestsFor(fake, projectId)
    assert.ok(sent.length >= 1)
    for (const request of sent) {
      assert.equal(request.method, 'GET')
      assert.equal(request.path, runPath(projectId, runId))
    }
    assert.equal(fake.runs(projectId).length, 0)
  })

  it('with input-params: refused before anything is sent', async () => {
    const projectId = addProject(fake, { lifecycle: QUICK })
    const result = await runAgainst(fake, projectId, {
      'run-id': randomUUID(),
      'input-params': '{"region": "emea"}'
    })
    assert.equal(result.exitCode, 1)
    assert.match(
      errorAnnotations(result).join('\n'),
      /'run-id' waits for a run that has already started, so 'input-params' cannot apply/
    )
    assert.match(result.stdout, /::error title=Invalid input::/)
    assert.deepEqual(requestsFor(fake, projectId), [])
    assert.equal(result.outputs.status, 'ERROR')
  })

  it('with several projects: refused before anything is sent', async () => {
    const ids = [addProject(fake), addProject(fake)]
    const result = await runMany(ids, { 'run-id': randomUUID() })
    assert.equal(result.exitCode, 1)
    assert.match(errorAnnotations(result).join('\n'), /'run-id' names one run, of one project/)
    for (const id of ids) assert.deepEqual(requestsFor(fake, id), [])
  })
})

describe('project-name: found through the project list', () => {
  const TARGET = 'Quarterly Revenue Review'
  const DUPLICATE = 'Weekly Metrics'

  /**
   * A stand-in of its own per test (its ListProjects requests are then the test's alone): the
   * target first, so that newest-first it lands on the second page of 100, then 150 reports and
   * two projects that share a title.
   */
  async function listFake(): Promise<{
    hex: FakeHex
    target: string
    duplicates: string[]
    reports: Map<string, string>
  }> {
    const hex = await startHex({ projects: [] })
    const target = addProject(hex, { title: TARGET, lifecycle: QUICK })
    const reports = new Map<string, string>()
    for (let i = 1; i <= 150; i++) {
      const title = `Report ${String(i).padStart(3, '0')}`
      reports.set(title, addProject(hex, { title }))
    }
    // The same title once written differently: titles match ignoring case and spacing.
    const duplicates = [
      addProject(hex, { title: DUPLICATE }),
      addProject(hex, { title: ` weekly  metrics ` })
    ]
    return { hex, target, duplicates, reports }
  }

  function byName(
    hex: FakeHex,
    name: string,
    inputs: Record<string, string> = {}
  ): Promise<ActionResult> {
    return runAgainst(hex, '', { 'project-name': name, ...inputs })
  }

  const listRequests = (hex: FakeHex) =>
    hex.requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/projects')

  it('resolves a title on the second page and runs it', async () => {
    const { hex, target } = await listFake()
    try {
      const result = await byName(hex, TARGET)
      assert.equal(result.exitCode, 0, result.log)
      assert.ok(result.stdout.includes(`Project '${TARGET}' is ${target}.`), result.log)

      const lists = listRequests(hex)
      assert.equal(lists.length, 2, 'two pages read')
      assert.equal(lists[0]?.query.limit, '100')
      assert.equal(lists[0]?.query.after, undefined)
      assert.equal(lists[1]?.query.limit, '100')
      assert.ok(lists[1]?.query.after, 'the second page asked with after')
      for (const list of lists) assert.equal(list.status, 200)
      // The run is triggered only once the title is resolved: no earlier on the clock (which
      // stands still while requests are answered), and after the last page in order of arrival.
      const [trigger] = methods(target, 'POST', hex)
      assert.ok((trigger?.at ?? 0) >= (lists[1]?.at ?? Infinity))
      const arrival = hex.requests.map((r) => `${r.method} ${r.path} ${r.query.after ?? ''}`)
      const triggerIndex = arrival.indexOf(`POST /api/v1/projects/${target}/runs `)
      const secondPageIndex = arrival.indexOf(`GET /api/v1/projects ${lists[1]?.query.after}`)
      assert.ok(
        secondPageIndex >= 0 && triggerIndex > secondPageIndex,
        `trigger #${triggerIndex}, second page #${secondPageIndex}`
      )

      assert.equal(onlyRun(target, hex).status, 'COMPLETED')
      assert.equal(result.outputs.status, 'COMPLETED')
      assert.equal(result.outputs['run-id'], onlyRun(target, hex).id)
      const [entry] = runsOutput(result)
      assert.equal(entry?.projectId, target)
      assert.equal(entry?.projectName, TARGET)
      assert.equal(hex.runs().length, 1, 'no other project ran')
    } finally {
      await hex.close()
    }
  })

  it('a title that matches none: fails listing near matches, triggers nothing', async () => {
    const { hex, reports } = await listFake()
    try {
      const result = await byName(hex, 'Report 15')
      assert.equal(result.exitCode, 1)
      const errors = errorAnnotations(result)
      assert.equal(errors.length, 1, result.log)
      const report150 = reports.get('Report 150') ?? '-'
      assert.match(
        errors[0] ?? '',
        new RegExp(
          `Project name 'Report 15' matches none of the 153 projects the token can see; near matches: 'Report 150' \\(${report150}\\)\\.`
        )
      )
      assert.equal(listRequests(hex).length, 2, 'every page was read')
      assert.equal(hex.runs().length, 0)
      assert.equal(
        hex.requests.filter((r) => r.method !== 'GET' || r.path !== '/api/v1/projects').length,
        0,
        'nothing but the project list was asked for'
      )
      assert.equal(result.outputs.status, 'ERROR')
      assertNoStackTrace(result)
    } finally {
      await hex.close()
    }
  })

  it('a title that matches two: fails listing both IDs, triggers nothing', async () => {
    const { hex, duplicates } = await listFake()
    try {
      const result = await byName(hex, DUPLICATE)
      assert.equal(result.exitCode, 1)
      const errors = errorAnnotations(result)
      assert.equal(errors.length, 1, result.log)
      assert.match(errors[0] ?? '', new RegExp(`'${DUPLICATE}' matches 2 projects`))
      for (const id of duplicates) assert.ok(errors[0]?.includes(id), `lists ${id}`)
      assert.equal(hex.runs().length, 0)
      assert.ok(
        hex.requests.every((r) => r.method === 'GET' && r.path === '/api/v1/projects'),
        'nothing but the project list was asked for'
      )
    } finally {
      await hex.close()
    }
  })

  it('a read-only token still resolves the title (then may not run it)', async () => {
    const { hex, target } = await listFake()
    try {
      const result = await byName(hex, TARGET, { 'api-token': READ_TOKEN })
      assert.ok(result.stdout.includes(`Project '${TARGET}' is ${target}.`), result.log)
      const lists = listRequests(hex)
      assert.equal(lists.length, 2)
      for (const list of lists) {
        assert.equal(list.status, 200)
        assert.equal(list.headers.authorization, `Bearer ${READ_TOKEN}`)
      }
      // The trigger is a write: the read scope is refused there, and says so.
      assert.equal(result.exitCode, 1)
      assert.deepEqual(
        methods(target, 'POST', hex).map((r) => r.status),
        [403]
      )
      assert.match(errorAnnotations(result)[0] ?? '', /403 Forbidden.*"Run projects" scope/)
      assert.equal(hex.runs().length, 0)
    } finally {
      await hex.close()
    }
  })
})

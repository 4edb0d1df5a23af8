/**
 * How long a run waited for a kernel and how long it ran, from the stateEvents GetRunStatus adds
 * when asked (enable-expanded-stats: true): in whole steps of the action against the stand-in
 * (virtual clock), and the reading of the events on its own. Events that are missing, strange or
 * contradictory leave the times empty; they never fail a step.
 */
import assert from 'node:assert/strict'
import { afterEach, describe, it } from '@jest/globals'
import { readStatusEvents } from '../src/hex/answers.ts'
import { phasesOf } from '../src/runs/phases.ts'
import type { LifecycleStep, StateEventsMode } from '../test/fake-hex/server.ts'
import type { ActionResult } from '../test/runner/run-action.ts'
import { hexForTests, runAgainst } from './helpers/action.ts'
import { addProject, errorAnnotations, requestsFor } from './helpers/e2e.ts'

/** Three minutes and two seconds waiting for a kernel, then eight seconds' work. */
const QUEUED: LifecycleStep[] = [
  { status: 'PENDING', ms: 182_000 },
  { status: 'RUNNING', ms: 8_000 },
  { status: 'COMPLETED' }
]

const hex = hexForTests()
afterEach(() => {
  hex().setStateEvents('normal')
})

const entryOf = (result: ActionResult) =>
  (JSON.parse(result.outputs.runs ?? '[]') as Array<Record<string, unknown>>)[0] ?? {}

describe('queued and run time', () => {
  it('a run that waited for a kernel: the log, the summary and the outputs say how long', async () => {
    const projectId = addProject(hex(), { lifecycle: QUEUED })
    const result = await runAgainst(hex(), projectId)
    assert.equal(result.exitCode, 0, result.log)
    // Every status read asked for the events.
    const reads = requestsFor(hex(), projectId).filter((r) => r.path.includes('/runs/'))
    assert.ok(reads.length > 1)
    assert.ok(reads.every((r) => r.headers['enable-expanded-stats'] === 'true'))

    assert.equal(result.outputs['queued-seconds'], '182')
    assert.equal(result.outputs['run-seconds'], '8')
    assert.equal(entryOf(result).queuedSeconds, 182)
    assert.equal(entryOf(result).runSeconds, 8)
    assert.match(
      result.stdout,
      /^Hex run \S+ of '[^']+' COMPLETED in 8\.0s: queued 3m 2s, ran 8\.0s\.$/m
    )
    assert.match(result.summary, /^\| Queued for a kernel \| 3m 2s \|$/m)
    assert.match(result.summary, /^\| Ran \| 8\.0s \|$/m)
  })

  it('a run that errored: its times too, and the step fails as before', async () => {
    const projectId = addProject(hex(), {
      lifecycle: [
        { status: 'PENDING', ms: 5_000 },
        { status: 'RUNNING', ms: 2_000 },
        { status: 'ERRORED' }
      ]
    })
    const result = await runAgainst(hex(), projectId)
    assert.equal(result.exitCode, 1, result.log)
    assert.equal(result.outputs.status, 'ERRORED')
    assert.equal(result.outputs['queued-seconds'], '5')
    assert.equal(result.outputs['run-seconds'], '2')
    assert.match(
      result.stdout,
      /^Hex run \S+ of '[^']+' ended ERRORED after 2\.0s: queued 5\.0s, ran 2\.0s\.$/m
    )
    assert.equal(errorAnnotations(result).length, 1)
  })

  it('a run Hex could not allocate a kernel for: queued until its end, no run time', async () => {
    const projectId = addProject(hex(), {
      lifecycle: [{ status: 'PENDING', ms: 30_000 }, { status: 'UNABLE_TO_ALLOCATE_KERNEL' }]
    })
    const result = await runAgainst(hex(), projectId)
    assert.equal(result.exitCode, 1, result.log)
    assert.equal(result.outputs['queued-seconds'], '30')
    assert.equal(result.outputs['run-seconds'], '')
    assert.equal(entryOf(result).runSeconds, null)
  })

  it('a run that timed out while running: how long it queued; no run time yet', async () => {
    const projectId = addProject(hex(), {
      lifecycle: [{ status: 'PENDING', ms: 4_000 }, { status: 'RUNNING' }]
    })
    const result = await runAgainst(hex(), projectId, { timeout: '30s' })
    assert.equal(result.outputs.status, 'TIMEOUT')
    assert.equal(result.outputs['queued-seconds'], '4')
    assert.equal(result.outputs['run-seconds'], '')
    assert.match(result.stdout, /^Hex run \S+ waited 4\.0s for a kernel\.$/m)
  })

  it('Hex gave no events: the fields stay empty, nothing else changes', async () => {
    hex().setStateEvents('omitted')
    const projectId = addProject(hex(), { lifecycle: QUEUED })
    const result = await runAgainst(hex(), projectId)
    assert.equal(result.exitCode, 0, result.log)
    assert.equal(result.outputs['queued-seconds'], '')
    assert.equal(result.outputs['run-seconds'], '')
    assert.equal(entryOf(result).queuedSeconds, null)
    assert.doesNotMatch(result.summary, /Queued for a kernel|\| Ran \|/)
    assert.match(result.stdout, /^Hex run \S+ of '[^']+' COMPLETED in 8\.0s\.$/m)
  })

  for (const mode of [
    'empty',
    'not-an-array',
    'bad-timestamps',
    'garbage',
    'contradictory'
  ] as const) {
    it(`events that say nothing (${mode}): empty fields, never an error`, async () => {
      hex().setStateEvents(mode)
      const projectId = addProject(hex(), { lifecycle: QUEUED })
      const result = await runAgainst(hex(), projectId)
      assert.equal(result.exitCode, 0, result.log)
      assert.equal(result.outputs.status, 'COMPLETED')
      assert.equal(result.outputs['queued-seconds'], '')
      assert.equal(result.outputs['run-seconds'], '')
      assert.doesNotMatch(result.log, /^::(?:warning|error)/m)
    })
  }

  for (const mode of ['unknown-types', 'duplicates', 'out-of-order'] as StateEventsMode[]) {
    it(`events among others, twice or in any order (${mode}): the same times`, async () => {
      hex().setStateEvents(mode)
      const projectId = addProject(hex(), { lifecycle: QUEUED })
      const result = await runAgainst(hex(), projectId)
      assert.equal(result.exitCode, 0, result.log)
      assert.equal(result.outputs['queued-seconds'], '182')
      assert.equal(result.outputs['run-seconds'], '8')
    })
  }
})

describe('the history, where its runs carry state events', () => {
  it("takes each run's run time, not its wait for a kernel", async () => {
    const projectId = addProject(hex(), {
      lifecycle: [{ status: 'RUNNING', ms: 20_000 }, { status: 'COMPLETED' }]
    })
    // Hex documents no way to ask GetProjectRuns for the events; an answer that has them anyway
    // is read: each run queued 100 s (counted in its elapsedTime here) and ran 20 s.
    const at = (s: number) => new Date(Date.UTC(2026, 0, 5, 9, 0, s)).toISOString()
    const runs = Array.from({ length: 5 }, (_, i) => ({
      projectId,
      projectVersion: '1',
      runId: `0d3f7a2c-91b4-4e6d-8a35-c2f1e0b9d84${i}`,
      runUrl: 'https://app.hex.tech/acme/app/x/latest',
      status: 'COMPLETED',
      runTrigger: 'API',
      startTime: at(0),
      endTime: at(120),
      elapsedTime: 120_000,
      traceId: 't',
      stateEvents: [
        { type: 'STATUS_CHANGED', value: 'PENDING', timestamp: at(0) },
        { type: 'STATUS_CHANGED', value: 'RUNNING', timestamp: at(100) },
        { type: 'STATUS_CHANGED', value: 'COMPLETED', timestamp: at(120) }
      ]
    }))
    const body = { runs, nextPage: null, previousPage: null, traceId: 't' }
    const path = `/api/v1/projects/${projectId}/runs`
    hex().injectFault({ method: 'GET', path, action: { kind: 'respond', status: 200, body } })
    const result = await runAgainst(hex(), projectId)
    assert.equal(result.exitCode, 0, result.log)
    assert.equal(result.outputs['usual-seconds'], '20')
    assert.match(result.stdout, /completed API-triggered runs usually took 20\.0s/)
  })
})

describe('reading state events', () => {
  const at = (s: number) => `2026-01-05T09:30:${String(s).padStart(2, '0')}.000Z`
  const event = (value: unknown, timestamp: unknown, type: unknown = 'STATUS_CHANGED') => ({
    type,
    value,
    timestamp
  })

  it('keeps the events whose value is a run status and whose time parses, whatever their type', () => {
    assert.deepEqual(
      readStatusEvents([
        event('PENDING', at(1)),
        event('running', at(3), 'SOMETHING_NEW'),
        event('KERNEL_READY', at(2)),
        event('COMPLETED', 'soon'),
        event('COMPLETED', 1_767_605_405),
        null,
        'RUNNING',
        event('ERRORED', at(9))
      ]),
      [
        { status: 'PENDING', at: Date.parse(at(1)) },
        { status: 'RUNNING', at: Date.parse(at(3)) },
        { status: 'ERRORED', at: Date.parse(at(9)) }
      ]
    )
    assert.equal(readStatusEvents(undefined), undefined)
    assert.equal(readStatusEvents({ events: [] }), undefined)
    assert.deepEqual(readStatusEvents([]), [])
  })

  it('puts them into queue and run time, or leaves what they cannot tell', () => {
    const e = (status: 'PENDING' | 'RUNNING' | 'COMPLETED' | 'KILLED', s: number) => ({
      status,
      at: s * 1000
    })
    assert.deepEqual(phasesOf([e('PENDING', 0), e('RUNNING', 182), e('COMPLETED', 190)]), {
      queuedMs: 182_000,
      runMs: 8_000
    })
    // Out of order, twice: the first time of each status.
    assert.deepEqual(
      phasesOf([e('COMPLETED', 190), e('RUNNING', 182), e('PENDING', 0), e('RUNNING', 185)]),
      { queuedMs: 182_000, runMs: 8_000 }
    )
    // Still queued; running and not yet over; ended in the queue.
    assert.deepEqual(phasesOf([e('PENDING', 0)]), {})
    assert.deepEqual(phasesOf([e('PENDING', 0), e('RUNNING', 5)]), { queuedMs: 5_000 })
    assert.deepEqual(phasesOf([e('PENDING', 0), e('KILLED', 30)]), { queuedMs: 30_000 })
    // No PENDING event: the run time only.
    assert.deepEqual(phasesOf([e('RUNNING', 5), e('COMPLETED', 9)]), { runMs: 4_000 })
    // Times that contradict the statuses: neither is trusted.
    assert.deepEqual(phasesOf([e('PENDING', 10), e('RUNNING', 5), e('COMPLETED', 20)]), {})
    assert.deepEqual(phasesOf([e('PENDING', 0), e('RUNNING', 20), e('COMPLETED', 9)]), {})
    assert.deepEqual(phasesOf(undefined), {})
    assert.deepEqual(phasesOf([]), {})
  })
})

/** The pool of several runs (src/runs/run-many.ts), with runs that are only promises. */
import assert from 'node:assert/strict'
import { describe, it } from '@jest/globals'
import { runMany, type RunManyOptions } from '../src/runs/run-many.ts'
import type { RunOutcome, RunTarget, Stops } from '../src/runs/types.ts'

const targets: RunTarget[] = ['a', 'b', 'c', 'd'].map((projectId) => ({ projectId }))
const FACTS = { runUrl: '', statusUrl: '', startedAt: '' }

/** A run that ends with `status` after `ticks` turns of the event loop, unless stopped first. */
function fakeRun(log: string[], plan: Record<string, { status: string; ticks: number }>) {
  return async (target: RunTarget, stops: Stops): Promise<RunOutcome> => {
    const stopped = () => stops.workflow?.aborted || stops.failFast?.aborted
    if (stopped())
      return {
        target,
        kind: 'stopped',
        by: stops.workflow?.aborted ? 'workflow' : 'fail-fast',
        phase: 'before-start'
      }
    log.push(`start ${target.projectId}`)
    const { status, ticks } = plan[target.projectId] ?? { status: 'COMPLETED', ticks: 1 }
    for (let i = 0; i < ticks; i++) {
      await new Promise((resolve) => setImmediate(resolve))
      if (stopped()) {
        log.push(`stopped ${target.projectId}`)
        const run = { projectId: target.projectId, runId: target.projectId, ...FACTS }
        return { target, kind: 'stopped', by: 'fail-fast', phase: 'going', run }
      }
    }
    log.push(`end ${target.projectId}`)
    const run = { projectId: target.projectId, runId: target.projectId, ...FACTS }
    return { target, kind: 'ended', status, run }
  }
}

const options = (changes: Partial<RunManyOptions> = {}): RunManyOptions => ({
  maxParallel: 4,
  failFast: false,
  isFailure: (o) => !(o.kind === 'ended' && o.status === 'COMPLETED'),
  ...changes
})

describe('runMany', () => {
  it('keeps at most max-parallel runs going and returns outcomes in the order given', async () => {
    const log: string[] = []
    const outcomes = await runMany(
      targets,
      options({ maxParallel: 2 }),
      fakeRun(log, { a: { status: 'COMPLETED', ticks: 5 }, b: { status: 'ERRORED', ticks: 1 } })
    )
    assert.deepEqual(
      outcomes.map((o) => o.target.projectId),
      ['a', 'b', 'c', 'd']
    )
    assert.deepEqual(log.slice(0, 4), ['start a', 'start b', 'end b', 'start c'])
    let going = 0
    for (const line of log) {
      going += line.startsWith('start') ? 1 : -1
      assert.ok(going <= 2, 'more than two at once')
    }
  })

  it('fail-fast: the first failure stops the runs going and starts no more', async () => {
    const log: string[] = []
    const outcomes = await runMany(
      targets,
      options({ maxParallel: 2, failFast: true }),
      fakeRun(log, { a: { status: 'COMPLETED', ticks: 10 }, b: { status: 'ERRORED', ticks: 1 } })
    )
    assert.deepEqual(
      outcomes.map((o) => (o.kind === 'stopped' ? `${o.phase} ${o.by}` : o.kind)),
      ['going fail-fast', 'ended', 'before-start fail-fast', 'before-start fail-fast']
    )
    assert.ok(!log.includes('start c'))
  })

  it('without fail-fast, a failure stops nothing', async () => {
    const log: string[] = []
    const outcomes = await runMany(
      targets,
      options({ maxParallel: 1 }),
      fakeRun(log, { a: { status: 'ERRORED', ticks: 1 } })
    )
    assert.deepEqual(
      outcomes.map((o) => o.kind),
      ['ended', 'ended', 'ended', 'ended']
    )
  })

  it("what counts as a failure is the caller's call (fail-on-run-failure: false)", async () => {
    const log: string[] = []
    const outcomes = await runMany(
      targets,
      options({ maxParallel: 1, failFast: true, isFailure: () => false }),
      fakeRun(log, { a: { status: 'ERRORED', ticks: 1 } })
    )
    assert.equal(outcomes.filter((o) => o.kind === 'ended').length, 4)
  })

  it("a workflow cancel before a run's turn keeps it from starting", async () => {
    const workflow = new AbortController()
    workflow.abort()
    const log: string[] = []
    const outcomes = await runMany(
      targets,
      options({ workflow: workflow.signal }),
      fakeRun(log, {})
    )
    assert.deepEqual(log, [])
    assert.ok(outcomes.every((o) => o.kind === 'stopped' && o.by === 'workflow'))
  })
})

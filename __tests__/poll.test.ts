/** Polling: the blind schedule (src/runs/schedule.ts) and the wait that follows it (src/runs/wait.ts). */
import assert from 'node:assert/strict'
import { describe, it } from '@jest/globals'
import type { RunState } from '../src/hex/types.ts'
import { blindSchedule, FIRST_POLL_DELAY_MS, nextPollDelay } from '../src/runs/schedule.ts'
import { waitForEnd, type WaitOptions } from '../src/runs/wait.ts'
import { VirtualClock } from './helpers/virtual-clock.ts'

/** A run whose status follows a timeline on the virtual clock: [status, from ms after start]. */
function scriptedRun(clock: VirtualClock, timeline: [string, number][]) {
  const start = clock.now()
  let reads = 0
  const getState = (): Promise<RunState> => {
    reads += 1
    const elapsed = clock.now() - start
    let status = timeline[0]?.[0] ?? 'PENDING'
    for (const [s, from] of timeline) if (elapsed >= from) status = s
    return Promise.resolve({ projectId: 'p', runId: 'r', status })
  }
  return { getState, reads: () => reads }
}

function options(clock: VirtualClock, getState: () => Promise<RunState>): WaitOptions {
  return {
    getState,
    clock,
    startedAt: clock.now(),
    deadline: clock.now() + 3_600_000,
    schedule: blindSchedule(5_000)
  }
}

describe('nextPollDelay', () => {
  it('starts quickly and doubles up to the poll interval', () => {
    const delays = Array.from({ length: 8 }, (_, i) => nextPollDelay(i, 5_000))
    assert.deepEqual(delays, [250, 500, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000])
  })
  it('never exceeds a short interval', () => {
    assert.equal(nextPollDelay(0, 200), 200)
  })
})

describe('waitForEnd', () => {
  it('returns the terminal state and reports each change once', async () => {
    const clock = new VirtualClock()
    const run = scriptedRun(clock, [
      ['PENDING', 0],
      ['RUNNING', 600],
      ['COMPLETED', 3_000]
    ])
    const seen: [string, boolean][] = []
    const result = await waitForEnd({
      ...options(clock, run.getState),
      onState: (s, p) => seen.push([s.status, p.changed])
    })
    assert.equal(result.kind, 'finished')
    assert.equal(result.kind === 'finished' && result.state.status, 'COMPLETED')
    assert.deepEqual(seen, [
      ['PENDING', true],
      ['PENDING', false],
      ['RUNNING', true],
      ['RUNNING', false],
      ['COMPLETED', true]
    ])
    // Reads at 0, 250, 750, 1750, 3750 ms.
    assert.deepEqual(clock.sleeps, [250, 500, 1_000, 2_000])
  })

  for (const status of ['ERRORED', 'KILLED', 'UNABLE_TO_ALLOCATE_KERNEL']) {
    it(`stops at ${status}`, async () => {
      const clock = new VirtualClock()
      const run = scriptedRun(clock, [
        ['RUNNING', 0],
        [status, 1_000]
      ])
      const result = await waitForEnd(options(clock, run.getState))
      assert.equal(result.kind === 'finished' && result.state.status, status)
    })
  }

  it('notices a half-second run within a second', async () => {
    const clock = new VirtualClock()
    const run = scriptedRun(clock, [
      ['RUNNING', 0],
      ['COMPLETED', 500]
    ])
    const start = clock.now()
    await waitForEnd(options(clock, run.getState))
    assert.ok(clock.now() - start <= 1_000, `noticed after ${clock.now() - start} ms`)
  })

  it('costs about duration / poll-interval requests on a long run', async () => {
    const clock = new VirtualClock()
    const run = scriptedRun(clock, [
      ['RUNNING', 0],
      ['COMPLETED', 3_600_000 - 1]
    ])
    await waitForEnd({ ...options(clock, run.getState), deadline: clock.now() + 2 * 3_600_000 })
    assert.ok(run.reads() <= 3_600_000 / 5_000 + 6, `${run.reads()} reads`)
  })

  it('times out at the deadline with one last read exactly on it', async () => {
    const clock = new VirtualClock()
    const run = scriptedRun(clock, [['RUNNING', 0]])
    const start = clock.now()
    const result = await waitForEnd({
      ...options(clock, run.getState),
      deadline: clock.now() + 12_000
    })
    assert.equal(result.kind, 'timeout')
    assert.equal(result.kind === 'timeout' && result.last?.status, 'RUNNING')
    assert.equal(clock.now() - start, 12_000)
  })

  it('sees a run that ends on the deadline as finished, not timed out', async () => {
    const clock = new VirtualClock()
    const run = scriptedRun(clock, [
      ['RUNNING', 0],
      ['COMPLETED', 12_000]
    ])
    const result = await waitForEnd({
      ...options(clock, run.getState),
      deadline: clock.now() + 12_000
    })
    assert.equal(result.kind, 'finished')
  })

  it('keeps waiting through a status it does not know, until the timeout', async () => {
    const clock = new VirtualClock()
    const run = scriptedRun(clock, [['QUEUED', 0]])
    const result = await waitForEnd({
      ...options(clock, run.getState),
      deadline: clock.now() + 30_000
    })
    assert.equal(result.kind, 'timeout')
    assert.equal(result.kind === 'timeout' && result.last?.status, 'QUEUED')
  })

  it('goes on from an unknown status to a known end', async () => {
    const clock = new VirtualClock()
    const run = scriptedRun(clock, [
      ['QUEUED', 0],
      ['COMPLETED', 2_000]
    ])
    const result = await waitForEnd(options(clock, run.getState))
    assert.equal(result.kind === 'finished' && result.state.status, 'COMPLETED')
  })

  it('stops when the signal aborts, without another read', async () => {
    const clock = new VirtualClock()
    const controller = new AbortController()
    const run = scriptedRun(clock, [['RUNNING', 0]])
    const result = await waitForEnd({
      ...options(clock, run.getState),
      signal: controller.signal,
      onState: (_, p) => {
        if (p.reads === 3) controller.abort()
      }
    })
    assert.equal(result.kind, 'aborted')
    assert.equal(run.reads(), 3)
  })

  it('passes on an error from a read', async () => {
    const clock = new VirtualClock()
    await assert.rejects(
      waitForEnd(options(clock, () => Promise.reject(new Error('boom')))),
      /boom/
    )
  })

  it('reads first without waiting', async () => {
    const clock = new VirtualClock()
    const run = scriptedRun(clock, [['COMPLETED', 0]])
    await waitForEnd(options(clock, run.getState))
    assert.deepEqual(clock.sleeps, [])
    assert.ok(FIRST_POLL_DELAY_MS < 1_000)
  })
})

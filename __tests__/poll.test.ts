/**
 * Polling: the blind schedule and the one from a project's history (src/runs/pacing/), the
 * history's figures (src/runs/history.ts), and the wait that follows a schedule (src/runs/wait.ts).
 */
import assert from 'node:assert/strict'
import { describe, it } from '@jest/globals'
import type { RunState } from '../src/hex/types.ts'
import { summarize, type RunHistory } from '../src/runs/history.ts'
import { FIRST_POLL_DELAY_MS, MAX_DENSE_GAP_MS } from '../src/runs/pacing/constants.ts'
import {
  blindSchedule,
  endWindow,
  historySchedule,
  nextPollDelay,
  type PollSchedule
} from '../src/runs/pacing/schedule.ts'
import { waitForEnd, type WaitOptions } from '../src/runs/wait.ts'
import { spreadHistory } from '../scripts/bench/simulate.ts'
import { VirtualClock } from '../test/runner/virtual-clock.ts'

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
  it('waits as long as the run has gone, from 150 ms up to the poll interval', () => {
    const delays = [0, 100, 150, 300, 600, 2_400, 4_800, 40_000].map((elapsed) =>
      nextPollDelay(elapsed, 5_000)
    )
    assert.deepEqual(delays, [150, 150, 150, 300, 600, 2_400, 4_800, 5_000])
  })
  it('never exceeds a short interval', () => {
    assert.equal(nextPollDelay(0, 100), 100)
    assert.equal(nextPollDelay(10_000, 200), 200)
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
      ['PENDING', false],
      ['RUNNING', true],
      ['RUNNING', false],
      ['RUNNING', false],
      ['COMPLETED', true]
    ])
    // Reads at 0, 150, 300, 600, 1200, 2400 and 4800 ms: each gap as long as the run has gone.
    assert.deepEqual(clock.sleeps, [150, 150, 300, 600, 1_200, 2_400])
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

  it('notices a 0.3 s run within 150 ms of its end, a half-second run within a second', async () => {
    const quick = new VirtualClock()
    const short = scriptedRun(quick, [
      ['RUNNING', 0],
      ['COMPLETED', 300]
    ])
    const t0 = quick.now()
    await waitForEnd(options(quick, short.getState))
    assert.ok(quick.now() - t0 <= 450, `noticed after ${quick.now() - t0} ms`)

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
    // The quick first reads (0 to 4.8 s) cost eight more than one per poll-interval.
    assert.ok(run.reads() <= 3_600_000 / 5_000 + 8, `${run.reads()} reads`)
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

describe('summarize', () => {
  it('gives the median as the usual duration, and the spread with outliers set aside', () => {
    const read = summarize([10_000, 12_000, 11_000, 9_000, 95_000])
    assert.deepEqual(read, {
      kind: 'known',
      history: { runs: 5, usualMs: 11_000, shortestMs: 9_000, longestMs: 12_000 }
    })
    // Even counts take the middle two; identical durations make a window of their own.
    const even = summarize([4_000, 2_000, 6_000, 8_000])
    assert.equal(even.kind === 'known' && even.history.usualMs, 5_000)
    const same = summarize([7_000, 7_000, 7_000, 70_000])
    assert.deepEqual(
      same.kind === 'known' && [same.history.shortestMs, same.history.longestMs],
      [7_000, 7_000]
    )
  })

  it('predicts nothing from fewer than three runs', () => {
    const read = summarize([10_000, 11_000])
    assert.equal(read.kind, 'unknown')
    assert.match(read.kind === 'unknown' ? read.why : '', /2 completed API-triggered runs/)
  })
})

/** A run that ends with `status` at `endMs` (after PENDING until `startMs`): every read's time. */
async function follow(
  schedule: PollSchedule,
  endMs: number,
  how: { status?: string; startMs?: number } = {}
): Promise<{ lagMs: number; reads: number[]; gaps: number[] }> {
  const clock = new VirtualClock()
  const timeline: [string, number][] = [
    ['PENDING', 0],
    ['RUNNING', how.startMs ?? 0],
    [how.status ?? 'COMPLETED', endMs]
  ]
  const run = scriptedRun(clock, timeline)
  const start = clock.now()
  const reads: number[] = []
  await waitForEnd({
    ...options(clock, run.getState),
    schedule,
    onState: () => reads.push(clock.now() - start)
  })
  const gaps = reads.slice(1).map((t, i) => t - (reads[i] as number))
  return { lagMs: clock.now() - start - endMs, reads, gaps }
}

const usual = (ms: number, spread: number): RunHistory => {
  const read = summarize(spreadHistory(ms, spread))
  assert.equal(read.kind, 'known')
  return (read as { history: RunHistory }).history
}
const fromHistory = (history: RunHistory | undefined) =>
  historySchedule(blindSchedule(5_000), () => history)
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length

describe('historySchedule', () => {
  it('polls exactly as the blind schedule while there is no history', async () => {
    for (const endMs of [400, 3_000, 14_000, 61_000]) {
      const blind = await follow(blindSchedule(5_000), endMs)
      const none = await follow(fromHistory(undefined), endMs)
      assert.deepEqual(none.reads, blind.reads)
    }
  })

  for (const [spread, name] of [
    [0.1, '±10 %'],
    [0.3, '±30 %']
  ] as const) {
    it(`sees a run within ${name} of its history within one dense gap, for little more reads`, async () => {
      for (const usualMs of [14_000, 20_000, 26_000]) {
        const history = usual(usualMs, spread)
        const lags: number[] = []
        const reads: number[] = []
        const blindReads: number[] = []
        for (let i = 0; i <= 20; i++) {
          const endMs = usualMs * (1 - spread + (2 * spread * i) / 20)
          const seen = await follow(fromHistory(history), endMs)
          lags.push(seen.lagMs)
          reads.push(seen.reads.length)
          blindReads.push((await follow(blindSchedule(5_000), endMs)).reads.length)
          assert.ok(seen.gaps.every((gap) => gap <= 5_000))
        }
        const { gapMs } = endWindow(history, 0)
        assert.ok(gapMs <= (spread === 0.1 ? MAX_DENSE_GAP_MS : 2_000))
        assert.ok(Math.max(...lags) <= gapMs, `${usualMs}: lags ${lags.join(', ')}`)
        // The history read is one more; ±10 % stays within 1.3x the blind reads with it.
        if (spread === 0.1) assert.ok((mean(reads) + 1) / mean(blindReads) <= 1.3)
      }
    })
  }

  it('sees a run that fails at a fifth of its usual time as soon as the blind schedule does', async () => {
    for (const usualMs of [14_000, 20_000, 26_000, 300_000]) {
      const endMs = usualMs / 5
      const seen = await follow(fromHistory(usual(usualMs, 0.1)), endMs, { status: 'ERRORED' })
      const blind = await follow(blindSchedule(5_000), endMs, { status: 'ERRORED' })
      assert.deepEqual(seen.reads, blind.reads)
    }
  })

  it('reads sparsely far from the end, densely across the window, then less and less', async () => {
    const history = usual(60_000, 0.1)
    const window = endWindow(history, 0)
    const { reads, gaps } = await follow(fromHistory(history), 100_000)
    // (The read that lands on the window's start, to the millisecond, is the window's.)
    const before = reads.filter((t) => t < window.fromMs - 1)
    // Before the window: the blind schedule (its quick first reads, then poll-interval).
    assert.deepEqual(
      before,
      [
        0, 150, 300, 600, 1_200, 2_400, 4_800, 9_600, 14_600, 19_600, 24_600, 29_600, 34_600,
        39_600, 44_600, 49_600
      ]
    )
    // Across the window (from a read at most one dense gap before it): one every dense gap.
    const inside = gaps.filter(
      (_, i) =>
        (reads[i] as number) >= window.fromMs - window.gapMs && (reads[i] as number) < window.toMs
    )
    assert.ok(inside.length >= 7)
    assert.ok(
      // To the millisecond: the clock counts from the epoch, so fractions of one are lost.
      inside.every((gap) => Math.abs(gap - window.gapMs) < 1),
      inside.join(', ')
    )
    // Past the window each gap is at least the one before, up to poll-interval.
    const after = gaps.filter((_, i) => (reads[i] as number) >= window.toMs)
    assert.ok(after.length >= 3)
    assert.ok(after.every((gap, i) => i === 0 || gap >= (after[i - 1] as number)))
    assert.equal(after[after.length - 1], 5_000)
  })

  it('moves the end of the window by the time the run spent PENDING', async () => {
    const history = usual(20_000, 0.1)
    // Hex counts its durations from the start: a run pending for 10 s ends 10 s later.
    const late = await follow(fromHistory(history), 10_000 + 21_000, { startMs: 10_000 })
    assert.ok(late.lagMs <= MAX_DENSE_GAP_MS, String(late.lagMs))
    assert.ok(endWindow(history, 10_000).toMs > endWindow(history, 0).toMs + 9_000)
  })

  it('starts from the history once it arrives, blind until then', () => {
    const history = usual(20_000, 0.1)
    let known: RunHistory | undefined = undefined
    const schedule = historySchedule(blindSchedule(5_000), () => known)
    const running: RunState = { projectId: 'p', runId: 'r', status: 'RUNNING' }
    assert.equal(schedule.delayMs(5, 7_750, running), 5_000)
    known = history
    // Known now: the next read lands on the window's start, sooner than poll-interval.
    const { fromMs } = endWindow(history, 0)
    assert.equal(schedule.delayMs(6, 12_750, running), fromMs - 12_750)
    assert.ok(fromMs - 12_750 < 5_000)
  })

  it('gives a long or wide window the pace one run can sustain, never a faster one', () => {
    const long = endWindow(usual(3_600_000, 0.3), 0)
    assert.ok(long.gapMs >= 2_000 && long.gapMs <= 2_500, String(long.gapMs))
    const tight = endWindow(usual(2_000, 0.05), 0)
    assert.equal(tight.gapMs, 500)
  })
})

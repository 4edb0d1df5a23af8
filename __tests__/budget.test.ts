/**
 * The step's request budget (src/runs/pacing/budget.ts) on its own, then in whole steps of the action:
 * eight runs at once against a stand-in that enforces Hex's limit, and a 429 that holds every run.
 */
import assert from 'node:assert/strict'
import { describe, it } from '@jest/globals'
import { RequestBudget } from '../src/runs/pacing/budget.ts'
import { BUDGET_CAPACITY } from '../src/runs/pacing/constants.ts'
import { maxInWindow, simulate, spreadHistory } from '../scripts/bench/simulate.ts'
import { VirtualClock } from '../test/runner/virtual-clock.ts'

/** Asks for `count` turns at once; returns when each was granted, from now. */
async function grants(clock: VirtualClock, budget: RequestBudget, count: number) {
  const start = clock.now()
  const at: number[] = []
  await Promise.all(
    Array.from({ length: count }, () =>
      budget.turn(clock.now()).then(() => at.push(clock.now() - start))
    )
  )
  return at
}

describe('RequestBudget', () => {
  it('lets a burst of 6 through at once, then one every 2.5 s', async () => {
    const clock = new VirtualClock()
    const budget = new RequestBudget(clock)
    assert.deepEqual(await grants(clock, budget, 9), [0, 0, 0, 0, 0, 0, 2_500, 5_000, 7_500])
    // Never more than 30 in any 60 s however many ask: 30 exactly with both ends counted.
    const clock2 = new VirtualClock()
    const at = await grants(clock2, new RequestBudget(clock2), 100)
    assert.equal(maxInWindow(at, 60_000), 29)
    assert.equal(maxInWindow(at, 60_001), 30)
  })

  it('gives the next turn to the most overdue read', async () => {
    const clock = new VirtualClock()
    const budget = new RequestBudget(clock, 1, 60)
    await budget.turn(clock.now()) // the bucket is empty now
    const order: string[] = []
    const now = clock.now()
    await Promise.all([
      budget.turn(now).then(() => order.push('due now')),
      budget.turn(now - 5_000).then(() => order.push('due 5 s ago')),
      budget.turn(now - 1_000).then(() => order.push('due 1 s ago')),
      budget.turn(now - 5_000).then(() => order.push('due 5 s ago, asked later'))
    ])
    assert.deepEqual(order, ['due 5 s ago', 'due 5 s ago, asked later', 'due 1 s ago', 'due now'])
  })

  it('lets a read whose run stopped leave the queue, and stops waiting when none is left', async () => {
    const clock = new VirtualClock()
    const budget = new RequestBudget(clock, 1, 1)
    await budget.turn(clock.now())
    const stop = new AbortController()
    const waiting = budget.turn(clock.now(), stop.signal)
    assert.equal(budget.waiting, 1)
    stop.abort()
    await waiting
    assert.equal(budget.waiting, 0)
    // The next token is a minute away; nothing waits for it, so no sleep is left behind.
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(clock.now(), Date.UTC(2026, 10, 29, 12, 0, 0))
  })

  it('counts a cancel without holding it, and the reads after it pay it back', async () => {
    const clock = new VirtualClock()
    const budget = new RequestBudget(clock)
    for (let i = 0; i < BUDGET_CAPACITY + 2; i++) budget.spend()
    assert.deepEqual(await grants(clock, budget, 1), [7_500])
  })

  it("follows Hex's remaining count, and waits out a window it says is spent", async () => {
    const clock = new VirtualClock()
    const budget = new RequestBudget(clock)
    budget.observe({ operation: 'status', remaining: 2 })
    assert.deepEqual(await grants(clock, budget, 3), [0, 0, 2_500])
    budget.observe({ operation: 'status', remaining: 0, resetInMs: 20_000 })
    assert.deepEqual(await grants(clock, budget, 2), [20_000, 20_000])
  })

  it('holds every read for a 429, halves its pace, and leaves the trigger limit apart', async () => {
    const clock = new VirtualClock()
    const budget = new RequestBudget(clock)
    budget.observe({ operation: 'trigger', limited: { retryAfterMs: 60_000 } })
    assert.deepEqual(await grants(clock, budget, 1), [0])
    budget.observe({ operation: 'status', limited: { retryAfterMs: 10_000 } })
    assert.equal(budget.perMinute, 12)
    // Held for 10 s; by then 2 tokens have come back at the halved pace, then one every 5 s.
    assert.deepEqual(await grants(clock, budget, 4), [10_000, 10_000, 15_000, 20_000])
    budget.observe({ operation: 'list', limited: {} })
    budget.observe({ operation: 'list', limited: {} })
    budget.observe({ operation: 'list', limited: {} })
    assert.equal(budget.perMinute, 6)
  })
})

/** Eight projects with ±10 % histories around 90 s, runs ending across 81 s to 99 s. */
function eightRuns() {
  return Array.from({ length: 8 }, (_, i) => ({
    durationMs: 81_000 + i * 2_500,
    history: spreadHistory(90_000, 0.1)
  }))
}

describe('one budget for a whole step', () => {
  it('keeps eight runs at once within 30 reads in any 60 s, and Hex never answers 429', async () => {
    for (const history of ['true', 'false']) {
      const step = await simulate(eightRuns(), {
        inputs: { 'max-parallel': '8', history },
        rateLimit: { perMinute: 30 }
      })
      assert.equal(step.result.exitCode, 0, step.result.log)
      assert.equal(step.limited, 0, `history ${history}: 429s`)
      assert.ok(step.maxReadsPerMinute <= 30, `history ${history}: ${step.maxReadsPerMinute}`)
      // Every run was seen to end, every one of them read more than once.
      for (const run of step.runs) assert.ok(run.statusReads > 1 && run.lagMs >= 0)
    }
  })

  it("follows Hex's headers where its limit is lower, and still gets no 429", async () => {
    const step = await simulate(eightRuns().slice(0, 2), {
      inputs: { 'max-parallel': '2' },
      rateLimit: { perMinute: 12, headers: true }
    })
    assert.equal(step.result.exitCode, 0, step.result.log)
    assert.equal(step.limited, 0)
    assert.ok(step.maxReadsPerMinute <= 12, String(step.maxReadsPerMinute))
  })

  it('holds every run of the step for a 429, not only the one that got it', async () => {
    const runs = [
      { durationMs: 60_000, history: spreadHistory(60_000, 0.1) },
      { durationMs: 60_000, history: spreadHistory(60_000, 0.1) }
    ]
    const first = `/api/v1/projects/${'0bec51a0-0000-4000-8000-000000000001'}/runs/`
    const step = await simulate(runs, {
      inputs: { 'max-parallel': '2' },
      faults: [
        {
          method: 'GET',
          path: new RegExp(`^${first}[^/]+$`),
          skip: 6,
          action: { kind: 'respond', status: 429, headers: { 'retry-after': '20' } }
        }
      ]
    })
    assert.equal(step.result.exitCode, 0, step.result.log)
    const limited = step.requests.find((r) => r.status === 429)
    assert.ok(limited, 'the 429 was sent')
    const during = step.reads.filter((r) => r.at > limited.at && r.at < limited.at + 20_000)
    assert.deepEqual(during, [], 'no read of either run while Hex asked to wait')
    const after = step.reads.filter((r) => r.at >= limited.at + 20_000)
    assert.ok(
      step.runs.every((run) => after.some((r) => r.path.includes(run.projectId))),
      'both runs read again after the wait'
    )
    assert.match(step.result.stdout, /Reading the run status failed: Hex answered 429/)
  })
})

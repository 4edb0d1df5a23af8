/**
 * The read planner (src/runs/pacing/): the token's window as one step sees it (window.ts), the
 * step's reads paced to its part of it (budget.ts), then whole steps of the action, one alone and
 * many jobs on one token, against a stand-in that enforces Hex's window.
 */
import assert from 'node:assert/strict'
import { describe, it } from '@jest/globals'
import { RequestBudget } from '../src/runs/pacing/budget.ts'
import { holdLine } from '../src/step/plan.ts'
import { simulateJobs } from '../scripts/bench/jobs.ts'
import {
  maxInWindow,
  simulate,
  simulatedProjectId,
  spreadHistory
} from '../scripts/bench/simulate.ts'
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

/** A budget that has sent `reads` reads, all now. */
async function sent(clock: VirtualClock, reads: number, budget = new RequestBudget(clock)) {
  for (let i = 0; i < reads; i++) await budget.turn(clock.now())
  return budget
}

describe('RequestBudget, a step alone on its token', () => {
  it("sends a short step's reads at once, and never more than 27 in any 60 s", async () => {
    const clock = new VirtualClock()
    const at = await grants(clock, new RequestBudget(clock), 21)
    assert.deepEqual(at, Array(21).fill(0), 'twenty reads wait for nothing')
    // However many ask: most of the window at once, then one every fair gap, 27 in any 60 s.
    const clock2 = new VirtualClock()
    const many = await grants(clock2, new RequestBudget(clock2), 100)
    const most = maxInWindow(many, 60_000)
    assert.ok(most <= 27 && most >= 25, String(most))
    const later = many.slice(21)
    assert.ok(
      later.every((t, i) => i === 0 || t - (later[i - 1] as number) >= 60_000 / 27 - 1),
      later.join(', ')
    )
  })

  it('gives the next turn to the most overdue read', async () => {
    const clock = new VirtualClock()
    const budget = await sent(clock, 27)
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

  it('lets a read whose run stopped leave the queue', async () => {
    const clock = new VirtualClock()
    const budget = await sent(clock, 27)
    const stop = new AbortController()
    const waiting = budget.turn(clock.now(), stop.signal)
    assert.equal(budget.waiting, 1)
    stop.abort()
    await waiting
    assert.equal(budget.waiting, 0)
  })

  it('counts a cancel without holding it', async () => {
    const clock = new VirtualClock()
    const budget = await sent(clock, 3)
    const t = clock.now()
    budget.spend()
    assert.equal(clock.now(), t)
    assert.equal(budget.window.readsSince(0), 4)
  })

  it('lets no read wait past its deadline, whatever Hex said', async () => {
    const clock = new VirtualClock()
    const budget = await sent(clock, 1)
    budget.observe({ operation: 'status', remaining: 0, resetInMs: 50_000 })
    const start = clock.now()
    await budget.turn(clock.now(), undefined, start + 3_000)
    assert.equal(clock.now() - start, 3_000)
  })
})

describe('RequestBudget, a token other jobs share', () => {
  it("learns from Hex's remaining count how many jobs read, and spreads its reads to its part", async () => {
    const clock = new VirtualClock()
    const budget = await sent(clock, 2)
    // 16 reads of the window are gone, 2 of them this step's: about 8 jobs read with the token.
    budget.observe({ operation: 'status', remaining: 14, resetInMs: 50_000 })
    assert.equal(Math.round(budget.window.sharers), 8)
    assert.equal(budget.window.allowance, 3)
    const at = await grants(clock, budget, 2)
    // One a fair gap (20 s) after the last; then, with no word from Hex since, the estimate has
    // fallen by a fifth in those 20 s, and the gap with it.
    assert.deepEqual(at, [20_000, 35_000])
  })

  it("holds every read for a 429, and learns the others' part of the window from it", async () => {
    const clock = new VirtualClock()
    const budget = await sent(clock, 5)
    const start = clock.now()
    budget.observe({ operation: 'status', limited: { retryAfterMs: 30_000 } })
    // No headers: the window was full, and 5 of its 30 reads (the 429 among them) were this step's.
    assert.equal(budget.window.sharers, 6)
    await budget.turn(clock.now())
    // Those 5 were in the window that the hold closes: the next read goes as it ends, plus a random
    // part of its fair gap (15 s), 10 s at most: half of that on the virtual clock.
    assert.equal(clock.now() - start, 35_000)
    // The trigger has a limit of its own: its 429 holds no read.
    const other = new RequestBudget(clock)
    other.observe({ operation: 'trigger', limited: { retryAfterMs: 60_000 } })
    const t = clock.now()
    await other.turn(clock.now())
    assert.equal(clock.now(), t)
    // But it says that 20 runs started with the token in the last minute: about as many jobs read.
    assert.equal(other.window.sharers, 20)
  })

  it('spreads the jobs held together after the reset, instead of all reading at it', async () => {
    const resumes = await Promise.all(
      [0.05, 0.35, 0.65, 0.95].map(async (draw) => {
        const clock = new VirtualClock()
        clock.random = () => draw
        const budget = await sent(clock, 2)
        clock.time += 30_000
        budget.observe({ operation: 'status', limited: { retryAfterMs: 40_000 } })
        const start = clock.now()
        await budget.turn(clock.now())
        return clock.now() - start
      })
    )
    assert.ok(resumes.every((ms) => ms >= 40_000))
    assert.equal(new Set(resumes).size, 4, resumes.join(', '))
    assert.ok(Math.max(...resumes) - Math.min(...resumes) >= 5_000, resumes.join(', '))
  })

  it('believes the others left only slowly: half of them a minute', async () => {
    const clock = new VirtualClock()
    const budget = await sent(clock, 1)
    budget.observe({ operation: 'status', remaining: 22, resetInMs: 59_000 })
    assert.equal(Math.round(budget.window.sharers), 8)
    // A fresh window: this step seems alone, but the estimate falls by half a minute at most.
    clock.time += 60_000
    await budget.turn(clock.now())
    budget.observe({ operation: 'status', remaining: 29, resetInMs: 59_000 })
    assert.equal(Math.round(budget.window.sharers), 4)
  })

  it('is not fooled by headers that lie', async () => {
    const clock = new VirtualClock()
    const held: number[] = []
    const budget = new RequestBudget(clock, (hold) => held.push(hold.until - clock.now()))
    await budget.turn(clock.now())
    // A reset a year away holds for one window at most.
    budget.observe({ operation: 'status', remaining: 0, resetInMs: 365 * 24 * 3_600_000 })
    assert.deepEqual(held, [60_000])
    // Remaining above any limit: a higher limit, not a negative number of other jobs.
    const other = await sent(clock, 1, new RequestBudget(clock))
    other.observe({ operation: 'status', remaining: 5_000, resetInMs: 30_000 })
    assert.equal(other.window.sharers, 1)
    // Remaining rising, then falling again: no storm, never more than the allowance in 60 s.
    const at: number[] = []
    for (let i = 0; i < 40; i++) {
      other.observe({ operation: 'status', remaining: i % 2 === 0 ? 29 : 1, resetInMs: 30_000 })
      await other.turn(clock.now())
      at.push(clock.now())
    }
    assert.ok(maxInWindow(at, 60_000) <= other.window.allowance + 1)
  })
})

describe('the hold line', () => {
  it('says until when the token is spent and how many other jobs seem to share it', () => {
    const until = Date.UTC(2026, 11, 3, 12, 4, 30, 200)
    assert.equal(
      holdLine({ until, sharers: 7.6 }),
      "Hex's read limit for this token is spent until 12:04:31 UTC; 7 other jobs seem to share it."
    )
    assert.equal(
      holdLine({ until, sharers: 1.2 }),
      "Hex's read limit for this token is spent until 12:04:31 UTC."
    )
  })
})

describe('many jobs on one token (one window, one virtual clock)', () => {
  const eight = { jobs: 8, durationMs: (job: number) => 75_000 + job * 700 }

  it('eight jobs with rate-limit headers: one run each, at most two reads refused', async () => {
    const sim = await simulateJobs({ ...eight, limits: { headers: 'x-ratelimit' } })
    for (const job of sim.jobs) {
      assert.equal(job.result.exitCode, 0, job.result.log)
      assert.equal(job.runs, 1)
      // Seen well within a minute of its end, not after the next window.
      assert.ok(job.exitLagMs < 30_000, String(job.exitLagMs))
    }
    assert.ok(sim.limited <= 2, `${sim.limited} reads answered 429`)
  })

  it('eight jobs with no headers: at most one 429 per job per window, one hold line each', async () => {
    const sim = await simulateJobs({ ...eight, limits: { headers: 'none' } })
    const windows = Math.ceil((75_000 + 8 * 700 + 30_000) / 60_000)
    for (const job of sim.jobs) {
      assert.equal(job.result.exitCode, 0, job.result.log)
      assert.equal(job.runs, 1)
      const limited = job.result.log.match(/-> 429/g)?.length ?? 0
      assert.ok(limited <= windows, `${limited} 429s`)
      const holds = job.result.log.match(/^Hex's read limit for this token is spent until .*$/gm)
      assert.equal(holds?.length, limited, job.result.log)
      assert.match(holds?.[0] ?? '', /\d+ other jobs seem to share it\.$/)
    }
    // A herd at the reset: the jobs held until it come back spread, not in one instant.
    const refused = sim.requests.filter((r) => r.status === 429)
    const reset = Math.max(...refused.map((r) => r.at))
    const firstAfter = sim.jobs.map((_, job) => {
      const id = simulatedProjectId(job + 1)
      return sim.requests.find((r) => r.method === 'GET' && r.path.includes(id) && r.at > reset)?.at
    })
    const times = firstAfter.filter((t) => t !== undefined)
    assert.ok(times.length >= 6, String(times.length))
    assert.ok(new Set(times).size === times.length, 'no two jobs read at the same instant')
    assert.ok(Math.max(...times) - Math.min(...times) >= 3_000, times.join(', '))
  })

  it('headers that lie: no storm, no wait past the timeout, one run each', async () => {
    for (const lie of [
      'negative',
      'huge',
      'reset-past',
      'reset-year',
      'remaining-rising'
    ] as const) {
      const sim = await simulateJobs({
        jobs: 4,
        durationMs: (job) => 30_000 + job * 1_000,
        limits: { headers: 'x-ratelimit', lie },
        inputs: { timeout: '3m' }
      })
      for (const job of sim.jobs) {
        assert.equal(job.result.exitCode, 0, `${lie}: ${job.result.log}`)
        assert.equal(job.runs, 1)
        assert.ok(job.exitLagMs < 60_000, `${lie}: seen ${job.exitLagMs} ms after its end`)
      }
      // Never more than Hex's window in any 60 s, lies or not (a 429 is Hex's, not a storm).
      assert.ok(sim.maxReadsPerMinute <= 40, `${lie}: ${sim.maxReadsPerMinute} reads in 60 s`)
      assert.ok(sim.limited <= 4, `${lie}: ${sim.limited} reads answered 429`)
    }
  })

  it('thirty jobs past the kernel limit: every one completes with exactly one run', async () => {
    for (const headers of [true, false]) {
      const sim = await simulateJobs({
        jobs: 30,
        durationMs: (job) => 20_000 + job * 100,
        limits: { headers: headers ? 'x-ratelimit' : 'none' }
      })
      for (const job of sim.jobs) {
        assert.equal(job.result.exitCode, 0, job.result.log)
        assert.equal(job.runs, 1)
        assert.ok(job.exitLagMs < 75_000, String(job.exitLagMs))
      }
    }
  })
})

/** Eight runs of one step, ending across 81 to 99 s. */
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

  it('stops waiting, says why and cancels the run, when Hex asks to wait past the timeout', async () => {
    const id = simulatedProjectId(1)
    const step = await simulate([{ durationMs: 600_000 }], {
      inputs: { timeout: '30s', history: 'false' },
      faults: [
        {
          method: 'GET',
          path: new RegExp(`^/api/v1/projects/${id}/runs/[^/]+$`),
          skip: 2,
          action: { kind: 'respond', status: 429, headers: { 'retry-after': '3600' } }
        }
      ]
    })
    assert.notEqual(step.result.exitCode, 0)
    assert.equal(step.result.outputs.status, 'TIMEOUT', step.result.log)
    const t0 = step.requests[0]?.at ?? NaN
    const last = step.requests.at(-1)
    assert.equal(last?.method, 'DELETE', 'the run was cancelled')
    assert.ok((last?.at ?? Infinity) - t0 <= 30_000 + 1_000, 'no wait for the hour Hex asked')
    assert.match(
      step.result.log,
      /Hex answered 429.*asked to wait 1h.*before the next read: past the timeout/
    )
    assert.equal(step.limited, 1, 'one read refused, no storm')
  })

  it('holds every run of the step for a 429, not only the one that got it', async () => {
    const runs = [
      { durationMs: 60_000, history: spreadHistory(60_000, 0.1) },
      { durationMs: 60_000, history: spreadHistory(60_000, 0.1) }
    ]
    const first = `/api/v1/projects/${simulatedProjectId(1)}/runs/`
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

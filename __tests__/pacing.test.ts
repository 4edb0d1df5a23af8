/**
 * The step's pacing as one interface (src/runs/pacing/index.ts): a pacing passed in through the
 * step's services is what every Hex request of the step waits on and what each run's reads follow,
 * and the default one, driven through the interface alone, keeps many runs within Hex's limit.
 * Everything is on a virtual clock.
 */
import assert from 'node:assert/strict'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import type { RateLimitNotice } from '../src/hex/rate-limit.ts'
import type { RunState } from '../src/hex/types.ts'
import type { Runtime } from '../src/lib/runtime.ts'
import { summarize, type RunHistory } from '../src/runs/history.ts'
import { stepPacing, type Pacing, type PacingOptions } from '../src/runs/pacing/index.ts'
import { waitForEnd } from '../src/runs/wait.ts'
import { runStep } from '../src/step/run-step.ts'
import { maxInWindow, spreadHistory } from '../scripts/bench/simulate.ts'
import type { FakeHex } from '../test/fake-hex/server.ts'
import { RecordingIO } from '../test/runner/in-process.ts'
import { VirtualClock } from '../test/runner/virtual-clock.ts'
import { clockOf, startHex } from './helpers/action.ts'
import { addProject, requestsFor, RUN_TOKEN } from './helpers/e2e.ts'

let fake: FakeHex
let clock: VirtualClock
beforeAll(async () => {
  fake = await startHex({ rateLimit: { perMinute: 1000, headers: true } })
  clock = clockOf(fake)
})
afterAll(async () => {
  await fake.close()
})

function runtimeOn(on: VirtualClock): Runtime {
  return {
    env: {},
    fetch: on.track(globalThis.fetch),
    now: on.now,
    sleep: on.sleep,
    random: on.random,
    timeout: on.timeout
  }
}

/** A pacing of the test's own: each turn held 1 s, reads every 7 s, no history read wanted. */
function recordingPacing() {
  const turns: number[] = []
  const notices: RateLimitNotice[] = []
  const made: PacingOptions[] = []
  const asked: string[] = []
  let schedules = 0
  const factory = (on: Pick<Runtime, 'now' | 'sleep'>, options: PacingOptions): Pacing => {
    made.push(options)
    return {
      pacer: {
        turn: async (dueAt, signal) => {
          turns.push(dueAt)
          await on.sleep(1_000, signal)
        },
        spend: () => {}
      },
      observe: (notice) => notices.push(notice),
      schedule: () => {
        schedules += 1
        return { delayMs: () => 7_000 }
      },
      wants: (read) => {
        asked.push(read)
        return false
      }
    }
  }
  return { factory, turns, notices, made, asked, schedules: () => schedules }
}

describe('a pacing passed in through the step', () => {
  it("is what every read of the step waits on, and its schedule is the runs' own", async () => {
    const projectId = addProject(fake, {
      lifecycle: [{ status: 'RUNNING', ms: 20_000 }, { status: 'COMPLETED' }],
      history: spreadHistory(20_000, 0.1).map((ms) => ({ ms }))
    })
    const pacing = recordingPacing()
    const io = new RecordingIO({
      inputs: {
        'project-id': projectId,
        'api-token': RUN_TOKEN,
        'api-url': fake.apiBase,
        'poll-interval': '9s'
      }
    })
    const result = await runStep({
      io,
      runtime: runtimeOn(clock),
      services: { pacing: pacing.factory }
    })
    assert.equal(result.reports[0]?.status, 'COMPLETED', io.stdout)

    // Made once for the step, from the inputs; one schedule for the one run.
    assert.deepEqual(
      pacing.made.map((made) => made.pollIntervalMs),
      [9_000]
    )
    assert.equal(pacing.schedules(), 1)
    // Asked before the title's read (after the trigger) and the history read, which it declined:
    // neither was sent, though history is on; the project's ID stands in for its title.
    assert.deepEqual(pacing.asked, ['title', 'history'])
    assert.equal(result.reports[0]?.run?.projectTitle, undefined)
    assert.match(
      io.stdout,
      /The project's title was not read \(its ID stands in for it\): Hex's reads are scarce/
    )
    const run = fake.runs(projectId).find((r) => !r.past)
    const [trigger, ...reads] = requestsFor(fake, projectId)
    assert.equal(trigger?.method, 'POST')
    const statusPath = `/api/v1/projects/${projectId}/runs/${run?.id}`
    assert.deepEqual(
      reads.filter((r) => r.method !== 'GET' || r.path !== statusPath),
      [],
      'status reads only'
    )
    // Every read waited its turn (1 s), then the schedule's 7 s: one read every 8 s.
    assert.equal(pacing.turns.length, reads.length)
    const gaps = reads.slice(1).map((r, i) => r.at - (reads[i]?.at as number))
    assert.ok(gaps.length >= 2)
    assert.deepEqual(
      gaps,
      gaps.map(() => 8_000)
    )
    // What Hex's answers said of its limit reached the pacing.
    assert.ok(pacing.notices.some((n) => n.operation === 'status' && n.remaining !== undefined))
  })
})

/** A run that ends `endMs` after the first read, read through `pacing` as a step would. */
async function paced(on: VirtualClock, pacing: Pacing, endMs: number, history?: RunHistory) {
  const startedAt = on.now()
  const reads: number[] = []
  const getState = async (): Promise<RunState> => {
    await pacing.pacer.turn(on.now())
    reads.push(on.now())
    const status = on.now() - startedAt >= endMs ? 'COMPLETED' : 'RUNNING'
    return { projectId: 'p', runId: 'r', status }
  }
  const end = await waitForEnd({
    getState,
    clock: on,
    startedAt,
    deadline: startedAt + 3_600_000,
    schedule: pacing.schedule({ history: () => history })
  })
  return { end, reads }
}

describe('the default pacing (stepPacing)', () => {
  it('keeps eight runs at once within 30 reads in any 60 s, with a history or without', async () => {
    const known = summarize(spreadHistory(90_000, 0.1))
    assert.ok(known.kind === 'known')
    for (const history of [known.history, undefined]) {
      const on = new VirtualClock()
      const pacing = stepPacing(on, { pollIntervalMs: 5_000 })
      assert.equal(pacing.wants('history'), true)
      const runs = await Promise.all(
        Array.from({ length: 8 }, (_, i) => paced(on, pacing, 81_000 + i * 2_500, history))
      )
      assert.ok(runs.every((run) => run.end.kind === 'finished' && run.reads.length > 1))
      const most = maxInWindow(
        runs.flatMap((run) => run.reads),
        60_000
      )
      assert.ok(most <= 30, `${history ? 'history' : 'blind'}: ${most} reads in 60 s`)
    }
  })

  it('reads one run as the blind schedule does until a history is known', async () => {
    const on = new VirtualClock()
    const { reads } = await paced(on, stepPacing(on, { pollIntervalMs: 5_000 }), 14_000)
    const start = reads[0] as number
    assert.deepEqual(
      reads.map((t) => t - start),
      [0, 150, 300, 600, 1_200, 2_400, 4_800, 9_600, 14_600]
    )
  })

  it("wants a run's title only while its runs' status reads leave a read each to spare", () => {
    const on = new VirtualClock()
    const wants = (pollIntervalMs: number, runsAtOnce: number) =>
      stepPacing(on, { pollIntervalMs, runsAtOnce }).wants('title')
    // 27 reads a minute for the step: one run at 5 s needs 12, two 24, three 36.
    assert.equal(wants(5_000, 1), true)
    assert.equal(wants(5_000, 2), true)
    assert.equal(wants(5_000, 3), false)
    assert.equal(wants(20_000, 6), true)
    // The history, which changes the polling, is not held to that.
    assert.equal(stepPacing(on, { pollIntervalMs: 5_000, runsAtOnce: 8 }).wants('history'), true)
    // Nor is any read wanted while Hex holds the token's reads.
    const held = stepPacing(on, { pollIntervalMs: 5_000 })
    held.observe({ operation: 'status', limited: { retryAfterMs: 10_000 } })
    assert.equal(held.wants('title'), false)
    assert.equal(held.wants('history'), false)
  })

  it("holds every read for a 429 told through observe, the trigger's limit apart", async () => {
    const on = new VirtualClock()
    const pacing = stepPacing(on, { pollIntervalMs: 5_000 })
    pacing.observe({ operation: 'trigger', limited: { retryAfterMs: 60_000 } })
    const start = on.now()
    await pacing.pacer.turn(on.now())
    assert.equal(on.now(), start)
    pacing.observe({ operation: 'status', limited: { retryAfterMs: 10_000 } })
    await pacing.pacer.turn(on.now())
    // A 429 after the step's one read: the window's other 29 reads were other jobs'. Its next read
    // goes when the hold ends and a random part of 10 s after (half, on the virtual clock).
    assert.equal(on.now() - start, 15_000)
  })
})

/**
 * Many jobs on one token, simulated: N steps of the action's source, each in process with its own
 * project and its own randomness, all on one virtual clock against one stand-in Hex that enforces
 * the token's read window. What a matrix of N jobs with one secret does, in milliseconds and
 * exactly: how long after its run's end each step saw it, how many reads Hex refused, the most
 * reads in any 60 s. npm run bench -- --polling prints rows from this; the tests of the read
 * planner run it too. (npm run bench -- --matrix measures the same with real processes.)
 */
import { FakeHex, type FakeLimits, type RecordedRequest } from '../../test/fake-hex/server.ts'
import { runInProcess } from '../../test/runner/in-process.ts'
import type { ActionResult } from '../../test/runner/run-action.ts'
import { VirtualClock } from '../../test/runner/virtual-clock.ts'
import { maxInWindow, sawEnd, simulatedProjectId } from './simulate.ts'

const TOKEN = 'hxtw_test_run_token'

export interface JobsOptions {
  jobs: number
  /** Each job's run, from its trigger to its end: one number for all, or one per job. */
  durationMs: number | ((job: number) => number)
  /**
   * Hex's per-token limits at the stand-in (default its defaults: 30 reads a window, 20 triggers
   * a minute, 25 running kernels, X-RateLimit-* headers); `headers: 'none'` for 429s alone.
   */
  limits?: FakeLimits
  /** When each job starts, from the first (default: all at once). */
  startMs?: (job: number) => number
  /** The seed of the jobs' randomness: the same seed, the same figures. */
  seed?: number
  /** Inputs besides project-id, api-token and api-url. */
  inputs?: Record<string, string>
  /** Earlier runs of each project, in ms (default: none). */
  history?: number[]
}

export interface JobFigures {
  /** From the job's run's end to the read that saw it (NaN: never seen). */
  lagMs: number
  /** From the run's end to the job's step ending. */
  exitLagMs: number
  /** Runs the job's project got: exactly one, always. */
  runs: number
  result: ActionResult
}

export interface JobsFigures {
  jobs: JobFigures[]
  meanExitLagMs: number
  worstExitLagMs: number
  meanLagMs: number
  /** Reads Hex answered 429, in all. */
  limited: number
  /** The most reads of the token in any 60 s. */
  maxReadsPerMinute: number
  reads: number
  /** Every request the stand-in saw, of every job. */
  requests: RecordedRequest[]
}

/** A small seeded PRNG (mulberry32): each job's randomness, reproducible. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** Runs `jobs` steps at once on one token and one clock. */
export async function simulateJobs(options: JobsOptions): Promise<JobsFigures> {
  // Not on a whole second: Hex's resets are whole seconds, and a step must not trust them to the ms.
  const clock = new VirtualClock(Date.UTC(2026, 10, 29, 12, 0, 0, 437))
  const t0 = clock.now()
  const count = options.jobs
  const ids = Array.from({ length: count }, (_, i) => simulatedProjectId(i + 1))
  const duration = (job: number): number =>
    typeof options.durationMs === 'number' ? options.durationMs : options.durationMs(job)
  const fake = await FakeHex.start({
    clock,
    limits: options.limits ?? {},
    projects: ids.map((id, job) => ({
      id,
      lifecycle: [{ status: 'RUNNING', ms: duration(job) }, { status: 'COMPLETED' }],
      ...(options.history ? { history: options.history.map((ms) => ({ ms })) } : {})
    }))
  })
  try {
    const ended: number[] = []
    const results = await Promise.all(
      ids.map(async (id, job) => {
        const startMs = options.startMs?.(job) ?? 0
        if (startMs > 0) await clock.sleep(startMs)
        const result = await runInProcess({
          clock,
          random: seeded((options.seed ?? 1) * 7919 + job),
          inputs: {
            'project-id': id,
            'api-token': TOKEN,
            'api-url': fake.apiBase,
            ...options.inputs
          }
        })
        ended[job] = clock.now()
        return result
      })
    )
    const requests = fake.requests
    const reads = requests.filter((r) => r.method === 'GET')
    const jobs = ids.map((id, job): JobFigures => {
      const runs = fake.runs(id).filter((r) => !r.past)
      const run = runs[0]
      const endedAt = run?.terminalAt ?? NaN
      const path = `/api/v1/projects/${id}/runs/${run?.id ?? ''}`
      const seen = sawEnd(
        reads.filter((r) => r.path === path),
        endedAt
      )
      return {
        lagMs: seen === undefined ? NaN : seen.at - endedAt,
        exitLagMs: (ended[job] as number) - endedAt,
        runs: runs.length,
        result: results[job] as ActionResult
      }
    })
    const mean = (values: number[]): number =>
      values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length)
    return {
      jobs,
      meanExitLagMs: mean(jobs.map((j) => j.exitLagMs)),
      worstExitLagMs: Math.max(...jobs.map((j) => j.exitLagMs)),
      meanLagMs: mean(jobs.map((j) => j.lagMs)),
      limited: requests.filter((r) => r.status === 429).length,
      maxReadsPerMinute: maxInWindow(
        reads.map((r) => r.at - t0),
        60_000
      ),
      reads: reads.length,
      requests
    }
  } finally {
    await fake.close()
  }
}

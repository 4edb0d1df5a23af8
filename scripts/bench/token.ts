/**
 * The read-planner rows of npm run bench: many jobs on one token, and one step's short runs,
 * simulated (scripts/bench/jobs.ts and simulate.ts: the action's source in process against the
 * stand-in, which enforces the token's read window, all on one virtual clock), each against the
 * target issue 19 set. Exact and repeatable: the same seed gives the same figures.
 * (npm run bench -- --matrix measures matrices with real processes.)
 */
import { simulateJobs, type JobsOptions } from './jobs.ts'
import { simulate } from './simulate.ts'
import { markdownTable } from './table.ts'

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`
const met = (ok: boolean): string => (ok ? '**met**' : '**not met**')

interface Case {
  name: string
  options: JobsOptions
  meanTargetMs: number
  worstTargetMs?: number
  /** At most this many 429s in all, or per job per window. */
  limited: { total: number } | { perJobWindow: number }
}

const EIGHT = { jobs: 8, durationMs: (job: number) => 75_000 + job * 700 }
const THIRTY = {
  jobs: 30,
  durationMs: (job: number) => 20_000 + job * 100
}

const CASES: Case[] = [
  {
    name: '8 jobs, one token, ~75 s runs, rate-limit headers',
    options: { ...EIGHT, limits: { headers: 'x-ratelimit' } },
    meanTargetMs: 12_000,
    limited: { total: 2 }
  },
  {
    name: '8 jobs, one token, ~75 s runs, no headers (429 and Retry-After only)',
    options: { ...EIGHT, limits: { headers: 'none' } },
    meanTargetMs: 20_000,
    limited: { perJobWindow: 1 }
  },
  {
    name: '30 jobs, one token, 20 s runs (past 20 triggers a minute), headers',
    options: { ...THIRTY, limits: { headers: 'x-ratelimit' } },
    meanTargetMs: 30_000,
    worstTargetMs: 75_000,
    limited: { total: Infinity }
  },
  {
    name: '30 jobs, one token, 20 s runs (past 20 triggers a minute), no headers',
    options: { ...THIRTY, limits: { headers: 'none' } },
    meanTargetMs: 30_000,
    worstTargetMs: 75_000,
    limited: { total: Infinity }
  }
]

/** The table, as Markdown. `quick`: one seed instead of three. */
export async function tokenTable(quick: boolean): Promise<string> {
  const seeds = quick ? [1] : [1, 2, 3]
  const rows: string[][] = []
  for (const c of CASES) {
    let mean = 0
    let worst = 0
    let limited = 0
    let mostPerJob = 0
    let most = 0
    let allOne = true
    for (const seed of seeds) {
      const sim = await simulateJobs({ ...c.options, seed })
      mean += sim.meanExitLagMs / seeds.length
      worst = Math.max(worst, sim.worstExitLagMs)
      limited += sim.limited / seeds.length
      most = Math.max(most, sim.maxReadsPerMinute)
      allOne &&= sim.jobs.every((job) => job.runs === 1 && job.result.exitCode === 0)
      for (const job of sim.jobs)
        mostPerJob = Math.max(mostPerJob, job.result.log.match(/-> 429/g)?.length ?? 0)
    }
    const windows = 2
    const checks = [
      `mean ≤ ${s(c.meanTargetMs)} ${met(mean <= c.meanTargetMs)}`,
      ...(c.worstTargetMs !== undefined
        ? [`worst ≤ ${s(c.worstTargetMs)} ${met(worst <= c.worstTargetMs)}`]
        : []),
      ...('total' in c.limited && Number.isFinite(c.limited.total)
        ? [`≤ ${c.limited.total} 429s ${met(limited <= c.limited.total)}`]
        : []),
      ...('perJobWindow' in c.limited
        ? [`≤ 1 429 per job per window ${met(mostPerJob <= windows * c.limited.perJobWindow)}`]
        : []),
      `one run each ${met(allOne)}`
    ]
    rows.push([
      c.name,
      `mean ${s(mean)}, worst ${s(worst)}`,
      `${limited.toFixed(1)} (at most ${mostPerJob} for one job)`,
      String(most),
      checks.join('; ')
    ])
  }

  // One step alone on its token: three short runs and a quick one (eight runs with history are
  // the polling table's last row, with their target).
  const three = await simulate(
    [1_500, 1_500, 1_500].map((durationMs) => ({ durationMs })),
    { inputs: { 'max-parallel': '3' } }
  )
  const stepMs = (three.requests.at(-1)?.at ?? 0) - (three.requests[0]?.at ?? 0)
  rows.push([
    'One step, three projects whose runs take 1.5 s',
    `step ${s(stepMs)} (last read after the first trigger)`,
    String(three.limited),
    String(three.maxReadsPerMinute),
    `≤ 3.50 s ${met(stepMs <= 3_500)}`
  ])
  const quickRun = await simulate([{ durationMs: 300 }])
  const quickLag = quickRun.runs[0]?.lagMs ?? NaN
  rows.push([
    'One step, a 0.3 s run',
    `seen ${s(quickLag)} after its end`,
    String(quickRun.limited),
    String(quickRun.maxReadsPerMinute),
    `≤ 0.15 s ${met(quickLag <= 150)}`
  ])
  const header = [
    'Read planner (simulated; lag = run end → step exit, or → the read that saw it)',
    'lag',
    '429s per case',
    'most reads in any 60 s',
    'targets'
  ]
  return markdownTable(header, rows)
}

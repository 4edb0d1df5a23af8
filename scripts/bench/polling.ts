/**
 * The polling rows of npm run bench: detection lag and reads with a project history of known
 * spread, an early failure, no history, and several runs sharing one step's request budget. Each
 * case is simulated (scripts/bench/simulate.ts: the action's source against the stand-in, on a
 * virtual clock), so lags are exact and samples cheap; each is run twice, with the history (the
 * default) and with `history: false`, which polls as the action did before it read any history.
 */
import { simulate, spreadHistory, type SimulatedRun } from './simulate.ts'
import { markdownTable } from './table.ts'

const USUAL_S = [14, 20, 26]
const POLL_INTERVAL = '5s'
/** Hex's default rate limit for reads. */
const READS_PER_MINUTE_LIMIT = 30

interface Figures {
  meanLagMs: number
  p90LagMs: number
  /** Every read of the step (status and history), per run. */
  readsPerRun: number
  /** The most reads of one step in any 60 s. */
  maxReadsPerMinute: number
}

function figures(lags: number[], reads: number, runs: number, maxPerMinute: number): Figures {
  const sorted = [...lags].sort((a, b) => a - b)
  return {
    meanLagMs: lags.reduce((sum, lag) => sum + lag, 0) / lags.length,
    p90LagMs: sorted[Math.max(0, Math.ceil(0.9 * sorted.length) - 1)] ?? NaN,
    readsPerRun: reads / runs,
    maxReadsPerMinute: maxPerMinute
  }
}

/** Steps of the action, each over `runs`: their lags and reads, pooled. */
async function measure(steps: SimulatedRun[][], inputs: Record<string, string>): Promise<Figures> {
  const lags: number[] = []
  let reads = 0
  let runs = 0
  let maxPerMinute = 0
  for (const step of steps) {
    const sim = await simulate(step, {
      inputs: { 'poll-interval': POLL_INTERVAL, 'max-parallel': String(step.length), ...inputs }
    })
    if (sim.result.exitCode !== 0 && step.every((run) => run.status !== 'ERRORED'))
      throw new Error(`a simulated step failed:\n${sim.result.log}`)
    lags.push(...sim.runs.map((run) => run.lagMs))
    reads += sim.reads.length
    runs += step.length
    maxPerMinute = Math.max(maxPerMinute, sim.maxReadsPerMinute)
  }
  if (lags.some((lag) => Number.isNaN(lag)))
    throw new Error('a simulated run was never seen to end')
  return figures(lags, reads, runs, maxPerMinute)
}

/** Both ways: with the history, and with history: false. */
async function both(steps: SimulatedRun[][]): Promise<{ history: Figures; blind: Figures }> {
  return {
    history: await measure(steps, {}),
    blind: await measure(steps, { history: 'false' })
  }
}

/** `samples` durations evenly across usual ± spread, both ends included. */
function across(usualMs: number, spread: number, samples: number): number[] {
  return Array.from(
    { length: samples },
    (_, i) => usualMs * (1 - spread + (2 * spread * i) / (samples - 1))
  )
}

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`
const lagCell = (f: Figures): string =>
  `mean ${s(f.meanLagMs)}, p90 ${s(f.p90LagMs)}; ${f.readsPerRun.toFixed(1)} reads`
const met = (ok: boolean): string => (ok ? '**met**' : '**not met**')
const ratio = (a: Figures, b: Figures): number => a.readsPerRun / b.readsPerRun

function pool(parts: Figures[]): Figures {
  // Equal sample counts per part: the mean of means is the pooled mean.
  const mean = (pick: (f: Figures) => number) =>
    parts.reduce((sum, f) => sum + pick(f), 0) / parts.length
  return {
    meanLagMs: mean((f) => f.meanLagMs),
    p90LagMs: Math.max(...parts.map((f) => f.p90LagMs)),
    readsPerRun: mean((f) => f.readsPerRun),
    maxReadsPerMinute: Math.max(...parts.map((f) => f.maxReadsPerMinute))
  }
}

/** The polling table, as Markdown. `quick`: fewer samples. */
export async function pollingTable(quick: boolean): Promise<string> {
  const samples = quick ? 7 : 21
  const rows: string[][] = []

  for (const [spread, name, meanTarget] of [
    [0.1, '±10 %', 1_000],
    [0.3, '±30 %', 1_300]
  ] as const) {
    const parts: Array<{ history: Figures; blind: Figures }> = []
    for (const usualS of USUAL_S) {
      const usualMs = usualS * 1000
      const history = spreadHistory(usualMs, spread)
      const steps = across(usualMs, spread, samples).map((durationMs) => [{ durationMs, history }])
      const measured = await both(steps)
      parts.push(measured)
      rows.push([
        `History ${name}, usually ${usualS} s (${samples} runs across ${name})`,
        lagCell(measured.history),
        lagCell(measured.blind),
        `reads ${ratio(measured.history, measured.blind).toFixed(2)}x`
      ])
    }
    const all = {
      history: pool(parts.map((p) => p.history)),
      blind: pool(parts.map((p) => p.blind))
    }
    const checks = [
      `mean lag ≤ ${s(meanTarget)} ${met(all.history.meanLagMs <= meanTarget)}`,
      ...(spread === 0.1
        ? [
            `p90 ≤ 2 s ${met(all.history.p90LagMs <= 2_000)}`,
            `reads ≤ 1.3x ${met(ratio(all.history, all.blind) <= 1.3)} (${ratio(all.history, all.blind).toFixed(2)}x)`
          ]
        : [])
    ]
    rows.push([
      `**History ${name}, all of ${USUAL_S.map((d) => `${d} s`).join(', ')}**`,
      lagCell(all.history),
      lagCell(all.blind),
      `targets: ${checks.join('; ')}`
    ])
  }

  // An early failure: the run errors at a fifth of its usual time.
  const early = await both(
    USUAL_S.map((usualS) => [
      {
        durationMs: (usualS * 1000) / 5,
        status: 'ERRORED' as const,
        history: spreadHistory(usualS * 1000, 0.1)
      }
    ])
  )
  const earlyOk = early.history.meanLagMs <= early.blind.meanLagMs
  rows.push([
    `Early failure at a fifth of the usual time (${USUAL_S.map((d) => `${d / 5} s of ${d} s`).join(', ')})`,
    lagCell(early.history),
    lagCell(early.blind),
    `target: lag no worse than without history ${met(earlyOk)}`
  ])

  // No history: a project whose history is empty.
  const none = await both(
    USUAL_S.flatMap((usualS) =>
      across(usualS * 1000, 0.1, samples).map((durationMs) => [{ durationMs }])
    )
  )
  const extra = none.history.readsPerRun - none.blind.readsPerRun
  const sameLag = Math.abs(none.history.meanLagMs - none.blind.meanLagMs) < 1
  rows.push([
    `No history (the runs of ${USUAL_S.map((d) => `${d} s`).join(', ')} ± 10 %)`,
    lagCell(none.history),
    lagCell(none.blind),
    `target: the same polling plus at most one read ${met(sameLag && extra <= 1)} (same lag: ${sameLag ? 'yes' : 'no'}; +${extra.toFixed(2)} read per run)`
  ])

  // Several runs in one step, all going at once, sharing the step's budget.
  const repeats = quick ? 3 : 10
  for (const count of [1, 2, 4, 8]) {
    const steps = Array.from({ length: repeats }, (_, k) =>
      Array.from({ length: count }, (_, i) => ({
        // Runs ending across 81 s to 99 s, each project with a ±10 % history around 90 s.
        durationMs: 90_000 * (0.9 + 0.2 * (((i + k / repeats) / count) % 1)),
        history: spreadHistory(90_000, 0.1)
      }))
    )
    const measured = await both(steps)
    const most = Math.max(measured.history.maxReadsPerMinute, measured.blind.maxReadsPerMinute)
    rows.push([
      `${count} run${count > 1 ? 's' : ''} in one step, max-parallel ${count} (81–99 s; ${repeats} steps)`,
      `${lagCell(measured.history)}; at most **${measured.history.maxReadsPerMinute}** in any 60 s`,
      `${lagCell(measured.blind)}; at most **${measured.blind.maxReadsPerMinute}** in any 60 s`,
      `target: ≤ ${READS_PER_MINUTE_LIMIT} reads in any 60 s ${met(most <= READS_PER_MINUTE_LIMIT)}` +
        (count === 8
          ? `; mean lag ≤ 3.00 s with history ${met(measured.history.meanLagMs <= 3_000)}`
          : '')
    ])
  }

  const header = [
    `Polling (simulated, poll-interval ${POLL_INTERVAL}; lag = run end → step sees it)`,
    'history (default)',
    '`history: false` (as before)',
    'Notes'
  ]
  return markdownTable(header, rows)
}

/**
 * npm run bench: measures the bundled action (dist/index.js) against the stand-in Hex API, side by
 * side with a reference client that polls at a fixed 5 s (scripts/bench/reference-client.ts), and
 * prints one Markdown table for the README:
 *   node scripts/bench.ts           15 start-up samples; runs of 0.5, 10, 12.5, 60 and 62.5 s (~90 s)
 *   node scripts/bench.ts --quick   5 start-up samples; runs of 0.5 s and 3 s (~40 s)
 *   --durations 0.5,12.5,62.5       other run lengths in seconds (with or without --quick)
 *   node scripts/bench.ts --statuses  only the cost of commit-status (scripts/bench/statuses.ts)
 * Both include three parallel runs in one step (0.5, 3 and 10 s, one action process), measured at
 * the same time as the single runs; the reference, which has no parallel mode, runs them one after
 * another (~30 s, which is what sets the length of --quick).
 * A second table follows: polling simulated on a virtual clock (scripts/bench/polling.ts), with a
 * project history of known spread and without, and several runs sharing a step's request budget
 * (~15 s; ~5 s with --quick).
 * A third: the read planner's rows (scripts/bench/token.ts), many jobs on one token and one
 * step's short runs, simulated the same way against a stand-in that enforces the token's window.
 *   --polling                       the polling and read-planner tables only
 *   node scripts/bench.ts --matrix  a workflow matrix on one token (scripts/bench/matrix.ts):
 *                                   N action processes, one token, one stand-in with Hex's
 *                                   per-token limits; N = 1, 4, 8, 16, 30, each with X-RateLimit-*
 *                                   headers and with none (~20 min; 30 node processes at once)
 *   --jobs 1,4,8                    the matrix's rows (numbers of jobs)
 *   --run-seconds 75                the runs' length: one for every row, or one per --jobs entry;
 *                                   default 75 s, 20 s for rows of 30 jobs or more
 *   --headers x-ratelimit,none      the stand-in's header modes (x-ratelimit, ratelimit,
 *                                   ratelimit-policy, none), one row each per number of jobs
 *   node scripts/bench.ts --startup 31  only the start-up row, with that many samples per candidate
 *   node scripts/bench.ts --soak [minutes]  only memory on a long wait (scripts/bench/soak.ts): the
 *                                   action polls a run that never ends for that many real minutes
 *                                   (default 25), its RSS read every 10 s; prints RSS at minute 2,
 *                                   at the end, the growth in between (and after minute 5)
 *                                   and the peak
 * It prints and asserts nothing about timing; it exits 1 when a run it started did not complete.
 */
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { stripTypeScriptTypes } from 'node:module'
import { arch, availableParallelism, cpus, loadavg, platform, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  DEFAULT_HEADER_MODES,
  DEFAULT_JOBS,
  defaultRunSeconds,
  measureMatrix,
  renderMatrixTable
} from './bench/matrix.ts'
import { pollingTable } from './bench/polling.ts'
import { tokenTable } from './bench/token.ts'
import { now } from '../test/fake-hex/clock.ts'
import {
  FakeHex,
  type FakeRun,
  type RateHeaderMode,
  type RecordedRequest
} from '../test/fake-hex/server.ts'
import { readActionYml, ROOT } from '../test/runner/action-yml.ts'
import {
  ACTION_ENTRY,
  children,
  launch,
  launchAction,
  median,
  type Exited,
  type Launched
} from './bench/launch.ts'
import { measureSoak, renderSoak, SOAK_DEFAULT_MINUTES } from './bench/soak.ts'
import { measureStatuses, renderStatusTable } from './bench/statuses.ts'
import { markdownTable } from './bench/table.ts'

const TOKEN = 'hxtw_test_run_token'
const REFERENCE_SOURCE = join(ROOT, 'scripts', 'bench', 'reference-client.ts')
const POLL_INTERVAL_S = 5
/** Start-up to the first request over a bare Node fetch's, at most (issue 18). */
const STARTUP_TARGET = 1.4
/** The status-request budget of a run of D seconds: D / poll-interval + 8 (the quick first reads). */
const REQUEST_BOUND_EXTRA = 8

type Candidate = 'action' | 'reference' | 'bare'

/** Project ids must be UUIDs (the action checks); number n gives 0bec0000-…-n. */
function benchProjectId(n: number): string {
  return `0bec0000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
}

interface LaunchOptions {
  apiBase: string
  projectId: string
  /** Trigger and exit at once (the action's wait: false, the reference's --no-wait). */
  noWait: boolean
  measureRss: boolean
  /** Killed after this long: a safety net, reported as a failure. */
  killAfterMs: number
}

/** Everything to clean up, whatever happens. */
const live = { children, servers: new Set<FakeHex>() }
let workDir = ''

const problems: string[] = []
function problem(message: string): void {
  problems.push(message)
}

/**
 * Set by the first failure of a run measurement: every process still going is killed, so a broken
 * action is reported at once rather than after the longest run, and processes killed this way are
 * not reported as failures of their own.
 */
let stopping = false
function stopAll(): void {
  stopping = true
  for (const child of live.children) child.kill('SIGKILL')
}

function freshDir(name: string): string {
  return mkdtempSync(join(workDir, `${name}-`))
}

/** The action, polling every POLL_INTERVAL_S, in a folder of its own. */
function launchBenchAction(o: LaunchOptions): Launched {
  return launchAction({
    dir: freshDir('action'),
    inputs: {
      'project-id': o.projectId,
      'api-token': TOKEN,
      'api-url': o.apiBase,
      'poll-interval': `${POLL_INTERVAL_S}s`,
      wait: o.noWait ? 'false' : 'true'
    },
    measureRss: o.measureRss,
    killAfterMs: o.killAfterMs
  })
}

/** The reference client, run as the plain JavaScript its types strip to (see main). */
let referenceEntry = ''
function launchReference(o: LaunchOptions): Launched {
  const dir = freshDir('reference')
  const args = [referenceEntry, o.apiBase, o.projectId, ...(o.noWait ? ['--no-wait'] : [])]
  return launch(
    args,
    { HEX_API_TOKEN: TOKEN },
    {
      cwd: dir,
      killAfterMs: o.killAfterMs,
      ...(o.measureRss ? { rssFile: join(dir, 'max-rss') } : {})
    }
  )
}

/** The floor: a Node process that does one fetch and nothing else. */
function launchBare(url: string, measureRss: boolean): Launched {
  const dir = freshDir('bare')
  const args = ['--input-type=module', '-e', `await fetch(${JSON.stringify(url)})`]
  return launch(
    args,
    {},
    {
      cwd: dir,
      killAfterMs: 30_000,
      ...(measureRss ? { rssFile: join(dir, 'max-rss') } : {})
    }
  )
}

async function startServer(options: Parameters<typeof FakeHex.start>[0]): Promise<FakeHex> {
  const fake = await FakeHex.start(options)
  live.servers.add(fake)
  return fake
}

async function stopServer(fake: FakeHex): Promise<void> {
  live.servers.delete(fake)
  await fake.close()
}

function describeExit(what: string, exited: Exited): string {
  const how = exited.signal ? `was killed (${exited.signal})` : `exited ${exited.code}`
  const tail = exited.log.trim().split('\n').slice(-8).join('\n    ')
  return `${what} ${how}${tail ? `; its last output:\n    ${tail}` : ''}`
}

// ---------------------------------------------------------------------------------------------
// 1. Start-up to first request

interface StartupResult {
  samples: Record<Candidate, number[]>
  bareRssKiB: number[]
}

async function measureStartup(rounds: number): Promise<StartupResult> {
  const projectId = benchProjectId(0)
  const fake = await startServer({ projects: [{ id: projectId }], maxRunningKernels: 1000 })
  const bareUrl = `${fake.origin}/bench/bare-fetch`
  const samples: Record<Candidate, number[]> = { action: [], reference: [], bare: [] }
  const order: Candidate[] = ['action', 'reference', 'bare']
  const options: LaunchOptions = {
    apiBase: fake.apiBase,
    projectId,
    noWait: true,
    measureRss: false,
    killAfterMs: 30_000
  }
  try {
    // Round 0 warms the file cache and is discarded. Each round starts with the next candidate,
    // so neither drift nor position favours one.
    for (let round = 0; round <= rounds; round++) {
      for (let k = 0; k < order.length; k++) {
        const candidate = order[(round + k) % order.length] as Candidate
        const before = fake.requests.length
        const launched =
          candidate === 'action'
            ? launchBenchAction(options)
            : candidate === 'reference'
              ? launchReference(options)
              : launchBare(bareUrl, false)
        const exited = await launched.done
        const first: RecordedRequest | undefined = fake.requests[before]
        const what = `start-up sample ${round} of the ${candidate}`
        if (exited.code !== 0) {
          problem(describeExit(what, exited))
          continue
        }
        const expected =
          candidate === 'bare'
            ? first?.path === '/bench/bare-fetch'
            : first?.method === 'POST' && first.status === 201
        if (first === undefined || !expected) {
          problem(`${what}: its first request was not the one expected (${JSON.stringify(first)})`)
          continue
        }
        if (candidate === 'action' && exited.outputs?.status !== 'PENDING') {
          problem(describeExit(`${what} set status '${exited.outputs?.status ?? ''}' and`, exited))
          continue
        }
        if (round > 0) samples[candidate].push(first.at - launched.spawnedAt)
      }
    }
    // The floor of memory: the same bare fetch, with the max-rss preload.
    const bareRssKiB: number[] = []
    for (let i = 0; i < 3; i++) {
      const exited = await launchBare(bareUrl, true).done
      if (exited.code === 0 && exited.maxRssKiB !== undefined) bareRssKiB.push(exited.maxRssKiB)
      else problem(describeExit('the bare fetch (memory sample)', exited))
    }
    return { samples, bareRssKiB }
  } finally {
    await stopServer(fake)
  }
}

// ---------------------------------------------------------------------------------------------
// 2-4. Detection lag, status requests and peak memory, all runs at once

interface RunMeasure {
  durationS: number
  /** From the run's terminalAt to the process's exit. */
  lagMs: number
  /** From terminalAt to the status request that saw the end. */
  seenMs: number
  statusRequests: number
  maxRssKiB: number
}

type RunCandidate = Exclude<Candidate, 'bare'>

async function measureRuns(durationsS: number[]): Promise<Record<RunCandidate, RunMeasure[]>> {
  const candidates: RunCandidate[] = ['action', 'reference']
  const projectOf = (c: RunCandidate, d: number): string =>
    benchProjectId(1 + candidates.indexOf(c) * durationsS.length + durationsS.indexOf(d))
  const fake = await startServer({
    projects: candidates.flatMap((c) =>
      durationsS.map((d) => ({
        id: projectOf(c, d),
        lifecycle: [{ status: 'RUNNING', ms: d * 1000 }, { status: 'COMPLETED' }]
      }))
    )
  })
  try {
    const started = candidates.flatMap((candidate) =>
      durationsS.map((durationS) => {
        const options: LaunchOptions = {
          apiBase: fake.apiBase,
          projectId: projectOf(candidate, durationS),
          noWait: false,
          measureRss: true,
          killAfterMs: durationS * 1000 + 60_000
        }
        const launched =
          candidate === 'action' ? launchBenchAction(options) : launchReference(options)
        return { candidate, durationS, launched }
      })
    )
    const results: Record<RunCandidate, RunMeasure[]> = { action: [], reference: [] }
    // Checked as each process exits; the first failure stops the others (stopAll).
    const check = (candidate: RunCandidate, durationS: number, exited: Exited): void => {
      if (stopping && exited.signal === 'SIGKILL') return // stopped because another run failed
      const failure = measureRun(fake, projectOf(candidate, durationS), durationS, exited)
      if (typeof failure === 'string') {
        problem(`the ${durationS} s run of the ${candidate}: ${failure}`)
        stopAll()
      } else {
        results[candidate].push(failure)
      }
    }
    await Promise.all(
      started.map(({ candidate, durationS, launched }) =>
        launched.done.then((exited) => check(candidate, durationS, exited))
      )
    )
    for (const c of candidates) results[c].sort((a, b) => a.durationS - b.durationS)
    return results
  } finally {
    await stopServer(fake)
  }
}

/** The measures of one finished run, or why it does not count. */
function measureRun(
  fake: FakeHex,
  projectId: string,
  durationS: number,
  exited: Exited
): RunMeasure | string {
  if (exited.code !== 0) return describeExit('the process', exited)
  const notCompleted = standInCompleted(fake, projectId, exited)
  if (notCompleted !== undefined) return notCompleted
  if (exited.outputs !== undefined && exited.outputs.status !== 'COMPLETED') {
    const status = exited.outputs.status ?? ''
    return describeExit(`the step output status is '${status}' and the process`, exited)
  }
  // standInCompleted checked there is exactly one run, and that it ended.
  const run = fake.runs(projectId)[0] as FakeRun & { terminalAt: number }
  const statusPath = `/api/v1/projects/${projectId}/runs/${run.id}`
  const reads = fake.requests.filter((r) => r.method === 'GET' && r.path === statusPath)
  const terminalAt = run.terminalAt
  const seen = reads.find((r) => r.at >= terminalAt)
  if (seen === undefined) return 'no status request was made after the run ended'
  if (exited.maxRssKiB === undefined) return 'the max-rss preload wrote nothing'
  return {
    durationS,
    lagMs: exited.exitedAt - terminalAt,
    seenMs: seen.at - terminalAt,
    statusRequests: reads.length,
    maxRssKiB: exited.maxRssKiB
  }
}

// ---------------------------------------------------------------------------------------------
// 5. Several runs in one step

/** The runs of the parallel row, in seconds. */
/**
 * Runs whose sum (24 s) is far from the slowest (10 s), so the wall time tells parallel from one
 * after another even though seeing a run's end can take up to one poll interval.
 */
const PARALLEL_DURATIONS_S = [6, 8, 10]
/**
 * The step's wall time counts as parallel when it is within the slowest run plus one poll
 * interval (the most the action can take to see a run's end) and a second for start-up.
 */
const PARALLEL_SLACK_S = POLL_INTERVAL_S + 1

interface ParallelMeasure {
  /** One action process with all the IDs in project-id: spawn to exit. */
  actionWallMs: number
  /** From spawn to the last of the action's triggers (POST …/runs): how nearly at once they went. */
  lastTriggerMs: number
  /** The slowest run: from its end (terminalAt) to the status request that saw it, and to exit. */
  slowestSeenMs: number
  slowestLagMs: number
  /** The reference, one process per run, one after another: first spawn to last exit. */
  referenceTotalMs: number
  /** Each reference process, spawn to exit, in the order of PARALLEL_DURATIONS_S. */
  referenceEachMs: number[]
}

/**
 * The action runs PARALLEL_DURATIONS_S as one step; the reference, which has no parallel mode,
 * runs them one after another. Both at the same time, on a stand-in of their own, and alongside
 * measureRuns. Undefined when a run did not complete (the problem is recorded).
 */
async function measureParallel(): Promise<ParallelMeasure | undefined> {
  const n = PARALLEL_DURATIONS_S.length
  const durationOf = (i: number): number => PARALLEL_DURATIONS_S[i % n] as number
  const actionIds = PARALLEL_DURATIONS_S.map((_, i) => benchProjectId(0x100 + i))
  const referenceIds = PARALLEL_DURATIONS_S.map((_, i) => benchProjectId(0x100 + n + i))
  const fake = await startServer({
    projects: [...actionIds, ...referenceIds].map((id, i) => ({
      id,
      lifecycle: [{ status: 'RUNNING', ms: durationOf(i) * 1000 }, { status: 'COMPLETED' }]
    }))
  })
  const options = (projectId: string): LaunchOptions => ({
    apiBase: fake.apiBase,
    projectId,
    noWait: false,
    measureRss: false,
    killAfterMs: Math.max(...PARALLEL_DURATIONS_S) * 1000 + 60_000
  })
  const fail = (what: string, why: string): undefined => {
    problem(`${what}: ${why}`)
    stopAll()
    return undefined
  }

  type ActionMeasure = Pick<
    ParallelMeasure,
    'actionWallMs' | 'lastTriggerMs' | 'slowestSeenMs' | 'slowestLagMs'
  >
  const action = async (): Promise<ActionMeasure | undefined> => {
    const launched = launchBenchAction(options(actionIds.join('\n')))
    const exited = await launched.done
    if (stopping && exited.signal === 'SIGKILL') return undefined // another measurement failed
    const what = `the ${n} parallel runs of the action (one step, ${PARALLEL_DURATIONS_S.map(seconds).join(', ')})`
    if (exited.code !== 0) return fail(what, describeExit('the process', exited))
    const status = exited.outputs?.status ?? ''
    if (status !== 'COMPLETED') {
      return fail(
        what,
        describeExit(`the step output status is '${status}' and the process`, exited)
      )
    }
    let entries: Array<{ projectId?: unknown; status?: unknown }>
    try {
      entries = JSON.parse(exited.outputs?.runs ?? '') as typeof entries
      if (!Array.isArray(entries)) throw new Error('not an array')
    } catch {
      return fail(what, `the runs output is not a JSON array: '${exited.outputs?.runs ?? ''}'`)
    }
    if (entries.length !== n)
      return fail(what, `the runs output holds ${entries.length} runs, expected ${n}`)
    for (const [i, id] of actionIds.entries()) {
      const entry = entries.find((e) => e.projectId === id)
      if (entry?.status !== 'COMPLETED') {
        const got = entry === undefined ? 'is missing' : `is ${String(entry.status)}`
        return fail(
          what,
          `the ${seconds(durationOf(i))} run (${id}) ${got} in the runs output, not COMPLETED`
        )
      }
      const failure = standInCompleted(fake, id, exited)
      if (failure !== undefined) return fail(what, `the ${seconds(durationOf(i))} run: ${failure}`)
    }
    const requests = fake.requests
    const triggers = actionIds.map(
      (id) =>
        requests.find((r) => r.method === 'POST' && r.path === `/api/v1/projects/${id}/runs`)?.at ??
        NaN
    )
    const slowestId = actionIds[
      PARALLEL_DURATIONS_S.indexOf(Math.max(...PARALLEL_DURATIONS_S))
    ] as string
    const slowest = fake.runs(slowestId)[0]
    const terminalAt = slowest?.terminalAt ?? NaN
    const statusPath = `/api/v1/projects/${slowestId}/runs/${slowest?.id ?? ''}`
    const seen = requests.find(
      (r) => r.method === 'GET' && r.path === statusPath && r.at >= terminalAt
    )
    if (seen === undefined)
      return fail(what, 'no status request was made after the slowest run ended')
    return {
      actionWallMs: exited.exitedAt - launched.spawnedAt,
      lastTriggerMs: Math.max(...triggers) - launched.spawnedAt,
      slowestSeenMs: seen.at - terminalAt,
      slowestLagMs: exited.exitedAt - terminalAt
    }
  }

  const reference = async (): Promise<{ totalMs: number; eachMs: number[] } | undefined> => {
    const eachMs: number[] = []
    let firstSpawn: number | undefined
    let lastExit = 0
    for (const [i, id] of referenceIds.entries()) {
      if (stopping) return undefined
      const launched = launchReference(options(id))
      const exited = await launched.done
      if (stopping && exited.signal === 'SIGKILL') return undefined
      const what = `the ${seconds(durationOf(i))} run of the reference (${i + 1} of ${n} in a row)`
      const failure =
        exited.code !== 0 ? describeExit('the process', exited) : standInCompleted(fake, id, exited)
      if (failure !== undefined) return fail(what, failure)
      firstSpawn ??= launched.spawnedAt
      lastExit = exited.exitedAt
      eachMs.push(exited.exitedAt - launched.spawnedAt)
    }
    return { totalMs: lastExit - (firstSpawn ?? lastExit), eachMs }
  }

  try {
    const [measured, ref] = await Promise.all([action(), reference()])
    if (measured === undefined || ref === undefined) return undefined
    return { ...measured, referenceTotalMs: ref.totalMs, referenceEachMs: ref.eachMs }
  } finally {
    await stopServer(fake)
  }
}

/** Why the stand-in's record of the project's run does not show it COMPLETED before the exit. */
function standInCompleted(fake: FakeHex, projectId: string, exited: Exited): string | undefined {
  const runs = fake.runs(projectId)
  const run = runs[0]
  if (runs.length !== 1 || run === undefined) {
    return `the stand-in holds ${runs.length} runs for ${projectId}, expected 1`
  }
  if (run.status !== 'COMPLETED' || run.terminalAt === undefined) {
    return describeExit(
      `the run is ${run.status} in the stand-in, not COMPLETED, and the process`,
      exited
    )
  }
  if (exited.exitedAt < run.terminalAt) return 'the process exited before the run ended'
  return undefined
}

// ---------------------------------------------------------------------------------------------
// 6. dist/ size

function distFiles(): Array<{ name: string; bytes: number }> {
  const dist = join(ROOT, 'dist')
  return readdirSync(dist, { recursive: true, encoding: 'utf8' })
    .filter((name) => statSync(join(dist, name)).isFile())
    .sort()
    .map((name) => ({ name, bytes: statSync(join(dist, name)).size }))
}

// ---------------------------------------------------------------------------------------------
// The table

const int = (n: number): string => Math.round(n).toLocaleString('en-US')
const ms = (n: number): string => (Number.isNaN(n) ? '–' : `${int(n)} ms`)
const mib = (kib: number): string => `${(kib / 1024).toFixed(1)} MiB`
const seconds = (d: number): string => `${d} s`

/** The columns of the main table, and of the start-up row alone (--startup). */
const MEASURE_HEADER = ['Measure', 'hex-run-action', 'Reference client (fixed 5 s)', 'Notes']

/** The start-up row: the medians of the three candidates, and the action's ratio to a bare fetch. */
function startupRow(rounds: number, startup: StartupResult): string[] {
  const s = {
    action: median(startup.samples.action),
    reference: median(startup.samples.reference),
    bare: median(startup.samples.bare)
  }
  const ratio = s.action / s.bare
  return [
    `Start-up to first request (median of ${rounds})`,
    ms(s.action),
    ms(s.reference),
    `bare \`node -e "await fetch(url)"\`: ${ms(s.bare)}; action / bare fetch = **${ratio.toFixed(2)}x** (target ≤ ${STARTUP_TARGET}x: ${ratio <= STARTUP_TARGET ? '**met**' : '**not met**'})`
  ]
}

function renderTable(
  rounds: number,
  startup: StartupResult,
  runs: Record<RunCandidate, RunMeasure[]>,
  durationsS: number[],
  parallel: ParallelMeasure
): string {
  const rows: string[][] = [startupRow(rounds, startup)]
  const at = (c: RunCandidate, d: number): RunMeasure | undefined =>
    runs[c].find((m) => m.durationS === d)
  for (const d of durationsS) {
    const a = at('action', d)
    const r = at('reference', d)
    rows.push([
      `Detection lag, ${seconds(d)} run (run end → process exit)`,
      a ? ms(a.lagMs) : '–',
      r ? ms(r.lagMs) : '–',
      `end seen by a status request after ${a ? ms(a.seenMs) : '–'} / ${r ? ms(r.seenMs) : '–'}`
    ])
  }
  for (const d of durationsS) {
    const a = at('action', d)
    const r = at('reference', d)
    let note = ''
    if (a) {
      const bound = d / POLL_INTERVAL_S + REQUEST_BOUND_EXTRA
      const boundText = Number.isInteger(bound) ? String(bound) : bound.toFixed(1)
      note = `bound ${d} s / poll-interval (${POLL_INTERVAL_S} s) + ${REQUEST_BOUND_EXTRA} = ${boundText}: ${a.statusRequests <= bound ? '**met**' : '**not met**'}`
    }
    rows.push([
      `Status requests, ${seconds(d)} run`,
      a ? String(a.statusRequests) : '–',
      r ? String(r.statusRequests) : '–',
      note
    ])
  }
  const peak = (c: RunCandidate): number => Math.max(...runs[c].map((m) => m.maxRssKiB))
  const perRun = (c: RunCandidate): string =>
    runs[c].map((m) => `${mib(m.maxRssKiB)} (${seconds(m.durationS)})`).join(', ')
  rows.push([
    'Peak memory (max RSS of the process, largest of its runs)',
    mib(peak('action')),
    mib(peak('reference')),
    `bare fetch: ${mib(median(startup.bareRssKiB))}; per run: action ${perRun('action')}; reference ${perRun('reference')}`
  ])
  const slowestS = Math.max(...PARALLEL_DURATIONS_S)
  const sumS = PARALLEL_DURATIONS_S.reduce((sum, d) => sum + d, 0)
  const withinS = slowestS + PARALLEL_SLACK_S
  const close = parallel.actionWallMs <= withinS * 1000
  const maxParallel = readActionYml().inputs['max-parallel']?.default ?? '?'
  rows.push([
    `${PARALLEL_DURATIONS_S.length} parallel runs in one step (${PARALLEL_DURATIONS_S.map(seconds).join(', ')}; wall time, spawn → exit)`,
    ms(parallel.actionWallMs),
    `${ms(parallel.referenceTotalMs)} (${PARALLEL_DURATIONS_S.length} in a row: ${parallel.referenceEachMs.map(ms).join(' + ')})`,
    `slowest run ${seconds(slowestS)}, sum ${seconds(sumS)}: wall time ${close ? `**close to the slowest** (≤ ${seconds(withinS)}), not the sum` : `**not close to the slowest** (> ${seconds(withinS)})`}; all ${PARALLEL_DURATIONS_S.length} triggered by ${ms(parallel.lastTriggerMs)} after spawn; the ${seconds(slowestS)} run's end → exit ${ms(parallel.slowestLagMs)} (seen by a status request after ${ms(parallel.slowestSeenMs)}); reference / action = **${(parallel.referenceTotalMs / parallel.actionWallMs).toFixed(2)}x**; one action process, max-parallel ${maxParallel} (default)`
  ])
  const files = distFiles()
  const total = files.reduce((sum, f) => sum + f.bytes, 0)
  rows.push([
    'dist/ size',
    `${int(total)} B`,
    '–',
    files.map((f) => `${f.name} ${int(f.bytes)} B`).join(', ')
  ])

  return markdownTable(MEASURE_HEADER, rows)
}

// ---------------------------------------------------------------------------------------------

async function cleanUp(): Promise<void> {
  for (const child of live.children) child.kill('SIGKILL')
  await Promise.all([...live.servers].map((fake) => stopServer(fake)))
  if (workDir !== '') rmSync(workDir, { recursive: true, force: true })
}

/** dist/index.js is not built: says so. Every measure of the bundled action needs it. */
function bundleMissing(): boolean {
  if (existsSync(ACTION_ENTRY)) return false
  console.error('dist/index.js is missing: run npm run bundle first.')
  return true
}

/**
 * The work folder, and the reference client in it as the plain JavaScript its types strip to, as
 * the action runs bundled JavaScript: a .ts entry would make Node load its type stripper into the
 * process measured.
 */
function prepareReference(): void {
  workDir = mkdtempSync(join(tmpdir(), 'hex-run-action-bench-'))
  referenceEntry = join(workDir, 'reference-client.mjs')
  const emitWarning = process.emitWarning.bind(process)
  process.emitWarning = () => {} // stripTypeScriptTypes is flagged experimental
  try {
    writeFileSync(referenceEntry, stripTypeScriptTypes(readFileSync(REFERENCE_SOURCE, 'utf8')))
  } finally {
    process.emitWarning = emitWarning
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      durations: { type: 'string' },
      statuses: { type: 'boolean', default: false },
      polling: { type: 'boolean', default: false },
      matrix: { type: 'boolean', default: false },
      jobs: { type: 'string' },
      'run-seconds': { type: 'string' },
      headers: { type: 'string' },
      soak: { type: 'boolean', default: false },
      startup: { type: 'string' }
    },
    // Only --soak takes one: its minutes.
    allowPositionals: true
  })
  if (positionals.length > 0 && (values.soak !== true || positionals.length > 1)) {
    console.error(`unexpected argument '${positionals.join(' ')}': only --soak takes one (minutes)`)
    return 1
  }
  if (values.matrix === true) return matrix(values.jobs, values['run-seconds'], values.headers)
  if (values.soak === true) {
    const minutes = positionals[0] === undefined ? SOAK_DEFAULT_MINUTES : Number(positionals[0])
    if (!Number.isFinite(minutes) || minutes < 3) {
      console.error(`bad --soak minutes '${positionals[0] ?? ''}': give 3 or more, e.g. --soak 25`)
      return 1
    }
    if (bundleMissing()) return 1
    process.stderr.write(`Soak: the action waits on a run that never ends for ${minutes} min …\n`)
    const wallStart = now()
    console.log(renderSoak(await measureSoak(minutes, (line) => process.stderr.write(`${line}\n`))))
    process.stderr.write(`\nWall time: ${((now() - wallStart) / 1000).toFixed(1)} s\n`)
    return 0
  }
  if (values.startup !== undefined) {
    const samples = Number(values.startup)
    if (!Number.isInteger(samples) || samples < 3) {
      console.error(
        `bad --startup '${values.startup}': give a number of samples, 3 or more, e.g. --startup 31`
      )
      return 1
    }
    if (bundleMissing()) return 1
    prepareReference()
    process.stderr.write(`Start-up: ${samples} samples per candidate, after a warm-up round …\n`)
    const startup = await measureStartup(samples)
    if (problems.length > 0) return report()
    console.log(markdownTable(MEASURE_HEADER, [startupRow(samples, startup)]))
    return 0
  }
  if (values.statuses === true) {
    console.log(renderStatusTable(await measureStatuses(values.quick === true ? 5 : 15)))
    return 0
  }
  const quick = values.quick === true
  if (values.polling === true) {
    console.log(await pollingTable(quick))
    console.log(`\n${await tokenTable(quick)}`)
    return 0
  }
  const rounds = quick ? 5 : 15
  // 10 and 60 s end on the fixed-5 s reference's ticks, its best case; 12.5 and 62.5 s fall between
  // them, its worst. Both are shown, so neither poller is flattered.
  let durationsS = quick ? [0.5, 3] : [0.5, 10, 12.5, 60, 62.5]
  if (values.durations !== undefined) {
    durationsS = [...new Set(values.durations.split(',').map(Number))]
    if (durationsS.some((d) => !Number.isFinite(d) || d <= 0)) {
      console.error(`bad --durations '${values.durations}': give seconds, e.g. 0.5,12.5,62.5`)
      return 1
    }
  }
  const wallStart = now()

  if (bundleMissing()) return 1
  prepareReference()

  const log = (message: string): void => void process.stderr.write(`${message}\n`)
  log(`Start-up: ${rounds} samples per candidate, after a warm-up round …`)
  const startup = await measureStartup(rounds)
  if (problems.length > 0) return report()
  log(`Commit statuses: ${rounds} samples with commit-status false and true …`)
  const statuses = await measureStatuses(rounds)
  // The reference's parallel row is its runs one after another: each ends on its next 5 s tick.
  const referenceRowS = PARALLEL_DURATIONS_S.reduce(
    (sum, d) => sum + Math.ceil(d / POLL_INTERVAL_S) * POLL_INTERVAL_S,
    0
  )
  const aboutS = Math.max(Math.max(...durationsS) + POLL_INTERVAL_S, referenceRowS)
  log(
    `Runs of ${durationsS.map(seconds).join(', ')}, all at once, and ${PARALLEL_DURATIONS_S.length} parallel runs in one step (about ${aboutS} s) …`
  )
  const [runs, parallel] = await Promise.all([measureRuns(durationsS), measureParallel()])
  if (problems.length > 0 || parallel === undefined) return report()

  const cpu = cpus()
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
  const flags = process.argv.slice(2).join(' ')
  console.log(`Command: \`npm run bench${flags === '' ? '' : ` -- ${flags}`}\`  `)
  console.log(`Date: ${date}  `)
  console.log(
    `Machine: ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.version} (${platform()} ${arch()})\n`
  )
  console.log(renderTable(rounds, startup, runs, durationsS, parallel))
  log('Polling, simulated …')
  console.log(`\n${await pollingTable(quick)}`)
  console.log(`\n${await tokenTable(quick)}`)
  console.log(`\n${renderStatusTable(statuses)}`)
  log(`\nWall time: ${((now() - wallStart) / 1000).toFixed(1)} s`)
  return 0
}

const HEADER_MODES: readonly RateHeaderMode[] = [
  'x-ratelimit',
  'ratelimit',
  'ratelimit-policy',
  'none'
]

/** A comma-separated list of numbers, each `ok`; undefined if any is not. */
function numbers(text: string, ok: (n: number) => boolean): number[] | undefined {
  const list = text.split(',').map((part) => Number(part.trim()))
  return list.length > 0 && list.every((n) => Number.isFinite(n) && ok(n)) ? list : undefined
}

const load = (averages: number[]): string => averages.map((l) => l.toFixed(2)).join(' ')

/** --matrix: N actions on one token against one stand-in with Hex's limits, for each N. */
async function matrix(
  jobsText: string | undefined,
  secondsText: string | undefined,
  headersText: string | undefined
): Promise<number> {
  const jobs =
    jobsText === undefined ? DEFAULT_JOBS : numbers(jobsText, (n) => Number.isInteger(n) && n > 0)
  if (jobs === undefined) {
    console.error(`bad --jobs '${jobsText ?? ''}': give whole numbers of jobs, e.g. 1,4,8`)
    return 1
  }
  const seconds = secondsText === undefined ? undefined : numbers(secondsText, (n) => n > 0)
  if (
    secondsText !== undefined &&
    (seconds === undefined || (seconds.length !== 1 && seconds.length !== jobs.length))
  ) {
    console.error(
      `bad --run-seconds '${secondsText}': give one length in seconds, or one per --jobs entry`
    )
    return 1
  }
  const runSeconds = (n: number): number =>
    seconds === undefined
      ? defaultRunSeconds(n)
      : ((seconds.length === 1 ? seconds[0] : seconds[jobs.indexOf(n)]) as number)
  const headers = (headersText?.split(',').map((h) => h.trim()) ??
    DEFAULT_HEADER_MODES) as RateHeaderMode[]
  if (headers.some((h) => !HEADER_MODES.includes(h))) {
    console.error(`bad --headers '${headersText ?? ''}': give some of ${HEADER_MODES.join(', ')}`)
    return 1
  }
  if (bundleMissing()) return 1
  workDir = mkdtempSync(join(tmpdir(), 'hex-run-action-bench-'))
  const log = (message: string): void => void process.stderr.write(`${message}\n`)
  const wallStart = now()
  const loadAtStart = loadavg()
  const rows = await measureMatrix({ workDir, jobs, runSeconds, headers, log })
  const cpu = cpus()
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
  const flags = process.argv.slice(2).join(' ')
  console.log(`Command: \`npm run bench -- ${flags}\`  `)
  console.log(`Date: ${date}  `)
  console.log(
    `Machine: ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores (nproc ${availableParallelism()}), load average ${load(loadAtStart)} at the start and ${load(loadavg())} at the end, Node ${process.version} (${platform()} ${arch()})\n`
  )
  console.log(renderMatrixTable(rows))
  log(`\nWall time: ${((now() - wallStart) / 1000).toFixed(1)} s`)
  const failures = rows.flatMap((row) => row.failures)
  if (failures.length === 0) return 0
  console.error(`bench: ${failures.length} job(s) did not complete with exactly one run:`)
  for (const message of failures) console.error(`  - ${message}`)
  return 1
}

function report(): number {
  console.error(`bench: ${problems.length} run(s) did not complete, so there is no table:`)
  for (const message of problems) console.error(`  - ${message}`)
  return 1
}

process.once('SIGINT', () => {
  void cleanUp().then(() => process.exit(130))
})

void main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error))
    return 1
  })
  .then(async (code) => {
    await cleanUp()
    process.exitCode = code
  })

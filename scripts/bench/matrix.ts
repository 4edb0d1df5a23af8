/**
 * npm run bench -- --matrix: a workflow matrix on one token. N copies of the bundled action
 * (dist/index.js), each a process of its own with its own inputs and GITHUB_* files, as N matrix
 * jobs would run, all with the same token, against ONE stand-in Hex in limits mode (Hex's
 * per-token limits: 30 reads a minute, 20 triggers a minute, 25 running kernels). Each job runs a
 * project of its own whose run takes a given time and that has no run history. Prints a Markdown
 * table, one row per number of jobs and header mode: how long after its run's end each step
 * exits, the 429s, the most reads the token made in any 60 s, the triggers sent, and whether every
 * job completed with exactly one run. It asserts nothing about timing.
 */
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { now } from '../../test/fake-hex/clock.ts'
import { FakeHex, type RateHeaderMode, type RecordedRequest } from '../../test/fake-hex/server.ts'
import { launchAction, type Exited } from './launch.ts'
import { maxInWindow } from './simulate.ts'
import { markdownTable } from './table.ts'

const TOKEN = 'hxtw_test_run_token'

/** The rows of the table. */
export const DEFAULT_JOBS = [1, 4, 8, 16, 30]
/** A run's length in a row of fewer than WIDE_JOBS jobs, and in a row of at least as many. */
export const DEFAULT_RUN_SECONDS = 75
export const WIDE_JOBS = 30
export const DEFAULT_WIDE_RUN_SECONDS = 20
/** With the X-RateLimit-* headers (what the action reads), and with none but a 429's Retry-After. */
export const DEFAULT_HEADER_MODES: RateHeaderMode[] = ['x-ratelimit', 'none']
/** A job still going this long after its run's end is killed and counted as not completed. */
const KILL_AFTER_END_MS = 15 * 60_000

/** The default length of the runs in a row of `jobs` jobs. */
export function defaultRunSeconds(jobs: number): number {
  return jobs >= WIDE_JOBS ? DEFAULT_WIDE_RUN_SECONDS : DEFAULT_RUN_SECONDS
}

/** Project IDs must be UUIDs: job n gives 0bec3a70-…-n. */
function matrixProjectId(n: number): string {
  return `0bec3a70-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
}

export interface MatrixRow {
  jobs: number
  runSeconds: number
  headers: RateHeaderMode
  /** From each completed job's run end (the stand-in's terminalAt) to its process's exit, ms. */
  lagsMs: number[]
  /** 429 answers: to reads, and to triggers. */
  readLimited: number
  triggerLimited: number
  /** The most 429s one job got (by the project in the request's path). */
  mostLimitedJob: number
  /** The most requests of the read window (all but RunProject) in any 60 s. */
  maxReadsPerMinute: number
  /** RunProject requests, retries included. */
  triggers: number
  /** 503 answers to RunProject (the token at its limit of running kernels). */
  kernelsFull: number
  /** Jobs that exited 0 with status COMPLETED and exactly one run, COMPLETED, before the exit. */
  completed: number
  /** First spawn to last exit. */
  wallMs: number
  /** Why each job that did not complete did not. */
  failures: string[]
}

function isTrigger(r: RecordedRequest): boolean {
  return r.method === 'POST' && /^\/api\/v1\/projects\/[^/]+\/runs$/.test(r.path)
}

/** Why the job did not complete with exactly one run, or its lag. */
function judge(fake: FakeHex, projectId: string, exited: Exited): number | string {
  const tail = exited.log.trim().split('\n').slice(-4).join(' | ')
  const how = exited.signal ? `was killed (${exited.signal})` : `exited ${exited.code}`
  if (exited.code !== 0) return `${how}: ${tail}`
  const status = exited.outputs?.status ?? ''
  if (status !== 'COMPLETED') return `status output '${status}': ${tail}`
  const runs = fake.runs(projectId)
  const run = runs[0]
  if (runs.length !== 1 || run === undefined) return `${runs.length} runs in the stand-in`
  if (run.status !== 'COMPLETED' || run.terminalAt === undefined)
    return `its run is ${run.status} in the stand-in`
  if (exited.exitedAt < run.terminalAt) return 'exited before its run ended'
  return exited.exitedAt - run.terminalAt
}

/** One row: `jobs` actions at once on one token against one stand-in in limits mode. */
export async function measureMatrixRow(
  workDir: string,
  jobs: number,
  runSeconds: number,
  headers: RateHeaderMode
): Promise<MatrixRow> {
  const ids = Array.from({ length: jobs }, (_, i) => matrixProjectId(i + 1))
  const fake = await FakeHex.start({
    limits: { headers },
    projects: ids.map((id) => ({
      id,
      lifecycle: [{ status: 'RUNNING', ms: runSeconds * 1000 }, { status: 'COMPLETED' }]
    }))
  })
  try {
    const started = now()
    const launched = ids.map((id, i) =>
      launchAction({
        dir: mkdtempSync(join(workDir, `matrix-${jobs}-${headers}-${i + 1}-`)),
        inputs: { 'project-id': id, 'api-token': TOKEN, 'api-url': fake.apiBase },
        measureRss: false,
        killAfterMs: runSeconds * 1000 + KILL_AFTER_END_MS
      })
    )
    const exits = await Promise.all(launched.map((l) => l.done))
    const wallMs = Math.max(...exits.map((e) => e.exitedAt)) - started
    const requests = fake.requests
    const lagsMs: number[] = []
    const failures: string[] = []
    for (const [i, exited] of exits.entries()) {
      const verdict = judge(fake, ids[i] as string, exited)
      if (typeof verdict === 'number') lagsMs.push(verdict)
      else failures.push(`job ${i + 1} of ${jobs}: ${verdict}`)
    }
    const limited = requests.filter((r) => r.status === 429)
    const perJob = ids.map(
      (id) => limited.filter((r) => r.path.startsWith(`/api/v1/projects/${id}`)).length
    )
    return {
      jobs,
      runSeconds,
      headers,
      lagsMs,
      readLimited: limited.filter((r) => !isTrigger(r)).length,
      triggerLimited: limited.filter(isTrigger).length,
      mostLimitedJob: Math.max(...perJob),
      maxReadsPerMinute: maxInWindow(
        requests.filter((r) => !isTrigger(r)).map((r) => r.at),
        60_000
      ),
      triggers: requests.filter(isTrigger).length,
      kernelsFull: requests.filter((r) => isTrigger(r) && r.status === 503).length,
      completed: lagsMs.length,
      wallMs,
      failures
    }
  } finally {
    await fake.close()
  }
}

const s1 = (ms: number): string => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : '–')
const HEADER_WORDS: Record<RateHeaderMode, string> = {
  'x-ratelimit': 'X-RateLimit-*',
  ratelimit: 'RateLimit-*',
  'ratelimit-policy': 'RateLimit + RateLimit-Policy',
  none: 'none (429 + Retry-After only)'
}

export function renderMatrixTable(rows: MatrixRow[]): string {
  const header = [
    'Jobs on one token',
    'Run',
    'Rate-limit headers',
    'Run end → step exit, mean',
    'worst',
    '429s per job (reads + triggers; most in one job)',
    'Most reads in any 60 s (limit 30)',
    'Triggers sent',
    'Every job completed with one run',
    'Wall time'
  ]
  const body = rows.map((row) => {
    const mean = row.lagsMs.reduce((sum, ms) => sum + ms, 0) / row.lagsMs.length
    const perJob = (n: number): string => (n / row.jobs).toFixed(1)
    const done = row.completed === row.jobs ? '**yes**' : `**no**: ${row.completed} of ${row.jobs}`
    const triggers =
      row.kernelsFull > 0
        ? `${row.triggers} (${row.kernelsFull} answered 503)`
        : String(row.triggers)
    return [
      String(row.jobs),
      `${row.runSeconds} s`,
      HEADER_WORDS[row.headers],
      s1(mean),
      s1(row.lagsMs.length === 0 ? NaN : Math.max(...row.lagsMs)),
      `${perJob(row.readLimited + row.triggerLimited)} (${perJob(row.readLimited)} + ${perJob(row.triggerLimited)}; ${row.mostLimitedJob})`,
      String(row.maxReadsPerMinute),
      triggers,
      done,
      s1(row.wallMs)
    ]
  })
  return markdownTable(header, body)
}

export interface MatrixOptions {
  workDir: string
  jobs: number[]
  /** The run length of each row of `jobs`, in seconds. */
  runSeconds: (jobs: number) => number
  headers: RateHeaderMode[]
  log: (message: string) => void
}

/** Every row, one after another (each on a stand-in of its own, so no row spends another's window). */
export async function measureMatrix(options: MatrixOptions): Promise<MatrixRow[]> {
  const rows: MatrixRow[] = []
  for (const jobs of options.jobs) {
    for (const headers of options.headers) {
      const runSeconds = options.runSeconds(jobs)
      options.log(`Matrix: ${jobs} jobs, runs of ${runSeconds} s, headers ${headers} …`)
      const row = await measureMatrixRow(options.workDir, jobs, runSeconds, headers)
      options.log(
        `  ${row.completed} of ${jobs} completed in ${s1(row.wallMs)}; ${row.readLimited + row.triggerLimited} answers of 429`
      )
      rows.push(row)
    }
  }
  return rows
}

/**
 * The action's memory on a long wait, for `npm run bench -- --soak [minutes]` (default 25): the
 * bundled action (dist/index.js), started as a runner starts it with action.yml's defaults
 * (poll-interval 5s), waits on a run of the stand-in Hex that never ends, for that many real
 * minutes. The resident set size of the action's process is read from /proc/<pid>/status (VmRSS,
 * and its two parts RssAnon and RssFile) every SAMPLE_EVERY_MS; at the end the step is stopped as
 * a runner stops it (SIGINT), and the max-rss preload gives its peak.
 *
 * What it shows: the RSS at minute 2 (start-up and the first reads are over, V8 has optimised the
 * HTTP parser), at the end, the growth in between (and after minute 5, past the optimising
 * compiler's warm-up) and the peak. A step that keeps something per read (records of every poll,
 * timers, listeners, connections, log text) grows with the wait; one that does not stays flat.
 * Each figure is the median of the samples of one minute, so that a single garbage collection
 * does not move it. RssAnon is the process's own memory (heaps, compiled
 * code), where a leak shows; RssFile is pages of files it maps (the node binary's code, paged in
 * as new code paths run, such as the optimising compiler minutes in), which the kernel may also
 * drop again when memory is short: VmRSS is their sum, so both are shown. Linux only (/proc). It
 * prints; it asserts nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { now } from '../../test/fake-hex/clock.ts'
import { FakeHex } from '../../test/fake-hex/server.ts'
import { readActionYml } from '../../test/runner/action-yml.ts'
import { launchAction, median, type Exited } from './launch.ts'
import { markdownTable } from './table.ts'

export const SOAK_DEFAULT_MINUTES = 25
/** How often the RSS is read. */
const SAMPLE_EVERY_MS = 10_000
/** Where the baseline is taken: start-up and the first quick reads are long over by then. */
const BASELINE_MINUTE = 2
/** The growth after BASELINE_MINUTE that issue 18 allows. */
const GROWTH_TARGET_MIB = 3
/**
 * Past the one-time warm-up: V8's optimising compiler (TurboFan) first runs two to three minutes
 * in, when the polling code gets hot, and the kernel maps about 2 MiB of its machine code from the
 * node binary (RssFile) then. A second growth figure from here on shows what the wait itself adds.
 */
const WARM_MINUTE = 5
const TOKEN = 'hxtw_test_run_token'
const PROJECT_ID = '0bec0000-0000-4000-8000-00000000500a'

export interface RssSample {
  /** Since the action was spawned. */
  atMs: number
  /** VmRSS, RssAnon and RssFile, in KiB. */
  rssKiB: number
  anonKiB: number
  fileKiB: number
}

export interface SoakResult {
  minutes: number
  pollInterval: string
  samples: RssSample[]
  /** Status reads the stand-in answered, and how many of them in the last minute. */
  statusReads: number
  statusReadsLastMinute: number
  /** The process's own peak (the max-rss preload), from its exit. */
  maxRssKiB: number | undefined
  exited: Exited
}

/** VmRSS and its parts of a live process, in KiB; undefined once it is gone. */
function rssOf(pid: number): Omit<RssSample, 'atMs'> | undefined {
  let status: string
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8')
  } catch {
    return undefined
  }
  const field = (name: string): number | undefined => {
    const kib = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1]
    return kib === undefined ? undefined : Number(kib)
  }
  const [rssKiB, anonKiB, fileKiB] = [field('VmRSS'), field('RssAnon'), field('RssFile')]
  if (rssKiB === undefined || anonKiB === undefined || fileKiB === undefined) return undefined
  return { rssKiB, anonKiB, fileKiB }
}

/**
 * Runs the soak. `progress` is told once a minute. Throws when the action stops before the time
 * is up, or when its memory cannot be read.
 */
export async function measureSoak(
  minutes: number,
  progress: (line: string) => void
): Promise<SoakResult> {
  const durationMs = minutes * 60_000
  const fake = await FakeHex.start({
    projects: [{ id: PROJECT_ID, lifecycle: [{ status: 'RUNNING' }] }]
  })
  const dir = mkdtempSync(join(tmpdir(), 'hex-run-action-bench-soak-'))
  const statusPath = `/api/v1/projects/${PROJECT_ID}/runs/`
  const statusReads = (since = 0): number =>
    fake.requests.filter(
      (r) => r.method === 'GET' && r.path.startsWith(statusPath) && r.at >= since
    ).length
  const pollInterval = readActionYml().inputs['poll-interval']?.default ?? '?'
  try {
    const launched = launchAction({
      dir,
      inputs: {
        'project-id': PROJECT_ID,
        'api-token': TOKEN,
        'api-url': fake.apiBase,
        // Far beyond the soak: the step is still waiting when it is stopped.
        timeout: `${minutes + 10}m`
      },
      measureRss: true,
      killAfterMs: durationMs + 120_000
    })
    const pid = launched.pid
    if (pid === undefined) throw new Error('the action could not be started')
    let gone: Exited | undefined
    void launched.done.then((exited) => (gone = exited))

    const samples: RssSample[] = []
    let nextMinute = 1
    while (now() - launched.spawnedAt < durationMs) {
      const wakeAt = launched.spawnedAt + (samples.length + 1) * SAMPLE_EVERY_MS
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, wakeAt - now())))
      const rss = rssOf(pid)
      if (gone !== undefined || rss === undefined) {
        const log = (gone ?? (await launched.done)).log.trim().split('\n').slice(-8).join('\n  ')
        throw new Error(
          `the action stopped after ${seconds(now() - launched.spawnedAt)}:\n  ${log}`
        )
      }
      const atMs = now() - launched.spawnedAt
      samples.push({ atMs, ...rss })
      if (atMs >= nextMinute * 60_000) {
        progress(
          `soak: minute ${nextMinute} of ${minutes}, RSS ${mib(rss.rssKiB)} (anon ${mib(rss.anonKiB)}, file ${mib(rss.fileKiB)}), ${statusReads()} status reads`
        )
        nextMinute++
      }
    }
    const lastMinuteFrom = now() - 60_000
    // As a runner stops a step: the action cancels the run and exits.
    process.kill(pid, 'SIGINT')
    const exited = await launched.done
    return {
      minutes,
      pollInterval,
      samples,
      statusReads: statusReads(),
      statusReadsLastMinute: statusReads(lastMinuteFrom),
      maxRssKiB: exited.maxRssKiB,
      exited
    }
  } finally {
    await fake.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

type Part = 'rssKiB' | 'anonKiB' | 'fileKiB'

/** The median of one part of the samples of the minute that ends at `endMs`. */
function minuteMedian(samples: RssSample[], endMs: number, part: Part): number {
  return median(
    samples.filter((s) => s.atMs > endMs - 60_000 && s.atMs <= endMs).map((s) => s[part])
  )
}

const signed = (mibs: number): string => `${mibs >= 0 ? '+' : '−'}${Math.abs(mibs).toFixed(1)} MiB`

export function renderSoak(result: SoakResult): string {
  const { samples, minutes } = result
  const baselineMs = BASELINE_MINUTE * 60_000
  const warmMs = WARM_MINUTE * 60_000
  const endMs = samples.at(-1)?.atMs ?? NaN
  const at = (ms: number, part: Part): number => minuteMedian(samples, ms, part)
  const growthFrom = (fromMs: number, part: Part): number =>
    (at(endMs, part) - at(fromMs, part)) / 1024
  const growth = (part: Part): number => growthFrom(baselineMs, part)
  const after = samples.filter((s) => s.atMs > baselineMs)
  const range = (part: Part): string =>
    `${mib(Math.min(...after.map((s) => s[part])))} to ${mib(Math.max(...after.map((s) => s[part])))}`
  const parts = (ms: number): string =>
    `anon ${mib(at(ms, 'anonKiB'))}, file ${mib(at(ms, 'fileKiB'))}`
  const peakSample = Math.max(...samples.map((s) => s.rssKiB))
  const growthMiB = growth('rssKiB')
  const rows = [
    [
      `RSS at minute ${BASELINE_MINUTE}`,
      mib(at(baselineMs, 'rssKiB')),
      `${parts(baselineMs)}; each figure the median of the ${SAMPLE_EVERY_MS / 1000} s samples of one minute`
    ],
    [
      `RSS at the end (minute ${minutes})`,
      mib(at(endMs, 'rssKiB')),
      `${parts(endMs)}; after minute ${BASELINE_MINUTE} the samples ranged ${range('rssKiB')} (anon ${range('anonKiB')})`
    ],
    [
      `Growth after minute ${BASELINE_MINUTE}`,
      signed(growthMiB),
      `target ≤ ${GROWTH_TARGET_MIB} MiB: ${growthMiB <= GROWTH_TARGET_MIB ? '**met**' : '**not met**'}; anon ${signed(growth('anonKiB'))} (the process's own memory), file ${signed(growth('fileKiB'))} (pages of the node binary and other mapped files)`
    ],
    ...(minutes >= WARM_MINUTE + 2
      ? [
          [
            `Growth after minute ${WARM_MINUTE}`,
            signed(growthFrom(warmMs, 'rssKiB')),
            `past the optimising compiler's warm-up (its code paged in from the node binary about minute 3): anon ${signed(growthFrom(warmMs, 'anonKiB'))}, file ${signed(growthFrom(warmMs, 'fileKiB'))}`
          ]
        ]
      : []),
    [
      'Peak RSS',
      mib(Math.max(peakSample, result.maxRssKiB ?? 0)),
      `largest sample ${mib(peakSample)}; the process's own peak (max RSS at exit, the stop included) ${result.maxRssKiB === undefined ? '–' : mib(result.maxRssKiB)}`
    ],
    [
      'Status reads',
      String(result.statusReads),
      `${result.statusReadsLastMinute} in the last minute, still polling when stopped; the step then exited ${result.exited.signal ?? String(result.exited.code)} after SIGINT`
    ]
  ]
  const header = [
    `Soak: ${minutes} min waiting on a run that never ends (poll-interval ${result.pollInterval}, ${samples.length} samples)`,
    'hex-run-action',
    'Notes'
  ]
  return markdownTable(header, rows)
}

const mib = (kib: number): string => `${(kib / 1024).toFixed(1)} MiB`
const seconds = (ms: number): string => `${Math.round(ms / 1000)} s`

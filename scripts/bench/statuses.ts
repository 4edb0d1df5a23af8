/**
 * The cost of commit-status, for `npm run bench`: the bundled action started as a runner starts it
 * (wait: false, so the step is trigger and exit), with commit-status false and true in turn,
 * against the stand-in Hex and the stand-in GitHub API. Measured per sample: the time from spawn
 * to the first request (the trigger), to the process's exit, and its peak memory; with statuses
 * on, also from the trigger to the pending status reaching GitHub.
 *
 * With false, @actions/github is never loaded: its figures are the action's without the feature.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { FakeGitHub } from '../../test/fake-github/server.ts'
import { now } from '../../test/fake-hex/clock.ts'
import { FakeHex } from '../../test/fake-hex/server.ts'
import { ACTION_ENTRY, launchAction, median } from './launch.ts'
import { markdownTable } from './table.ts'

const TOKEN = 'hxtw_test_run_token'
const GITHUB_TOKEN = 'ghs_bench_token'
const SHA = '0'.repeat(40)
const PROJECT_ID = '0bec0000-0000-4000-8000-00000000c0de'

export interface StatusSample {
  firstRequestMs: number
  exitMs: number
  maxRssKiB: number
  /** From the trigger's arrival at Hex to the pending status's arrival at GitHub. */
  pendingAfterTriggerMs?: number
}

export type StatusBench = Record<'off' | 'on', StatusSample[]>

/**
 * `rounds` samples of each (after one warm-up round), alternating which goes first. `entry` is
 * the bundle measured: another build's, to compare (commit-status false only, if it predates it).
 */
export async function measureStatuses(
  rounds: number,
  entry = ACTION_ENTRY,
  variants: readonly ('off' | 'on')[] = ['off', 'on']
): Promise<StatusBench> {
  const hex = await FakeHex.start({ projects: [{ id: PROJECT_ID }], maxRunningKernels: 1000 })
  const github = await FakeGitHub.start({ token: GITHUB_TOKEN, now })
  const dir = mkdtempSync(join(tmpdir(), 'hex-run-action-bench-statuses-'))
  const samples: StatusBench = { off: [], on: [] }
  try {
    for (let round = 0; round <= rounds; round++)
      for (const variant of round % 2 === 0 ? variants : [...variants].reverse()) {
        const sample = await sampleOne(
          entry,
          variant === 'on',
          hex,
          github,
          join(dir, `${round}-${variant}`)
        )
        if (round > 0) samples[variant].push(sample)
      }
    return samples
  } finally {
    await github.close()
    await hex.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function sampleOne(
  entry: string,
  on: boolean,
  hex: FakeHex,
  github: FakeGitHub,
  dir: string
): Promise<StatusSample> {
  mkdirSync(dir)
  const hexBefore = hex.requests.length
  const githubBefore = github.statuses.length
  const launched = launchAction({
    dir,
    entry,
    inputs: {
      'project-id': PROJECT_ID,
      'api-token': TOKEN,
      'api-url': hex.apiBase,
      wait: 'false',
      'commit-status': String(on),
      'github-token': GITHUB_TOKEN
    },
    env: {
      GITHUB_REPOSITORY: 'acme/data',
      GITHUB_API_URL: github.apiUrl,
      GITHUB_EVENT_NAME: 'push',
      GITHUB_SHA: SHA
    },
    measureRss: true,
    killAfterMs: 30_000
  })
  const exited = await launched.done
  if (exited.code !== 0) throw new Error(`the action exited ${exited.code}:\n${exited.log}`)
  const trigger = hex.requests[hexBefore]
  const pending = github.statuses[githubBefore]
  if (trigger?.method !== 'POST')
    throw new Error(`the first request was not the trigger:\n${exited.log}`)
  if (on && pending?.state !== 'pending')
    throw new Error(`no pending status was posted:\n${exited.log}`)
  return {
    firstRequestMs: trigger.at - launched.spawnedAt,
    exitMs: exited.exitedAt - launched.spawnedAt,
    maxRssKiB: exited.maxRssKiB ?? NaN,
    ...(on && pending ? { pendingAfterTriggerMs: pending.at - trigger.at } : {})
  }
}

/** The table: one row per measure, the medians with and without statuses. */
export function renderStatusTable(bench: StatusBench): string {
  const ms = (values: number[]) => `${Math.round(median(values))} ms`
  const mib = (values: number[]) => `${(median(values) / 1024).toFixed(1)} MiB`
  const of = (variant: 'off' | 'on', pick: (s: StatusSample) => number | undefined) =>
    bench[variant].map(pick).filter((v): v is number => v !== undefined)
  const rows = [
    [
      'Spawn to the trigger',
      ms(of('off', (s) => s.firstRequestMs)),
      ms(of('on', (s) => s.firstRequestMs))
    ],
    ['Spawn to exit (wait: false)', ms(of('off', (s) => s.exitMs)), ms(of('on', (s) => s.exitMs))],
    ['Peak memory (RSS)', mib(of('off', (s) => s.maxRssKiB)), mib(of('on', (s) => s.maxRssKiB))],
    ['Trigger to the pending status on GitHub', '–', ms(of('on', (s) => s.pendingAfterTriggerMs))]
  ]
  const n = bench.off.length
  return markdownTable(
    [`Commit statuses (median of ${n})`, 'commit-status: false', 'commit-status: true'],
    rows
  )
}

/**
 * Processes for the benchmark: a child with the bench's clock readings, its log, outputs and peak
 * memory, and the bundled action started as a runner starts it. Shared by scripts/bench.ts and
 * scripts/bench/statuses.ts.
 */
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { now } from '../../test/fake-hex/clock.ts'
import { ROOT, runnerDefaults } from '../../test/runner/action-yml.ts'
import { inputVar, parseFileCommand } from '../../test/runner/run-action.ts'

export const ACTION_ENTRY = join(ROOT, 'dist', 'index.js')
const MAX_RSS_PRELOAD = join(ROOT, 'scripts', 'bench', 'max-rss.js')

/** A child process with the bench's clock readings (ms since the epoch, as the stand-in's). */
export interface Launched {
  spawnedAt: number
  /** The child's process id (undefined if it could not be spawned): to read its memory as it runs. */
  pid: number | undefined
  done: Promise<Exited>
}

export interface Exited {
  code: number | null
  signal: NodeJS.Signals | null
  exitedAt: number
  log: string
  /** The action's step outputs (GITHUB_OUTPUT); undefined for the other candidates. */
  outputs?: Record<string, string>
  /** Peak RSS in KiB, when the process ran with the max-rss preload. */
  maxRssKiB?: number
}

/** Every child still going, so that whoever stops the bench can kill them. */
export const children = new Set<ReturnType<typeof spawn>>()

/**
 * Spawns `node <args>` with a clean environment (no proxy variables from the caller), reading the
 * clock right before spawn() and when 'exit' arrives.
 */
export function launch(
  args: string[],
  env: Record<string, string>,
  options: { cwd: string; killAfterMs: number; rssFile?: string; outputFile?: string }
): Launched {
  const preload = options.rssFile === undefined ? [] : ['--import', MAX_RSS_PRELOAD]
  const fullEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: options.cwd,
    ...env
  }
  if (options.rssFile !== undefined) fullEnv.BENCH_MAX_RSS_FILE = options.rssFile
  const spawnedAt = now()
  const child = spawn(process.execPath, [...preload, ...args], {
    env: fullEnv,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  children.add(child)
  let log = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (log += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (log += chunk))
  const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs)
  const done = new Promise<Exited>((resolve) => {
    let exitedAt = 0
    child.on('exit', () => (exitedAt = now()))
    child.on('close', (code, signal) => {
      clearTimeout(killer)
      children.delete(child)
      const exited: Exited = { code, signal, exitedAt, log }
      if (options.outputFile !== undefined) {
        exited.outputs = parseFileCommand(readFileSync(options.outputFile, 'utf8'))
      }
      if (options.rssFile !== undefined) {
        const text = readFileOrEmpty(options.rssFile).trim()
        if (text !== '') exited.maxRssKiB = Number(text)
      }
      resolve(exited)
    })
  })
  return { spawnedAt, pid: child.pid, done }
}

function readFileOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

export interface ActionLaunch {
  /** A folder of its own: the GITHUB_* files, RUNNER_TEMP and the process's cwd. */
  dir: string
  /** Inputs by their action.yml names; the rest take the defaults a runner passes. */
  inputs: Record<string, string>
  /** More environment, such as GITHUB_REPOSITORY. */
  env?: Record<string, string>
  /** Another build's bundle, to compare; default dist/index.js. */
  entry?: string
  measureRss: boolean
  /** Killed after this long: a safety net, reported as a failure. */
  killAfterMs: number
}

/** The action as a runner starts it: INPUT_* variables with action.yml's defaults, GITHUB_* files. */
export function launchAction(o: ActionLaunch): Launched {
  const files = {
    GITHUB_OUTPUT: join(o.dir, 'output'),
    GITHUB_STATE: join(o.dir, 'state'),
    GITHUB_STEP_SUMMARY: join(o.dir, 'summary')
  }
  for (const file of Object.values(files)) writeFileSync(file, '')
  const env: Record<string, string> = {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    RUNNER_TEMP: o.dir,
    ...files,
    ...o.env
  }
  for (const [name, value] of Object.entries({ ...runnerDefaults(), ...o.inputs }))
    env[inputVar(name)] = value
  return launch([o.entry ?? ACTION_ENTRY], env, {
    cwd: o.dir,
    killAfterMs: o.killAfterMs,
    outputFile: files.GITHUB_OUTPUT,
    ...(o.measureRss ? { rssFile: join(o.dir, 'max-rss') } : {})
  })
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2
}

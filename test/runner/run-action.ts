import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readActionYml, ROOT, runnerDefaults } from './action-yml.ts'

export interface ActionResult {
  exitCode: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** stdout and stderr together, as the job log shows them. */
  log: string
  outputs: Record<string, string>
  summary: string
  /** The GITHUB_STATE file as written. */
  state: string
  /** Its values, to hand to the post step. */
  stateValues: Record<string, string>
}

export interface RunActionOptions {
  /** Inputs by their action.yml names; the rest take action.yml's defaults, as on a runner. */
  inputs?: Record<string, string>
  /** Extra environment variables. */
  env?: Record<string, string>
  /** State saved by the main step, passed as STATE_* variables: runs the post step. */
  state?: Record<string, string>
  /** Kills the process if it runs longer (a safety net, not an assertion). */
  killAfterMs?: number
  /** Called once the process has started, e.g. to send it a signal. */
  onSpawn?: (child: ChildProcess) => void
  entry?: string
}

/**
 * Runs the bundled action the way a runner does: a fresh Node 24 process, inputs as INPUT_*
 * variables (hyphens kept, defaults from action.yml), and the GITHUB_OUTPUT, GITHUB_STATE and
 * GITHUB_STEP_SUMMARY files, which are read back afterwards.
 */
export async function runAction(options: RunActionOptions = {}): Promise<ActionResult> {
  const dir = mkdtempSync(join(tmpdir(), 'hex-run-action-'))
  const files = {
    output: join(dir, 'output'),
    state: join(dir, 'state'),
    summary: join(dir, 'summary')
  }
  for (const file of Object.values(files)) writeFileSync(file, '')
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary
  }
  const yml = readActionYml()
  for (const [name, value] of Object.entries(runnerDefaults())) env[inputVar(name)] = value
  for (const [name, value] of Object.entries(options.inputs ?? {})) env[inputVar(name)] = value
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value
  Object.assign(env, options.env)

  const child = spawn(process.execPath, [options.entry ?? `${ROOT}${yml.runs.main}`], {
    env,
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  let log = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    log += chunk
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
    log += chunk
  })
  options.onSpawn?.(child)
  const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000)
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (code, sig) => resolve([code, sig]))
  )
  clearTimeout(killer)
  const state = readFileSync(files.state, 'utf8')
  const result: ActionResult = {
    exitCode,
    signal,
    stdout,
    stderr,
    log,
    outputs: parseFileCommand(readFileSync(files.output, 'utf8')),
    summary: readFileSync(files.summary, 'utf8'),
    state,
    stateValues: parseFileCommand(state)
  }
  rmSync(dir, { recursive: true, force: true })
  return result
}

/** The runner's rule: upper-case, spaces to underscores, hyphens kept. */
export function inputVar(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/**
 * Reads a GITHUB_OUTPUT file: `name<<DELIMITER` blocks as @actions/core writes them, and plain
 * `name=value` lines. A later value wins, as on the runner.
 */
export function parseFileCommand(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string]
      const body: string[] = []
      i++
      while (i < lines.length && lines[i] !== delimiter) body.push(lines[i++] ?? '')
      values[name] = body.join('\n')
    } else if (line.includes('=')) {
      const at = line.indexOf('=')
      values[line.slice(0, at)] = line.slice(at + 1)
    }
  }
  return values
}

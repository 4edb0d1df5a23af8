/**
 * Runs a job of one of the repository's workflows here, as far as that can be done without GitHub:
 * `run:` steps in bash with the runner's options (-eo pipefail), `uses: ./` steps through runAction
 * (the bundled action, inputs as INPUT_* variables), and step outputs, outcomes and `if:` followed
 * from step to step. Other `uses:` steps (checkout, setup-node) are taken as done: the checkout is
 * the working tree, and the Node that runs the tests (24) is first on PATH. A `uses: ./` step whose
 * api-url is not a loopback address fails without running, so a broken workflow cannot send the
 * tests to app.hex.tech.
 *
 * Expressions: `${{ steps.<id>.outputs.<name> }}` and `${{ steps.<id>.outcome }}` in `with:`,
 * `env:` and `if:`, and in `if:` the status functions and `==` / `!=` against a quoted string,
 * joined by `&&`. Anything else throws, so that a workflow change the helper cannot follow fails
 * the test that uses it instead of being run wrongly.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parse } from 'yaml'
import { ROOT } from './action-yml.ts'
import { parseFileCommand, runAction } from './run-action.ts'

export interface WorkflowStep {
  id?: string
  name?: string
  if?: string
  uses?: string
  run?: string
  with?: Record<string, string | number | boolean>
  env?: Record<string, string | number | boolean>
  'continue-on-error'?: boolean
}

export interface WorkflowJob {
  name?: string
  'runs-on'?: string
  'timeout-minutes'?: number
  permissions?: Record<string, string>
  needs?: string | string[]
  if?: string
  steps: WorkflowStep[]
  uses?: string
}

export interface Workflow {
  name?: string
  on: unknown
  permissions?: Record<string, string> | string
  concurrency?: { group: string; 'cancel-in-progress'?: boolean | string } | string
  env?: Record<string, string>
  jobs: Record<string, WorkflowJob>
}

export function readWorkflow(file: string): Workflow {
  return parse(readFileSync(join(ROOT, '.github/workflows', file), 'utf8')) as Workflow
}

export interface StepResult {
  step: WorkflowStep
  outcome: 'success' | 'failure' | 'skipped'
  outputs: Record<string, string>
  log: string
}

export interface RunJobOptions {
  /** Working directory of `run:` steps; default the repository. */
  cwd?: string
  /** Extra environment for `run:` steps, e.g. a PATH with stand-in commands first. */
  env?: Record<string, string>
  /** Kills a step that runs longer (a safety net, not an assertion). */
  stepTimeoutMs?: number
}

/** PATH with the Node that runs the tests first, as setup-node would leave it. */
export function nodePath(): string {
  return `${dirname(process.execPath)}:${process.env.PATH ?? ''}`
}

/** Runs one `run:` script as the runner's default bash shell does. */
export async function runScript(
  script: string,
  env: Record<string, string>,
  options: { cwd?: string; timeoutMs?: number } = {}
): Promise<{ exitCode: number | null; log: string; outputs: Record<string, string> }> {
  const dir = mkdtempSync(join(tmpdir(), 'hex-run-action-step-'))
  const file = join(dir, 'step.sh')
  const output = join(dir, 'output')
  writeFileSync(file, script)
  writeFileSync(output, '')
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
    cwd: options.cwd ?? ROOT,
    env: {
      PATH: nodePath(),
      HOME: dir,
      RUNNER_TEMP: dir,
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
      ...env,
      GITHUB_OUTPUT: output
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let log = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (log += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (log += chunk))
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve))
  clearTimeout(killer)
  const outputs = parseFileCommand(readFileSync(output, 'utf8'))
  rmSync(dir, { recursive: true, force: true })
  return { exitCode, log, outputs }
}

type Results = Map<string, StepResult>

function reference(expr: string, results: Results): string {
  const ref = /^steps\.([\w-]+)\.(outputs\.([\w-]+)|outcome)$/.exec(expr.trim())
  if (!ref) throw new Error(`workflow-job: cannot evaluate \${{ ${expr} }}`)
  const [, id, , output] = ref as unknown as [string, string, string, string | undefined]
  const result = results.get(id)
  if (output === undefined) return result?.outcome ?? ''
  return result?.outputs[output] ?? ''
}

/** Replaces each `${{ … }}` in a value. */
export function interpolate(value: string, results: Results): string {
  return value.replace(/\$\{\{(.*?)\}\}/g, (_, expr: string) => reference(expr, results))
}

function condition(raw: string | undefined, failed: boolean, results: Results): boolean {
  if (raw === undefined) return !failed
  const expr = raw.trim().replace(/^\$\{\{(.*)\}\}$/s, '$1')
  let statusChecked = false
  let value = true
  for (const term of expr.split('&&').map((t) => t.trim())) {
    if (term === 'always()') statusChecked = true
    else if (term === 'success()') [statusChecked, value] = [true, value && !failed]
    else if (term === 'failure()') [statusChecked, value] = [true, value && failed]
    else if (term === '!cancelled()' || term === 'cancelled()') {
      statusChecked = true
      value = value && term === '!cancelled()'
    } else {
      const cmp = /^(.+?)\s*(==|!=)\s*'([^']*)'$/.exec(term)
      if (!cmp) throw new Error(`workflow-job: cannot evaluate if: ${raw}`)
      const [, left, op, right] = cmp as unknown as [string, string, string, string]
      const equal = reference(left, results) === right
      value = value && (op === '==' ? equal : !equal)
    }
  }
  return statusChecked ? value : value && !failed
}

function strings(values: Record<string, string | number | boolean> | undefined, results: Results) {
  return Object.fromEntries(
    Object.entries(values ?? {}).map(([k, v]) => [k, interpolate(String(v), results)])
  )
}

/**
 * Runs a job's steps in order and returns each step's result by its id (or its name). The steps
 * share one RUNNER_TEMP, as on a runner; it is removed at the end.
 */
export async function runJob(job: WorkflowJob, options: RunJobOptions = {}): Promise<Results> {
  const results: Results = new Map()
  const runnerTemp = mkdtempSync(join(tmpdir(), 'hex-run-action-job-'))
  let failed = false
  for (const [index, step] of job.steps.entries()) {
    const key = step.id ?? step.name ?? `step-${index}`
    let result: StepResult
    if (!condition(step.if, failed, results)) {
      result = { step, outcome: 'skipped', outputs: {}, log: '' }
    } else if (step.run !== undefined) {
      const ran = await runScript(
        step.run,
        { RUNNER_TEMP: runnerTemp, ...options.env, ...strings(step.env, results) },
        { cwd: options.cwd, timeoutMs: options.stepTimeoutMs }
      )
      const outcome = ran.exitCode === 0 ? 'success' : 'failure'
      result = { step, outcome, outputs: ran.outputs, log: ran.log }
    } else if (step.uses === './') {
      const inputs = strings(step.with, results)
      // Never Hex itself from a test: without a loopback api-url the action would use app.hex.tech.
      if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(inputs['api-url'] ?? '')) {
        const log = `workflow-job: not run, api-url '${inputs['api-url'] ?? ''}' is not the stand-in`
        results.set(key, { step, outcome: 'failure', outputs: {}, log })
        if (step['continue-on-error'] !== true) failed = true
        continue
      }
      const ran = await runAction({ inputs, killAfterMs: options.stepTimeoutMs })
      const outcome = ran.exitCode === 0 ? 'success' : 'failure'
      result = { step, outcome, outputs: ran.outputs, log: ran.log }
    } else {
      result = { step, outcome: 'success', outputs: {}, log: '' }
    }
    results.set(key, result)
    if (result.outcome === 'failure' && step['continue-on-error'] !== true) failed = true
  }
  rmSync(runnerTemp, { recursive: true, force: true })
  return results
}

/**
 * Runs the action's main or post step in this process, on a virtual clock, against the stand-in
 * server: the same result shape as the end-to-end harness (test/runner/run-action.ts), so a test
 * reads the log, outputs, summary and state the same way, without a process or real waits.
 */
import { runnerDefaults } from '../../test/runner/action-yml.ts'
import type { ActionResult } from '../../test/runner/run-action.ts'
import type { OutputName, StateName } from '../../src/action/constants.ts'
import type { InputName } from '../../src/step/inputs.ts'
import type { ActionIO } from '../../src/action/io.ts'
import { run } from '../../src/action/main.ts'
import { post } from '../../src/action/post.ts'
import { githubStatuses } from '../../src/github/statuses.ts'
import { VirtualClock } from './virtual-clock.ts'

export interface InProcessOptions {
  /** Inputs by their action.yml names; the rest take action.yml's defaults, as on a runner. */
  inputs?: Record<string, string>
  /** The environment the action reads (HEX_API_TOKEN). */
  env?: Record<string, string>
  /**
   * The action's fetch, which the clock tracks: Node's global fetch unless given (the process's
   * proxy-aware one, say, `proxyAwareFetch(env)`).
   */
  fetch?: typeof fetch
  /** State saved by a main step: runs the post step with it. */
  state?: Record<string, string>
  clock?: VirtualClock
  /** Stops the step as the runner does on a workflow cancel, once a log line matches. */
  stopWhen?: RegExp
  /**
   * Keeps the state saved up to the first log line that matches, as a step killed right after
   * that line would leave it for the post step: the result's `stateAt`. The step goes on.
   */
  snapshotWhen?: RegExp
  /** The summary file cannot be written. */
  summaryFails?: boolean
  /** The step-state file (GITHUB_STATE) cannot be written. */
  stateFails?: boolean
  /**
   * The step's own randomness (jitter), on the shared clock: several jobs simulated on one clock
   * each draw their own, as separate processes would. Default: the clock's, a constant.
   */
  random?: () => number
  /** The runtime's garbage collector (lib/memory.ts): none unless given, as in other tests. */
  collectGarbage?: () => void
}

const DEFAULTS = runnerDefaults()

/** The runner's escaping of a command's data and properties (@actions/core's command.js). */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}
function command(name: string, message: string, title?: string): string {
  const properties = title !== undefined ? ` title=${escapeProperty(title)}` : ''
  return `::${name}${properties}::${escapeData(message)}`
}

/** An ActionIO that writes what @actions/core would write, into strings. */
export class RecordingIO implements ActionIO {
  stdout = ''
  summary = ''
  exitCode = 0
  readonly outputs: Record<string, string> = {}
  readonly state: Record<string, string> = {}
  private readonly inputs: Record<string, string>
  private readonly savedState: Record<string, string>
  private readonly onLine: (line: string) => void
  private readonly summaryFails: boolean
  private readonly stateFails: boolean

  constructor(options: InProcessOptions, onLine: (line: string) => void = () => {}) {
    this.inputs = { ...DEFAULTS, ...options.inputs }
    this.savedState = options.state ?? {}
    this.onLine = onLine
    this.summaryFails = options.summaryFails ?? false
    this.stateFails = options.stateFails ?? false
  }

  private line(text: string): void {
    this.stdout += `${text}\n`
    this.onLine(text)
  }

  getInput = (name: InputName): string => (this.inputs[name] ?? '').trim()
  setSecret = (value: string): void => this.line(command('add-mask', value))
  setOutput = (name: OutputName, value: string): void => {
    this.outputs[name] = value
  }
  info = (message: string): void => this.line(message)
  debug = (message: string): void => this.line(command('debug', message))
  warning = (message: string, title?: string): void => this.line(command('warning', message, title))
  notice = (message: string, title?: string): void => this.line(command('notice', message, title))
  fail = (message: string, title?: string): void => {
    this.line(command('error', message, title))
    this.exitCode = 1
  }
  group = (name: string, lines: string[]): void => {
    this.line(`::group::${name}`)
    for (const line of lines) this.line(line)
    this.line('::endgroup::')
  }
  writeSummary = (markdown: string): Promise<void> => {
    if (this.summaryFails) return Promise.reject(new Error('EACCES: permission denied'))
    this.summary += `${markdown}\n`
    return Promise.resolve()
  }
  saveState = (name: StateName, value: string): void => {
    // As @actions/core's file command throws when the runner's file is not there.
    if (this.stateFails) throw new Error('Missing file at path: /home/runner/work/_temp/state')
    this.state[name] = value
  }
  getState = (name: StateName): string => this.savedState[name] ?? ''
}

/** Runs the main step (or, with `state`, the post step) in process. */
export async function runInProcess(
  options: InProcessOptions = {}
): Promise<ActionResult & { stateAt?: Record<string, string> }> {
  const clock = options.clock ?? new VirtualClock()
  const stop = new AbortController()
  let stateAt: Record<string, string> | undefined
  const io = new RecordingIO(options, (line) => {
    if (stateAt === undefined && options.snapshotWhen?.test(line)) stateAt = { ...io.state }
    if (options.stopWhen?.test(line) && !stop.signal.aborted) {
      stop.abort()
      io.info('Received SIGINT: stopping.')
    }
  })
  const runtime = clock.runtime(options.env ?? {}, options)
  const services = { statuses: githubStatuses }
  if (options.state !== undefined) await post({ io, runtime, services })
  else await run({ io, runtime, signal: stop.signal, services })
  const stateText = Object.entries(io.state)
    .map(([name, value]) => `${name}<<EOF\n${value}\nEOF\n`)
    .join('')
  return {
    exitCode: io.exitCode,
    signal: null,
    stdout: io.stdout,
    stderr: '',
    log: io.stdout,
    outputs: { ...io.outputs },
    summary: io.summary,
    state: stateText,
    stateValues: { ...io.state },
    stateAt
  }
}

import { Output, type InputName, type OutputName } from '../action/constants.ts'
import type { ActionIO } from '../action/io.ts'
import type { RunSummaryEntry } from '../action/outputs.ts'
import { safeLine, safeText } from '../lib/safe-text.ts'
import { CLI_WORDS } from './words.ts'

export interface CliStreams {
  out: (text: string) => void
  err: (text: string) => void
}

/** The action's edge for a terminal: plain lines, secrets masked, outputs kept for the result. */
export class TerminalIO implements ActionIO {
  failed = false
  /** The action's messages in the command line's words: `--timeout`, `--no-wait`, "interrupted". */
  readonly words = CLI_WORDS
  private readonly values: Record<string, string | boolean | string[] | undefined>
  private readonly verbose: boolean
  private readonly streams: CliStreams
  private readonly secrets: string[] = []
  private readonly outputs = new Map<OutputName, string>()

  constructor(
    values: Record<string, string | boolean | string[] | undefined>,
    verbose: boolean,
    streams: CliStreams
  ) {
    this.values = values
    this.verbose = verbose
    this.streams = streams
  }

  getInput = (name: InputName): string => {
    const value = this.values[name]
    if (Array.isArray(value)) return value.join('\n')
    if (typeof value === 'boolean') return String(value)
    return value ?? ''
  }
  setSecret = (value: string): void => {
    this.secrets.push(value)
  }
  setOutput = (name: OutputName, value: string): void => {
    this.outputs.set(name, value)
  }
  info = (message: string): void => this.streams.out(`${this.mask(message)}\n`)
  debug = (message: string): void => {
    if (this.verbose) this.streams.out(`${this.mask(message)}\n`)
  }
  warning = (message: string): void => this.streams.err(`warning: ${this.mask(message)}\n`)
  fail = (message: string): void => {
    this.failed = true
    this.streams.err(`error: ${this.mask(message)}\n`)
  }
  group = (name: string, lines: string[]): void => {
    if (!this.verbose) return
    this.info(name)
    for (const line of lines) for (const part of line.split('\n')) this.info(`  ${part}`)
  }
  // The job summary is the runner's; the terminal gets printResult() instead.
  writeSummary = (): Promise<void> => Promise.resolve()
  saveState = (): void => {}
  getState = (): string => ''

  /** The result in a few lines, from the same outputs a workflow reads. */
  printResult(): void {
    let runs: RunSummaryEntry[] = []
    try {
      runs = JSON.parse(this.outputs.get(Output.Runs) ?? '[]') as typeof runs
    } catch {
      runs = []
    }
    if (runs.length === 0) return
    this.info('')
    const width = Math.max(...runs.map((r) => r.status.length))
    for (const r of runs) {
      const project = r.projectName ? `${r.projectName} (${r.projectId})` : r.projectId
      const time = r.elapsedSeconds !== null ? `  ${r.elapsedSeconds}s` : ''
      // Read back from the runs output: Hex's text again, so each row is one safe line.
      this.info(
        safeLine(`${r.status.padEnd(width)}  ${project}${time}${r.runUrl ? `  ${r.runUrl}` : ''}`)
      )
    }
  }

  /**
   * Secrets masked, and text from Hex made inert for a terminal (no escape sequences, no stray
   * controls) by the same rules as the runner's log; the action's own line breaks stay.
   */
  private mask(text: string): string {
    return safeText(text, this.secrets)
  }
}

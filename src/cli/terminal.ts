import { safeLine, safeText } from '../lib/safe-text.ts'
import type { InputName } from '../step/inputs.ts'
import type { StepIO } from '../step/io.ts'
import { conclusions, groupTally, type StepResult } from '../step/result.ts'
import { phaseWords, titleOf } from '../step/run-words.ts'
import type { Values } from './options.ts'
import { CLI_WORDS } from './words.ts'

export interface CliStreams {
  out: (text: string) => void
  err: (text: string) => void
}

/** The step's edge for a terminal: inputs from the arguments, plain lines, secrets masked. */
export class Terminal implements StepIO {
  /** The action's messages in the command line's words: `--timeout`, `--no-wait`, "interrupted". */
  readonly words = CLI_WORDS
  private readonly values: Values
  private readonly verbose: boolean
  private readonly streams: CliStreams
  private readonly secrets: string[] = []

  constructor(values: Values, verbose: boolean, streams: CliStreams) {
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
  /** A value never to be printed (the token). */
  addSecret(value: string): void {
    if (value !== '') this.secrets.push(value)
  }
  info = (message: string): void => this.streams.out(`${this.mask(message)}\n`)
  debug = (message: string): void => {
    if (this.verbose) this.streams.out(`${this.mask(message)}\n`)
  }
  warning = (message: string): void => this.streams.err(`warning: ${this.mask(message)}\n`)
  error = (message: string): void => this.streams.err(`error: ${this.mask(message)}\n`)
  group = (name: string, lines: string[]): void => {
    if (!this.verbose) return
    this.info(name)
    for (const line of lines) for (const part of line.split('\n')) this.info(`  ${part}`)
  }

  /** The step's result: its errors and warnings, then a line per run. */
  printResult(result: StepResult): void {
    for (const { level, text } of conclusions(result))
      if (level === 'error') this.error(text)
      else if (level === 'notice') this.info(text)
      else this.warning(text)
    const tally = groupTally(result)
    if (tally !== undefined) this.info(tally)
    this.info('')
    const width = Math.max(...result.reports.map((r) => r.status.length))
    for (const r of result.reports) {
      const { projectId, projectName } = r.target
      const name = titleOf(r) ?? projectName
      const project = name ? `${name} (${projectId})` : projectId
      const elapsedMs = r.run?.elapsedMs
      const phases = phaseWords(r.run)
      const seconds =
        (elapsedMs === undefined ? '' : `  ${Math.round(elapsedMs / 1000)}s`) +
        (phases === undefined ? '' : ` (${phases})`)
      const url = r.run?.runUrl ? `  ${r.run.runUrl}` : ''
      // Hex's text (a title, a URL): each row is one safe line.
      this.info(safeLine(`${r.status.padEnd(width)}  ${project}${seconds}${url}`))
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

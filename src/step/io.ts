import type { InputReader } from './inputs.ts'
import type { Words } from './words.ts'

/**
 * What a step needs from the edge it runs at: its inputs and a log. The runner's edge
 * (action/io.ts) writes the log as workflow commands, the command line's (cli/terminal.ts) as
 * plain lines; either makes every line safe (lib/safe-text.ts) before it is written.
 */
export interface StepIO {
  getInput: InputReader
  info: (message: string) => void
  debug: (message: string) => void
  warning: (message: string, title?: string) => void
  group: (name: string, lines: string[]) => void
  /** How messages name inputs and a stop from outside; the runner's words when absent. */
  words?: Words
}

/** Each line a run logs starts with its project, so interleaved runs stay readable. */
export function labelled<T extends StepIO>(io: T, label: string): T {
  const tag = (message: string) => `[${label}] ${message}`
  return {
    ...io,
    info: (m: string) => io.info(tag(m)),
    debug: (m: string) => io.debug(tag(m)),
    warning: (m: string, title?: string) => io.warning(tag(m), title),
    group: (name: string, lines: string[]) => io.group(tag(name), lines)
  }
}

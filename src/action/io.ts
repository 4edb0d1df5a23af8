import * as core from '@actions/core'
import type { OutputName, StateName } from './constants.ts'
import { redact, safeLine, safeLines, safeText } from '../lib/safe-text.ts'
import type { StepIO } from '../step/io.ts'

/**
 * Everything the action does to the runner, behind one interface: the step's inputs and log, and
 * what only a runner has (outputs, annotations, the job summary, the post step's state). Tests
 * pass a recording fake instead of mocking @actions/core.
 */
export interface ActionIO extends StepIO {
  setSecret: (value: string) => void
  setOutput: (name: OutputName, value: string) => void
  /** A notice annotation: something the reader should know that is no problem. */
  notice: (message: string, title?: string) => void
  /** An error annotation; the step fails. */
  fail: (message: string, title?: string) => void
  writeSummary: (markdown: string) => Promise<void>
  /** Handed from the main step to the post step. */
  saveState: (name: StateName, value: string) => void
  getState: (name: StateName) => string
}

export const coreIO: ActionIO = {
  getInput: (name) => core.getInput(name),
  setSecret: (value) => core.setSecret(value),
  setOutput: (name, value) => core.setOutput(name, value),
  info: (message) => core.info(message),
  debug: (message) => core.debug(message),
  warning: (message, title) => core.warning(message, title ? { title } : {}),
  notice: (message, title) => core.notice(message, title ? { title } : {}),
  fail: (message, title) => {
    core.error(message, title ? { title } : {})
    process.exitCode = 1
  },
  group: (name, lines) => {
    core.startGroup(name)
    for (const line of lines) core.info(line)
    core.endGroup()
  },
  writeSummary: async (markdown) => {
    // Outside a runner there is no summary file; that is not a failure of the run.
    if (!process.env.GITHUB_STEP_SUMMARY) {
      core.debug('GITHUB_STEP_SUMMARY is not set; the job summary is not written.')
      return
    }
    await core.summary.addRaw(markdown, true).write()
  },
  saveState: (name, value) => core.saveState(name, value),
  getState: (name) => core.getState(name)
}

/** An ActionIO that makes every message safe, and that can redact the secrets it was given. */
export interface SafeIO extends ActionIO {
  /** The secrets so far (the token, and every value given to setSecret). */
  secrets: () => readonly string[]
}

/**
 * Wraps an ActionIO so that whatever the action writes to the log, annotations and outputs passes
 * through lib/safe-text: Hex's answers and echoed inputs reach the runner as text, never as a
 * workflow command, an escape sequence or a secret. Ordinary text passes unchanged.
 */
export function safeIO(io: ActionIO): SafeIO {
  if (isSafe(io)) return io
  const secrets: string[] = []
  const line = (text: string) => safeLine(text, secrets)
  // Annotations and debug messages carry their line breaks in the command's encoding.
  const text = (message: string) => safeText(message, secrets)
  const wrapped: SafeIO = {
    ...io,
    secrets: () => secrets,
    setSecret: (value) => {
      if (value !== '' && !secrets.includes(value)) secrets.push(value)
      io.setSecret(value)
    },
    setOutput: (name, value) => io.setOutput(name, line(value)),
    info: (m) => io.info(line(m)),
    debug: (m) => io.debug(text(m)),
    warning: (m, title) => io.warning(text(m), title === undefined ? undefined : line(title)),
    notice: (m, title) => io.notice(text(m), title === undefined ? undefined : line(title)),
    fail: (m, title) => io.fail(text(m), title === undefined ? undefined : line(title)),
    // Each line printed on purpose (the request's JSON) is split and made safe on its own.
    group: (name, lines) =>
      io.group(
        line(name),
        lines.flatMap((l) => safeLines(l, secrets))
      ),
    // The summary renders its own escaping (secrets first); this is the last net for a raw secret.
    writeSummary: (markdown) => io.writeSummary(redact(markdown, secrets))
  }
  SAFE.add(wrapped)
  return wrapped
}

const SAFE = new WeakSet<ActionIO>()

function isSafe(io: ActionIO): io is SafeIO {
  return SAFE.has(io)
}

import { HexError } from '../hex/errors.ts'
import { unexpectedMessage } from '../lib/errors.ts'
import { startCutShort } from './start.ts'
import type { RunEnding, RunFacts, StopCause } from './types.ts'

/** What was going on when an error ended a run early. */
export interface FailureContext {
  /** Set when the step was asked to stop and no run of its own was known yet: who asked. */
  stoppedBy?: StopCause
  /** The step follows a run started elsewhere (run-id). */
  following: boolean
  run?: RunFacts
}

/**
 * An error that ended a run early, as the run's ending: a stop that cut the start short (whether
 * a run may exist decides what the reader is told), Hex's failure (its message says what to do),
 * or a bug (the message for the log, the stack for debug only).
 */
export function failureEnding(error: unknown, context: FailureContext): RunEnding {
  const { stoppedBy: by, run } = context
  if (by !== undefined) {
    // Following a run started elsewhere: nothing of ours was started, nothing is left to cancel.
    if (context.following) return { kind: 'stopped', by, phase: 'before-start' }
    const cut = startCutShort(error)
    if (cut !== undefined)
      return { kind: 'stopped', by, phase: cut === 'no-run' ? 'before-start' : 'starting' }
  }
  if (error instanceof HexError) return { kind: 'failed', message: error.message, run }
  return {
    kind: 'failed',
    message: unexpectedMessage(error),
    stack: error instanceof Error ? error.stack : undefined,
    run
  }
}

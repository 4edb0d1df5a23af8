import type { StatusState } from '../github/statuses.ts'
import { formatDuration } from '../lib/duration.ts'
import type { RunOutcome } from '../runs/types.ts'
import { cancelWording, stopWording } from '../step/outcome-words.ts'
import { phaseWords, titleOf } from '../step/run-words.ts'
import { titled } from './status-title.ts'

/** How a run's end reads on its commit status: the state and a few words (at most 140 characters). */
export function finalStatus(
  outcome: RunOutcome,
  timeoutMs: number
): { state: StatusState; description: string } {
  const final = endStatus(outcome, timeoutMs)
  const run = 'run' in outcome ? outcome.run : undefined
  return {
    ...final,
    description: titled(final.description, titleOf({ target: outcome.target, run }))
  }
}

function endStatus(
  outcome: RunOutcome,
  timeoutMs: number
): { state: StatusState; description: string } {
  const elapsedMs = 'run' in outcome ? outcome.run?.elapsedMs : undefined
  const after = elapsedMs === undefined ? '' : ` after ${formatDuration(elapsedMs)}`
  switch (outcome.kind) {
    case 'ended': {
      const phases = phaseWords(outcome.run)
      const took = `${formatDuration(outcome.run.elapsedMs ?? 0)}${phases ? ` (${phases})` : ''}`
      return outcome.status === 'COMPLETED'
        ? { state: 'success', description: `COMPLETED in ${took}` }
        : { state: 'failure', description: `${outcome.status} after ${took}` }
    }
    case 'timed-out':
      return {
        state: 'error',
        description: `TIMEOUT: not finished within ${formatDuration(timeoutMs)}; ${cancelWording(outcome.cancel, outcome.run.runId, '').short}`
      }
    case 'stopped':
      return {
        state: 'error',
        // The runner's words: a commit status is the runner's alone.
        description: `CANCELLED${after}: ${stopWording(outcome.by).short}`
      }
    case 'skipped':
      return { state: 'success', description: 'SKIPPED: a run was in progress; none started' }
    case 'wait-timed-out':
      return {
        state: 'error',
        description: `TIMEOUT: a run in progress outlasted ${formatDuration(timeoutMs)}; none started`
      }
    default:
      return { state: 'error', description: `ERROR${after}: the step failed before the run ended` }
  }
}

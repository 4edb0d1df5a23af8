import { formatDuration } from '../lib/duration.ts'
import { isKnownStatus, isTerminalStatus, type RunState } from '../hex/types.ts'
import type { WaitProgress } from '../runs/wait.ts'

/**
 * While the status stays the same, one line this often tells the reader the step is alive
 * without flooding an hour-long log.
 */
export const HEARTBEAT_MS = 60_000

export interface ProgressSink {
  info: (message: string) => void
  warning: (message: string) => void
}

/**
 * Turns status reads into log lines: one per change, a heartbeat while it stays the same, and one
 * warning the first time Hex reports a status this action does not know. `eta`, when it has
 * something to say, ends the lines of a run still going (how long runs usually take, and when
 * this one should end).
 */
export function progressLogger(
  sink: ProgressSink,
  heartbeatMs = HEARTBEAT_MS,
  eta: () => string | undefined = () => undefined
): (state: RunState, progress: Pick<WaitProgress, 'elapsedMs' | 'changed'>) => void {
  let lastLineAt = 0
  const unknownSeen = new Set<string>()
  return (state, { elapsedMs, changed }) => {
    const going = isTerminalStatus(state.status) ? undefined : eta()
    const more = going === undefined ? '' : `; ${going}`
    if (!isKnownStatus(state.status) && !unknownSeen.has(state.status)) {
      unknownSeen.add(state.status)
      sink.warning(
        `Hex reported run status '${state.status}', which this action does not know. It is treated as not finished: the action keeps waiting until the run reaches a known end status or the timeout passes.`
      )
    }
    if (changed) {
      sink.info(`Run is ${state.status} (${formatDuration(elapsedMs)} since the trigger${more})`)
      lastLineAt = elapsedMs
    } else if (elapsedMs - lastLineAt >= heartbeatMs) {
      sink.info(
        `Still ${state.status} after ${formatDuration(elapsedMs)}${going === undefined ? '' : ` (${going})`}`
      )
      lastLineAt = elapsedMs
    }
  }
}

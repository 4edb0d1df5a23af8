/**
 * How long a run waited for a kernel and how long it ran, from the changes of status Hex listed
 * (its state events). Hex does not document them beyond their shape, so they are read for what
 * they can show and no more: whatever does not add up leaves a time unknown, never an error.
 */
import { isTerminalStatus, type StatusEvent } from '../hex/types.ts'

export interface RunPhases {
  /** From the first PENDING to the first RUNNING (or to the end, for a run that never ran). */
  queuedMs?: number
  /** From the first RUNNING to the end. */
  runMs?: number
}

/**
 * The run's queue and run times. Events may come in any order, twice, or with some missing: the
 * first time of each status counts. A time comes only from both of its ends; and when the times
 * contradict each other (the run ended before it started, started before it was queued), neither
 * is trusted.
 */
export function phasesOf(events: readonly StatusEvent[] | undefined): RunPhases {
  if (events === undefined || events.length === 0) return {}
  const firstAt = (match: (status: string) => boolean): number | undefined => {
    const times = events.filter((e) => match(e.status)).map((e) => e.at)
    return times.length === 0 ? undefined : Math.min(...times)
  }
  const pending = firstAt((s) => s === 'PENDING')
  const running = firstAt((s) => s === 'RUNNING')
  const ended = firstAt(isTerminalStatus)
  const order = [pending, running, ended].filter((at) => at !== undefined)
  if (order.some((at, i) => i > 0 && at < (order[i - 1] as number))) return {}
  const phases: RunPhases = {}
  const queuedUntil = running ?? ended
  if (pending !== undefined && queuedUntil !== undefined) phases.queuedMs = queuedUntil - pending
  if (running !== undefined && ended !== undefined) phases.runMs = ended - running
  return phases
}

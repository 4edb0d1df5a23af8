import { HexApiError, HexError } from '../hex/errors.ts'
import { RetriesExhaustedError } from '../hex/retry.ts'
import type { HexSession } from '../hex/session.ts'
import type { RunState } from '../hex/types.ts'
import { unexpectedMessage } from '../lib/errors.ts'
import { phasesOf } from './phases.ts'

/**
 * How many of the project's latest runs are read: recent enough to be the project as it is now
 * (its data grows, its code changes), enough for a spread. Only completed runs: one that errored
 * or was cancelled stopped part-way, and says nothing of how long a whole run takes. Only
 * API-triggered runs: the runs this action and other CI start, with the same kind of request;
 * scheduled runs and app refreshes may run with other inputs and other caching.
 */
export const HISTORY_RUNS = 20
/** Fewer completed runs than this predict nothing. */
export const MIN_HISTORY_RUNS = 3
/** A duration further from the median than this many deviations is set aside (a cold cache). */
const OUTLIER_DEVIATIONS = 3
/** The median absolute deviation times this estimates a standard deviation. */
const MAD_SCALE = 1.4826

/** How long the project's runs took. */
export interface RunHistory {
  /** How many runs the figures come from. */
  runs: number
  /** The median duration: how long a run usually takes. */
  usualMs: number
  /** The shortest and the longest duration, outliers set aside. */
  shortestMs: number
  longestMs: number
}

export type HistoryRead = { kind: 'known'; history: RunHistory } | { kind: 'unknown'; why: string }

/**
 * One read of the project's recent runs. It is an extra, so it is never sent again: an answer that
 * fails (or is late, the run over first) leaves the polling as it would be without it. Never
 * throws: a history that cannot be read, or says too little, is `unknown`, with the reason.
 */
export async function readHistory(session: HexSession, projectId: string): Promise<HistoryRead> {
  let runs: RunState[]
  try {
    // A deadline of now: one attempt, no retry.
    runs = await session.with({ deadline: session.clock.now() }).listRuns(projectId, {
      limit: HISTORY_RUNS,
      trigger: 'API',
      status: 'COMPLETED'
    })
  } catch (error) {
    return { kind: 'unknown', why: unreadable(error) }
  }
  // Hex filters on status, and is checked: a run that did not complete is no measure.
  const durations = runs
    .filter((run) => run.status === 'COMPLETED')
    .map(durationOf)
    .filter((ms) => ms !== undefined)
  return summarize(durations)
}

/**
 * A run's duration: its run time where the answer carries state events (a wait for a kernel is
 * no measure of the project), else Hex's own count, else from its start and end times.
 * GetProjectRuns documents no way to ask for the events (GetRunStatus's enable-expanded-stats
 * header is not among its parameters), so today this is Hex's count: read, not relied on.
 */
function durationOf(run: RunState): number | undefined {
  const { runMs } = phasesOf(run.statusEvents)
  if (runMs !== undefined && runMs > 0) return runMs
  if (run.elapsedMs !== undefined && run.elapsedMs > 0) return run.elapsedMs
  if (run.startTime === undefined || run.endTime === undefined) return undefined
  const ms = Date.parse(run.endTime) - Date.parse(run.startTime)
  return Number.isFinite(ms) && ms > 0 ? ms : undefined
}

/** The usual duration and the spread of `durations`, or why they predict nothing. */
export function summarize(durations: number[]): HistoryRead {
  if (durations.length < MIN_HISTORY_RUNS)
    return {
      kind: 'unknown',
      why: `the project has ${durations.length} completed API-triggered run${durations.length === 1 ? '' : 's'} with a duration, and ${MIN_HISTORY_RUNS} are needed`
    }
  const usualMs = median(durations)
  const deviation = MAD_SCALE * median(durations.map((ms) => Math.abs(ms - usualMs)))
  const near = durations.filter((ms) => Math.abs(ms - usualMs) <= OUTLIER_DEVIATIONS * deviation)
  const kept = near.length > 0 ? near : durations
  return {
    kind: 'known',
    history: {
      runs: durations.length,
      usualMs,
      shortestMs: Math.min(...kept),
      longestMs: Math.max(...kept)
    }
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

function unreadable(error: unknown): string {
  if (error instanceof HexApiError && error.status === 403)
    return 'Hex refused to list the project\'s runs (403 Forbidden): the token may lack a scope this needs ("Run projects" or "Read projects")'
  if (error instanceof HexApiError && error.status === 404)
    return "Hex found no list of the project's runs (404 Not Found)"
  // One attempt: a retryable failure comes wrapped, with the attempt's own error inside.
  if (error instanceof RetriesExhaustedError) return error.lastError.message
  if (error instanceof HexError) return error.message
  return unexpectedMessage(error)
}

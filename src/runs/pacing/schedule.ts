import type { RunState } from '../../hex/types.ts'
import type { RunHistory } from '../history.ts'
import {
  DENSE_READS,
  ELSEWHERE_GROWTH,
  ELSEWHERE_MAX_GAP_MS,
  FIRST_POLL_DELAY_MS,
  MAX_DENSE_GAP_MS,
  MIN_DENSE_GAP_MS,
  POLL_DELAY_GROWTH,
  SUSTAINED_GAP_MS,
  WINDOW_MARGIN_MS
} from './constants.ts'

/**
 * When the next status read goes out. Passed into the wait, so a schedule that knows more (a
 * project's run history, a request budget shared by several runs) is a new schedule, not a new wait.
 */
export interface PollSchedule {
  /**
   * The wait before status read number `readsDone + 1`, `elapsedMs` after the run was triggered;
   * `last` is what the read before it said.
   */
  delayMs: (readsDone: number, elapsedMs: number, last?: RunState) => number
  /** The run's wait is over: its reads no longer share the step's part of the window. */
  done?: () => void
}

/** How dear the step's reads are now, for a schedule to spend them where they pay. */
export interface ReadPace {
  /** Reads are fewer than the step's runs would take: a shared token, or many runs at once. */
  dear: boolean
  /** Runs of the step waiting now, this one included. */
  runs: number
  /** The reads the step may send in any 60 s. */
  allowance: number
}

const PLENTY: ReadPace = { dear: false, runs: 1, allowance: Infinity }

/** The wait before the next status read, `elapsedMs` after the trigger, knowing nothing of the run. */
export function nextPollDelay(elapsedMs: number, intervalMs: number): number {
  return Math.min(intervalMs, Math.max(FIRST_POLL_DELAY_MS, elapsedMs * POLL_DELAY_GROWTH))
}

/** Fast first reads, then gaps that grow with the run, up to `intervalMs`: nothing predicts its end. */
export function blindSchedule(intervalMs: number): PollSchedule {
  return { delayMs: (_readsDone, elapsedMs) => nextPollDelay(elapsedMs, intervalMs) }
}

/**
 * Another's run, waited for before this step starts its own (if-running: wait): no sooner than
 * poll-interval, and as the run ages, a gap of ELSEWHERE_GROWTH of its age, up to
 * ELSEWHERE_MAX_GAP_MS. A long wait costs a read a minute, not one each poll-interval: the token's
 * reads are shared by every job, and a few seconds more before a refresh starts harm nothing.
 */
export function elsewhereSchedule(intervalMs: number): PollSchedule {
  return {
    delayMs: (_readsDone, elapsedMs) =>
      Math.max(intervalMs, Math.min(ELSEWHERE_MAX_GAP_MS, elapsedMs * ELSEWHERE_GROWTH))
  }
}

/** Where, counted from the trigger, the run is expected to end, and how densely it is read there. */
export interface EndWindow {
  fromMs: number
  toMs: number
  gapMs: number
}

/**
 * The window of the run's expected end. `startedByMs` is when the run was first seen started (not
 * PENDING): the end comes no later than that plus the longest duration, whether Hex counts a run's
 * time from its trigger or from its start.
 */
export function endWindow(history: RunHistory, startedByMs: number): EndWindow {
  const { shortestMs, longestMs, runs } = history
  const marginMs = WINDOW_MARGIN_MS + (longestMs - shortestMs) / (runs + 1)
  const widthMs = longestMs - shortestMs + 2 * marginMs
  const gapMs = Math.max(
    MIN_DENSE_GAP_MS,
    Math.min(MAX_DENSE_GAP_MS, widthMs / DENSE_READS),
    widthMs / (DENSE_READS + widthMs / SUSTAINED_GAP_MS)
  )
  return { fromMs: shortestMs - marginMs, toMs: startedByMs + longestMs + marginMs, gapMs }
}

/**
 * Polls from the project's history, once it is known (`history()` is undefined until then, or
 * for good): sparse far from the expected end, dense across the window where earlier runs ended,
 * then gaps that grow again if the run outlasts them. The blind schedule bounds every gap, so an
 * early failure is seen as soon as without history and no gap is longer than poll-interval,
 * except while reads are dear (`pace`): then nothing is read before the window, and the reads
 * across it are shared out between the step's runs.
 */
export function historySchedule(
  blind: PollSchedule,
  history: () => RunHistory | undefined,
  pace: () => ReadPace = () => PLENTY
): PollSchedule {
  let startedSeenMs: number | undefined
  return {
    delayMs(readsDone, elapsedMs, last) {
      const blindMs = blind.delayMs(readsDone, elapsedMs, last)
      if (startedSeenMs === undefined && last !== undefined && last.status !== 'PENDING')
        startedSeenMs = elapsedMs
      const known = history()
      if (known === undefined) return blindMs
      // While the run is PENDING, it has not started: its end is no earlier than now + longest.
      const window = endWindow(known, startedSeenMs ?? elapsedMs)
      const { dear, runs, allowance } = pace()
      // Dear reads are shared out across the window: the step's runs, a minute's allowance.
      const gapMs = dear
        ? Math.max(window.gapMs, ((window.toMs - window.fromMs) * runs) / allowance)
        : window.gapMs
      let delayMs: number
      // Sparse: the read that would fall inside the window lands on its start instead.
      if (elapsedMs < window.fromMs) {
        delayMs = Math.max(window.fromMs - elapsedMs, gapMs)
        // Dear reads go where the end is likely, none before it: an early failure is seen later,
        // the usual end sooner.
        if (dear) return delayMs
      } else if (elapsedMs < window.toMs) delayMs = gapMs
      // Outlasting the history: each gap as long as the time since the window closed.
      else delayMs = Math.max(gapMs, elapsedMs - window.toMs)
      return Math.min(blindMs, delayMs)
    }
  }
}

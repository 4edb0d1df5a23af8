/**
 * How a run's end is put into words, in one place, for every place that says it: the log
 * (narrate.ts), the summary's notes (report.ts), a commit status's 140 characters
 * (action/commit-status.ts) and the post step (action/post.ts). Each wording comes in the lengths
 * those places need, side by side, so a change of meaning is one change here.
 */
import type { CancelOutcome, RunInProgress, StopCause } from '../runs/types.ts'
import { RUNNER_WORDS, sentence, type Words } from './words.ts'

/** What became of a cancel, as each place says it. */
export interface CancelWording {
  /** The log line, and whether it is a warning; none when nothing was tried. */
  line?: { text: string; warning: boolean }
  /** A sentence for the summary's notes. */
  note: string
  /** A few words after a status description's semicolon. */
  short: string
}

/** `input` is the input that said to leave the run going (cancel-on-timeout, …). */
export function cancelWording(cancel: CancelOutcome, runId: string, input: string): CancelWording {
  switch (cancel.kind) {
    case 'cancelled':
      return {
        line: { text: `Cancelled Hex run ${runId}.`, warning: false },
        note: 'The run was cancelled in Hex.',
        short: 'cancelled in Hex'
      }
    case 'already-ended':
      return {
        line: {
          text: `Hex run ${runId} had already ended ${cancel.status}; nothing to cancel.`,
          warning: false
        },
        note: `The run had already ended ${cancel.status} when it was to be cancelled.`,
        short: `it had ended ${cancel.status}`
      }
    case 'failed':
      return {
        line: { text: `Could not cancel Hex run ${runId}: ${cancel.error}`, warning: true },
        note: `Cancelling the run in Hex failed: ${cancel.error}`,
        short: 'cancelling it failed'
      }
    case 'left-going':
      return {
        note: `${input} is false: the run was left going in Hex.`,
        short: 'left going in Hex'
      }
    case 'not-ours':
      return {
        note: 'The step attached to this run and did not start it: it was left going in Hex.',
        short: 'left going in Hex (attached)'
      }
  }
}

/** Why a run was stopped before its end, as each place says it. */
export interface StopWording {
  /** Leading a sentence: "The workflow was cancelled", "Another run failed and fail-fast is on: stopped". */
  sentence: string
  /** After a status's CANCELLED: "the workflow was cancelled", "another run failed (fail-fast)". */
  short: string
}

export function stopWording(by: StopCause, words: Words = RUNNER_WORDS): StopWording {
  return by === 'workflow'
    ? { sentence: sentence(words.stopped), short: words.stopped }
    : {
        sentence: 'Another run failed and fail-fast is on: stopped',
        short: 'another run failed (fail-fast)'
      }
}

/** How each trigger Hex names started a run. */
const STARTED_BY: Record<string, string> = {
  API: 'through the API',
  SCHEDULED: "by Hex's scheduler",
  APP_REFRESH: 'from the app'
}

/**
 * A run found in progress (if-running), for a sentence: "Hex run 0d3f… (RUNNING, started by Hex's
 * scheduler) https://…". Its link last, so that the runner's log and annotation make it a link.
 */
export function runningWording(running: RunInProgress): string {
  const by =
    running.trigger === undefined
      ? ''
      : `, started ${STARTED_BY[running.trigger] ?? `by ${running.trigger}`}`
  const url = running.runUrl === '' ? '' : ` ${running.runUrl}`
  return `Hex run ${running.runId} (${running.status}${by})${url}`
}

/**
 * retry-unallocated in words: the log line before each new run, why no further one was started,
 * and the notes that list every attempt (report.ts adds them; the summary and the command line
 * show them).
 */
import { formatDuration } from '../lib/duration.ts'
import { UNALLOCATED } from '../runs/attempts.ts'
import type { RetryDropped, RunEvent, RunOutcome } from '../runs/types.ts'
import { Input } from './inputs.ts'
import { stopWording } from './outcome-words.ts'
import { RUNNER_WORDS, type Words } from './words.ts'

/** "Hex run … ended UNABLE_TO_ALLOCATE_KERNEL: …. Starting attempt 2 of 4 in 22.5s (…)." */
export function retryingLine(
  event: Extract<RunEvent, { type: 'retrying' }>,
  words: Words = RUNNER_WORDS
): string {
  const { previous, attempt, allowed, delayMs } = event
  return `Hex run ${previous.runId} ended ${UNALLOCATED}: Hex found no kernel for it, so it did no work. Starting attempt ${attempt} of ${allowed} in ${formatDuration(delayMs)} (${words.ref(Input.RetryUnallocated)}).`
}

/** Why attempt `attempt` was not started, as a sentence. */
export function droppedSentence(
  dropped: RetryDropped,
  attempt: number,
  words: Words = RUNNER_WORDS
): string {
  const wait = formatDuration(dropped.delayMs)
  if (dropped.by === 'timeout')
    return `Attempt ${attempt} was not started: its ${wait} wait and a new run would not end within the ${formatDuration(dropped.leftMs)} left before the timeout.`
  return `${stopWording(dropped.by, words).sentence} during the ${wait} wait before attempt ${attempt}: no further run was started.`
}

/**
 * Every attempt of the run, for the report's notes; `byFailFast` when fail-fast stopped a wait for
 * a new run: the run's end is then a consequence, not a failure of its own.
 */
export function attemptNotes(
  outcome: RunOutcome,
  words: Words = RUNNER_WORDS
): { notes: string[]; byFailFast: boolean } {
  const notes: string[] = []
  if (outcome.attempts === undefined) return { notes, byFailFast: false }
  const { earlier, allowed, dropped } = outcome.attempts
  const last = earlier.length + 1
  earlier.forEach((run, i) =>
    notes.push(`Attempt ${i + 1} of ${allowed}: Hex run ${run.runId} ended ${UNALLOCATED}.`)
  )
  if (earlier.length > 0) notes.push(`Attempt ${last} of ${allowed} is the run reported here.`)
  if (dropped !== undefined) notes.push(droppedSentence(dropped, last + 1, words))
  else if (outcome.kind === 'ended' && outcome.status === UNALLOCATED && allowed > 1)
    notes.push(
      `All ${allowed} attempts ended ${UNALLOCATED} (${words.ref(Input.RetryUnallocated)} is ${allowed - 1}).`
    )
  return { notes, byFailFast: dropped?.by === 'fail-fast' }
}

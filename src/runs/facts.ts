/** What the step knows of a run (RunFacts), and how each answer and the run's end add to it. */
import type { RunState, TriggeredRun } from '../hex/types.ts'
import { phasesOf } from './phases.ts'
import type { RunFacts } from './types.ts'

/** The facts of a run just started (or found), `startedAt` on the session's clock. */
export function factsOf(triggered: TriggeredRun, startedAt: number): RunFacts {
  return {
    projectId: triggered.projectId,
    runId: triggered.runId,
    runUrl: triggered.runUrl,
    statusUrl: triggered.runStatusUrl,
    traceId: triggered.traceId,
    projectVersion: triggered.projectVersion,
    startedAt: new Date(startedAt).toISOString()
  }
}

/** What a status read tells about the run. */
export function learnFrom(run: RunFacts, state: RunState): void {
  if (state.runUrl) run.runUrl = state.runUrl
  if (state.projectVersion) run.projectVersion = state.projectVersion
  if (state.startTime) run.startedAt = state.startTime
  if (state.endTime) run.endedAt = state.endTime
  if (state.elapsedMs !== undefined && state.endTime) run.elapsedMs = state.elapsedMs
  // Each answer with state events tells the phases anew; one without leaves what was known.
  if (state.statusEvents !== undefined) {
    delete run.queuedMs
    delete run.runMs
    Object.assign(run, phasesOf(state.statusEvents))
  }
}

/**
 * The step is done with the run at `seenAt` (started at `startedAt`, both on the session's
 * clock); Hex's own end time wins unless the step gave up.
 */
export function endAt(run: RunFacts, seenAt: number, startedAt: number, gaveUp: boolean): void {
  run.endedAt = gaveUp
    ? new Date(seenAt).toISOString()
    : (run.endedAt ?? new Date(seenAt).toISOString())
  run.elapsedMs = gaveUp ? seenAt - startedAt : (run.elapsedMs ?? seenAt - startedAt)
}

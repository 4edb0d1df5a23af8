import { HexError, HexNetworkError } from '../hex/errors.ts'
import { runStatusUrl } from '../hex/paths.ts'
import { triggerVerdict, UnknownOutcomeError } from '../hex/retry.ts'
import type { HexSession } from '../hex/session.ts'
import type { RunProjectRequest, RunState, TriggeredRun } from '../hex/types.ts'
import { formatDuration } from '../lib/duration.ts'
import { errorMessage } from '../lib/errors.ts'

export interface StartOptions {
  /** Retries stop at its deadline; its signal means no further attempt starts, no wait goes on. */
  session: HexSession
  projectId: string
  request: RunProjectRequest
  apiBase: string
  /**
   * Abandons the request in flight. It aborts later than the session's signal: a trigger that
   * completes can be cancelled by its run id, where an abandoned one might leave a run behind.
   */
  requestSignal?: AbortSignal
  /** Said when the run was found after the trigger's answer was lost. */
  onRecovered: (message: string) => void
  /** Runs of the project the step started before (retry-unallocated): never taken for this one. */
  earlier?: readonly string[]
}

/**
 * Runs in Hex whose start falls this long before the trigger was sent still count as its run:
 * the runner's clock and Hex's may disagree by a few seconds.
 */
export const CLOCK_SKEW_MS = 60_000
/** Hex may take a moment to list a run it has just created: look this many times, this far apart. */
export const LOOKUP_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000]
/** One look, retries included. */
export const LOOKUP_BUDGET_MS = 10_000

/** The trigger could not be confirmed and no run could be matched to it. */
export class TriggerOutcomeUnknownError extends HexError {}

/**
 * Starts one run, never two. The trigger is sent again only where Hex certainly started no run
 * (connection never made, 429, 503 at the kernel limit). Where the outcome is unknown, the run is
 * looked for among the project's API-triggered runs and followed if exactly one matches.
 */
export async function startRun(options: StartOptions): Promise<TriggeredRun> {
  const { session, projectId, request, requestSignal } = options
  const sentAt = session.clock.now()
  try {
    return await session.trigger(projectId, request, requestSignal)
  } catch (error) {
    if (!(error instanceof UnknownOutcomeError) || session.signal?.aborted) throw error
    return await recover(options, error, sentAt)
  }
}

async function recover(
  options: StartOptions,
  lost: UnknownOutcomeError,
  sentAt: number
): Promise<TriggeredRun> {
  const { session, projectId } = options
  const { signal } = session
  const since = new Date(sentAt - CLOCK_SKEW_MS)
  const sinceText = new Date(sentAt).toISOString()
  const unknown = `Hex's answer to the trigger was lost (${lost.reason}), so whether it started a run is unknown.`
  const advice =
    "The trigger was not sent again, so that this step never starts a second run. Check the project's runs in Hex before running this job again."
  const details = `The trigger's error: ${lost.original.message}`
  let candidates: RunState[] = []
  for (const delayMs of LOOKUP_DELAYS_MS) {
    await session.clock.sleep(delayMs, signal)
    if (signal?.aborted) throw lost.original
    try {
      const runs = await session.within(LOOKUP_BUDGET_MS, signal).listApiRuns(projectId, 25)
      candidates = runs.filter(
        (run) => startedSince(run, since) && !options.earlier?.includes(run.runId)
      )
    } catch (error) {
      const why = errorMessage(error)
      throw new TriggerOutcomeUnknownError(
        `${unknown} Looking for the run failed too: ${why} A run may have started. ${advice} ${details}`,
        lost.context
      )
    }
    if (candidates.length > 0) break
  }
  if (candidates.length === 1) {
    const run = candidates[0] as RunState
    options.onRecovered(
      `${unknown} Run ${run.runId} (${run.status}) is the only API-triggered run of project ${projectId} since ${sinceText}: following it instead of triggering again.`
    )
    return {
      projectId,
      runId: run.runId,
      runUrl: run.runUrl ?? '',
      runStatusUrl: runStatusUrl(options.apiBase, projectId, run.runId),
      traceId: run.traceId,
      projectVersion: run.projectVersion
    }
  }
  if (candidates.length === 0)
    throw new TriggerOutcomeUnknownError(
      `${unknown} No API-triggered run of project ${projectId} started since ${sinceText} was found (looked ${LOOKUP_DELAYS_MS.length} times over ${formatDuration(LOOKUP_DELAYS_MS.reduce((a, b) => a + b, 0))}); a run may still have started. ${advice} ${details}`,
      lost.context
    )
  const list = candidates.map((run) => `${run.runId} (${run.status}) ${run.runUrl ?? ''}`.trim())
  throw new TriggerOutcomeUnknownError(
    `${unknown} ${candidates.length} API-triggered runs of project ${projectId} started since ${sinceText}, so the action cannot tell which one is its own: ${list.join('; ')}. ${advice} ${details}`,
    lost.context
  )
}

function startedSince(run: RunState, since: Date): boolean {
  // A run Hex has not started yet has no start time: it is new.
  if (!run.startTime) return run.status === 'PENDING'
  const started = Date.parse(run.startTime)
  return !Number.isNaN(started) && started >= since.getTime()
}

/**
 * A stop (workflow cancel, fail-fast) cut the start short with this error: did Hex certainly start
 * no run (a 429, a 503 at the kernel limit, a connection never made), or may it have (an answer
 * lost, a trigger abandoned in flight after its grace)? Undefined: Hex refused the trigger for a
 * reason of its own (401, 422...), which is a failure, not a stop.
 */
export function startCutShort(error: unknown): 'no-run' | 'maybe-run' | undefined {
  if (error instanceof UnknownOutcomeError) return 'maybe-run'
  if (error instanceof HexNetworkError && error.code === 'ABORTED') return 'maybe-run'
  switch (triggerVerdict(error).kind) {
    case 'retry':
      return 'no-run'
    case 'unknown-outcome':
      return 'maybe-run'
    case 'fatal':
      return undefined
  }
}

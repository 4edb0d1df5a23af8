import { formatDuration } from './duration.ts'
import { runPath, type HexClient } from './hex/client.ts'
import { HexError } from './hex/errors.ts'
import {
  MAX_CONNECT_ATTEMPTS,
  readVerdict,
  triggerVerdict,
  UnknownOutcomeError,
  withRetries,
  type RetryNotice
} from './hex/retry.ts'
import type { RunProjectRequest, RunState, TriggeredRun } from './hex/types.ts'

export interface TriggerOptions {
  client: HexClient
  projectId: string
  request: RunProjectRequest
  apiBase: string
  /** Retries stop here (the step's timeout). */
  deadline: number
  now: () => number
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  random?: () => number
  /** The workflow is being cancelled: no further attempt starts, no wait goes on. */
  signal?: AbortSignal
  /**
   * Abandons the request in flight. It aborts later than `signal`: a trigger that completes can
   * be cancelled by its run id, where an abandoned one might leave a run behind.
   */
  requestSignal?: AbortSignal
  onRetry: (notice: RetryNotice) => void
  /** Said when the run was found after the trigger's answer was lost. */
  onRecovered: (message: string) => void
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
export async function triggerRun(options: TriggerOptions): Promise<TriggeredRun> {
  const { client, projectId, request, now, signal, requestSignal } = options
  const sentAt = now()
  try {
    return await withRetries(
      () => client.runProject(projectId, request, { signal: requestSignal }),
      {
        verdict: triggerVerdict,
        deadline: options.deadline,
        now,
        sleep: options.sleep,
        random: options.random,
        signal,
        maxConnectAttempts: MAX_CONNECT_ATTEMPTS,
        onRetry: options.onRetry
      }
    )
  } catch (error) {
    if (!(error instanceof UnknownOutcomeError) || signal?.aborted) throw error
    return await recover(options, error, sentAt)
  }
}

async function recover(
  options: TriggerOptions,
  lost: UnknownOutcomeError,
  sentAt: number
): Promise<TriggeredRun> {
  const { client, projectId, now, sleep, signal } = options
  const since = new Date(sentAt - CLOCK_SKEW_MS)
  const sinceText = new Date(sentAt).toISOString()
  const unknown = `Hex's answer to the trigger was lost (${lost.reason}), so whether it started a run is unknown.`
  const advice =
    "The trigger was not sent again, so that this step never starts a second run. Check the project's runs in Hex before running this job again."
  const details = `The trigger's error: ${lost.original.message}`
  let candidates: RunState[] = []
  for (const delayMs of LOOKUP_DELAYS_MS) {
    await sleep(delayMs, signal)
    if (signal?.aborted) throw lost.original
    try {
      const runs = await withRetries(() => client.listApiRuns(projectId, 25, { signal }), {
        verdict: readVerdict,
        deadline: now() + LOOKUP_BUDGET_MS,
        now,
        sleep,
        random: options.random,
        signal
      })
      candidates = runs.filter((run) => startedSince(run, since))
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error)
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
      runStatusUrl: `${options.apiBase}${runPath(projectId, run.runId)}`,
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

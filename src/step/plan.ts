/** The settings turned into what the lower layers take: a Hex session, and each run's plan. */
import { HexClient } from '../hex/client.ts'
import { HexSession } from '../hex/session.ts'
import type { RunProjectRequest } from '../hex/types.ts'
import type { Runtime } from '../lib/runtime.ts'
import type { Pacing, PacingOptions } from '../runs/pacing/index.ts'
import type { RunPlan } from '../runs/types.ts'
import type { StepIO } from './io.ts'
import type { Settings } from './settings.ts'

/**
 * Hex at api-url with the token, on the runtime's clock, until `deadline`; each request gets at
 * most `requestTimeoutMs` (request-timeout unless a step has less time), and is logged to debug.
 * With a `pacing`, the reads wait their turn in it (a cancel counts without waiting), and it hears
 * what Hex says of its rate limit.
 */
export function hexSession(
  settings: Settings,
  runtime: Runtime,
  io: StepIO,
  bounds: { deadline: number; requestTimeoutMs: number; pacing?: Pick<Pacing, 'pacer' | 'observe'> }
): HexSession {
  const { pacing } = bounds
  return new HexSession({
    client: new HexClient({
      apiBase: settings.apiBase,
      token: settings.apiToken,
      fetch: runtime.fetch,
      clock: runtime,
      requestTimeoutMs: bounds.requestTimeoutMs,
      onDebug: io.debug,
      onRateLimit: pacing && ((notice) => pacing.observe(notice))
    }),
    clock: runtime,
    deadline: bounds.deadline,
    pacer: pacing?.pacer
  })
}

/** The RunProject body: only what the user set differently from Hex's own defaults is implied. */
export function runRequest(settings: Settings): RunProjectRequest {
  const request: RunProjectRequest = {
    updatePublishedResults: settings.updatePublishedResults,
    useCachedSqlResults: settings.useCachedSqlResults
  }
  if (Object.keys(settings.inputParams).length > 0) request.inputParams = settings.inputParams
  if (settings.dryRun) request.dryRun = true
  if (settings.viewId !== undefined) request.viewId = settings.viewId
  if (settings.notifications !== undefined) request.notifications = settings.notifications
  return request
}

/** What the inputs decide about the step's pacing. */
export function pacingOptions(settings: Settings): PacingOptions {
  return { pollIntervalMs: settings.pollIntervalMs }
}

/** What the inputs decide about each run, for the run's own logic. */
export function runPlan(settings: Settings): RunPlan {
  return {
    request: runRequest(settings),
    apiBase: settings.apiBase,
    wait: settings.wait,
    history: settings.history,
    cancelOnTimeout: settings.cancelOnTimeout,
    cancelOnWorkflowCancel: settings.cancelOnWorkflowCancel
  }
}

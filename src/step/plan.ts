/** The settings turned into what the lower layers take: a Hex session, and each run's plan. */
import { HexClient } from '../hex/client.ts'
import { HexSession } from '../hex/session.ts'
import type { RunProjectRequest } from '../hex/types.ts'
import type { Runtime } from '../lib/runtime.ts'
import type { Hold, Pacing, PacingOptions } from '../runs/pacing/index.ts'
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

/** What the inputs decide about the step's pacing; a hold of Hex's read limit is told in one line. */
export function pacingOptions(settings: Settings, io: Pick<StepIO, 'info'>): PacingOptions {
  const projects = settings.projectIds.length + settings.projectNames.length
  return {
    pollIntervalMs: settings.pollIntervalMs,
    runsAtOnce: Math.max(1, Math.min(projects, settings.maxParallel)),
    onHold: (hold) => io.info(holdLine(hold))
  }
}

/**
 * "Hex's read limit for this token is spent until 12:04:31 UTC; 7 other jobs seem to share it.":
 * once per hold, not once per read that waits.
 */
export function holdLine(hold: Hold): string {
  const until = new Date(Math.ceil(hold.until / 1000) * 1000).toISOString().slice(11, 19)
  const others = Math.round(hold.sharers) - 1
  const sharing =
    others >= 1
      ? `; ${others} other job${others === 1 ? '' : 's'} seem${others === 1 ? 's' : ''} to share it`
      : ''
  return `Hex's read limit for this token is spent until ${until} UTC${sharing}.`
}

/** What the inputs decide about each run, for the run's own logic. */
export function runPlan(settings: Settings): RunPlan {
  return {
    request: runRequest(settings),
    apiBase: settings.apiBase,
    wait: settings.wait,
    history: settings.history,
    cancelOnTimeout: settings.cancelOnTimeout,
    cancelOnWorkflowCancel: settings.cancelOnWorkflowCancel,
    retryUnallocated: settings.retryUnallocated,
    ifRunning: settings.ifRunning
  }
}

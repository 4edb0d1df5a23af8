import { setTimeout as delay } from 'node:timers/promises'
import { coreIO, type ActionIO } from './action-io.ts'
import { ACTION_NAME, Input, Output, type OutputName } from './constants.ts'
import { formatDuration } from './duration.ts'
import { HexClient } from './hex/client.ts'
import { HexError } from './hex/errors.ts'
import type { RunProjectRequest, RunState, TriggeredRun } from './hex/types.ts'
import { pollUntilDone } from './poll.ts'
import { progressLogger } from './progress.ts'
import { ActionStatus, reportOutputs, type RunReport } from './report.ts'
import { readSettings, readToken, type Settings } from './settings.ts'
import { renderSummary } from './summary.ts'

/** What the action needs from the process besides the runner: injected so tests control time. */
export interface Runtime {
  env: NodeJS.ProcessEnv
  fetch: typeof fetch
  /** Milliseconds since the epoch. */
  now: () => number
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
}

export const processRuntime: Runtime = {
  env: process.env,
  fetch: (input, init) => globalThis.fetch(input, init),
  now: () => Date.now(),
  sleep: (ms, signal) => delay(ms, undefined, { signal }).catch(() => undefined)
}

/** The action: trigger the run, wait for it, and report on every path. */
export async function run(io: ActionIO = coreIO, runtime: Runtime = processRuntime): Promise<void> {
  // Masked before anything else can print it.
  const token = readToken(io.getInput, runtime.env)
  if (token !== '') io.setSecret(token)

  const parsed = readSettings(io.getInput, runtime.env)
  if (!parsed.ok) {
    for (const error of parsed.errors) io.fail(error, 'Invalid input')
    const report: RunReport = {
      projectId: io.getInput(Input.ProjectId).trim(),
      status: ActionStatus.Error,
      succeeded: false,
      inputParams: {},
      message: `Nothing was sent to Hex: ${parsed.errors.join(' ')}`,
      notes: []
    }
    await publish(io, report)
    return
  }

  const settings = parsed.settings
  const report: RunReport = {
    projectId: settings.projectId,
    status: ActionStatus.Error,
    succeeded: false,
    inputParams: settings.inputParams,
    viewId: settings.viewId,
    notes: []
  }
  try {
    await execute(settings, report, io, runtime)
  } catch (error) {
    report.succeeded = false
    if (error instanceof HexError) {
      report.message = error.message
    } else {
      // A bug, not an expected failure: the message goes to the log, the stack to debug.
      report.message = `Unexpected error: ${error instanceof Error ? error.message : String(error)}`
      if (error instanceof Error && error.stack) io.debug(error.stack)
    }
  }
  await publish(io, report)
  if (!report.succeeded && report.message) io.fail(failureText(report), failureTitle(report))
  else if (report.message) io.warning(report.message, failureTitle(report))
}

async function execute(
  settings: Settings,
  report: RunReport,
  io: ActionIO,
  runtime: Runtime
): Promise<void> {
  const { projectId } = settings
  const client = new HexClient({
    apiBase: settings.apiBase,
    token: settings.apiToken,
    fetch: runtime.fetch,
    now: runtime.now,
    onDebug: io.debug
  })
  const request = runRequest(settings)
  io.group(`Run request for project ${projectId}`, [
    `POST ${settings.apiBase}/projects/${projectId}/runs`,
    JSON.stringify(request, null, 2)
  ])

  const triggeredAt = runtime.now()
  const run = await client.runProject(projectId, request)
  recordTrigger(report, run, triggeredAt)
  // Set at once: if the step is killed later, the workflow still knows which run it started.
  io.setOutput(Output.RunId, run.runId)
  io.setOutput(Output.RunUrl, run.runUrl)
  io.info(`Started Hex run ${run.runId}${versionNote(run)}: ${run.runUrl}`)

  if (settings.dryRun) {
    report.status = ActionStatus.DryRun
    report.succeeded = true
    report.notes.push('dry-run is true: Hex validated the request and started no run.')
    io.info('dry-run is true: Hex validated the request; no run to wait for.')
    return
  }
  if (!settings.wait) {
    report.status = 'PENDING'
    report.succeeded = true
    report.notes.push('wait is false: the step did not wait for the run to finish.')
    io.info('wait is false: not waiting for the run to finish.')
    return
  }

  const result = await pollUntilDone({
    getState: () => client.getRun(projectId, run.runId),
    now: runtime.now,
    sleep: runtime.sleep,
    startedAt: triggeredAt,
    timeoutMs: settings.timeoutMs,
    intervalMs: settings.pollIntervalMs,
    onState: progressLogger({ info: io.info, warning: (m) => io.warning(m) })
  })
  const seenAt = runtime.now()
  const latest = result.kind === 'finished' ? result.state : result.last
  if (latest) recordState(report, latest)

  switch (result.kind) {
    case 'finished': {
      const { status } = result.state
      report.status = status
      report.endedAt ??= new Date(seenAt).toISOString()
      report.elapsedMs ??= seenAt - triggeredAt
      const took = formatDuration(report.elapsedMs)
      if (status === 'COMPLETED') {
        report.succeeded = true
        io.info(`Hex run ${run.runId} COMPLETED in ${took}.`)
        return
      }
      report.succeeded = !settings.failOnRunFailure
      report.message = `Hex run ${run.runId} ended ${status} after ${took}.${statusAdvice(status)}`
      if (!settings.failOnRunFailure)
        report.notes.push('fail-on-run-failure is false: the step succeeds anyway.')
      return
    }
    case 'timeout': {
      report.status = ActionStatus.Timeout
      report.endedAt = new Date(seenAt).toISOString()
      report.elapsedMs = seenAt - triggeredAt
      const last = result.last ? ` (last status ${result.last.status})` : ''
      report.message = `Hex run ${run.runId} did not finish within the timeout of ${formatDuration(settings.timeoutMs)}${last}.`
      if (settings.cancelOnTimeout) await cancel(client, projectId, run.runId, report, io)
      else report.notes.push('cancel-on-timeout is false: the run was left going in Hex.')
      return
    }
    case 'aborted': {
      report.status = ActionStatus.Cancelled
      report.endedAt = new Date(seenAt).toISOString()
      report.elapsedMs = seenAt - triggeredAt
      report.message = `The workflow was cancelled while Hex run ${run.runId} was going.`
      await cancel(client, projectId, run.runId, report, io)
      return
    }
  }
}

/** Cancels the run in Hex. A failed cancel adds to the real failure and never replaces it. */
async function cancel(
  client: HexClient,
  projectId: string,
  runId: string,
  report: RunReport,
  io: ActionIO
): Promise<void> {
  try {
    await client.cancelRun(projectId, runId)
    report.notes.push('The run was cancelled in Hex.')
    io.info(`Cancelled Hex run ${runId}.`)
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error)
    report.notes.push(`Cancelling the run in Hex failed: ${why}`)
    io.warning(`Could not cancel Hex run ${runId}: ${why}`)
  }
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

function recordTrigger(report: RunReport, run: TriggeredRun, triggeredAt: number): void {
  report.runId = run.runId
  report.runUrl = run.runUrl
  report.statusUrl = run.runStatusUrl
  report.traceId = run.traceId
  report.projectVersion = run.projectVersion
  report.startedAt = new Date(triggeredAt).toISOString()
}

function recordState(report: RunReport, state: RunState): void {
  if (state.runUrl) report.runUrl = state.runUrl
  if (state.projectVersion) report.projectVersion = state.projectVersion
  if (state.startTime) report.startedAt = state.startTime
  if (state.endTime) report.endedAt = state.endTime
  if (state.elapsedMs !== undefined && state.endTime) report.elapsedMs = state.elapsedMs
}

function versionNote(run: TriggeredRun): string {
  return run.projectVersion ? ` (project version ${run.projectVersion})` : ''
}

function statusAdvice(status: string): string {
  switch (status) {
    case 'ERRORED':
      return ' A cell failed: open the run in Hex to see which.'
    case 'KILLED':
      return ' The run was cancelled in Hex.'
    case 'UNABLE_TO_ALLOCATE_KERNEL':
      return ' Hex could not start a kernel for it; the workspace may be at its limit of running kernels. Try again later.'
    default:
      return ''
  }
}

function failureTitle(report: RunReport): string {
  return report.runId ? `Hex run ${report.status}` : `${ACTION_NAME} failed`
}

function failureText(report: RunReport): string {
  const link = report.runUrl && !report.message?.includes(report.runUrl) ? ` ${report.runUrl}` : ''
  return `${report.message ?? ''}${link}`
}

/** Outputs and summary, on every path. A summary that cannot be written never hides the result. */
async function publish(io: ActionIO, report: RunReport): Promise<void> {
  for (const [name, value] of Object.entries(reportOutputs(report)))
    io.setOutput(name as OutputName, value)
  try {
    await io.writeSummary(renderSummary(report))
  } catch (error) {
    io.warning(
      `Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`
    )
  }
}

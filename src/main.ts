import { setTimeout as delay } from 'node:timers/promises'
import { EnvHttpProxyAgent, fetch as undiciFetch } from 'undici'
import { coreIO, type ActionIO } from './action-io.ts'
import {
  cancelInHex,
  CANCEL_BUDGET_MS,
  CANCEL_BUDGET_ON_SIGNAL_MS,
  type CancelResult
} from './cancel.ts'
import { ACTION_NAME, Input, Output, State, type OutputName } from './constants.ts'
import { formatDuration } from './duration.ts'
import { HexClient } from './hex/client.ts'
import { HexError } from './hex/errors.ts'
import { readVerdict, RetriesExhaustedError, withRetries, type RetryNotice } from './hex/retry.ts'
import type { RunProjectRequest, RunState, TriggeredRun } from './hex/types.ts'
import { pollUntilDone, type PollResult } from './poll.ts'
import { progressLogger } from './progress.ts'
import { ActionStatus, reportOutputs, type RunReport } from './report.ts'
import { readSettings, readToken, type Settings } from './settings.ts'
import { renderSummary } from './summary.ts'
import { triggerRun } from './trigger.ts'

/** What the action needs from the process besides the runner: injected so tests control time. */
export interface Runtime {
  env: NodeJS.ProcessEnv
  fetch: typeof fetch
  /** Milliseconds since the epoch. */
  now: () => number
  /** Waits; resolves early when the signal aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  random: () => number
}

export const processRuntime: Runtime = {
  env: process.env,
  fetch: proxyAwareFetch(),
  now: () => Date.now(),
  sleep: (ms, signal) => delay(ms, undefined, { signal }).catch(() => undefined),
  random: Math.random
}

/**
 * fetch through undici's EnvHttpProxyAgent, which honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY as
 * the runner does (Node's global fetch ignores them). It is the undici that @actions/core already
 * bundles, so it costs no second copy, and Node's own fetch is never loaded.
 */
function proxyAwareFetch(): typeof fetch {
  let dispatcher: EnvHttpProxyAgent | undefined
  return (input, init) => {
    dispatcher ??= new EnvHttpProxyAgent()
    return undiciFetch(input as string, {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher
    }) as unknown as Promise<Response>
  }
}

/**
 * A request in flight when the workflow is cancelled gets this long to finish: a trigger that
 * completes can then be cancelled by its run id, where an abandoned one might leave a run behind.
 */
export const SHUTDOWN_GRACE_MS = 3_000

/**
 * The action's main step: trigger the run, wait for it, and report on every path. `signal` aborts
 * when the runner asks the step to stop (the workflow was cancelled).
 */
export async function run(
  io: ActionIO = coreIO,
  runtime: Runtime = processRuntime,
  signal?: AbortSignal
): Promise<void> {
  // Masked before anything else can print it.
  const token = readToken(io.getInput, runtime.env)
  if (token !== '') io.setSecret(token)
  io.saveState(State.IsPost, 'true')

  const parsed = readSettings(io.getInput, runtime.env)
  if (!parsed.ok) {
    for (const error of parsed.errors) io.fail(error, 'Invalid input')
    await publish(io, {
      projectId: io.getInput(Input.ProjectId).trim(),
      status: ActionStatus.Error,
      succeeded: false,
      inputParams: {},
      message: `Nothing was sent to Hex: ${parsed.errors.join(' ')}`,
      notes: []
    })
    return
  }

  const step = new Step(parsed.settings, io, runtime, signal)
  try {
    await step.execute()
  } catch (error) {
    step.failed(error)
  }
  // The post step cancels a run only where the main step meant to and could not.
  io.saveState(step.runLeftOpen ? State.CancelWanted : State.Settled, 'true')
  const { report } = step
  await publish(io, report)
  if (!report.succeeded && report.message) io.fail(failureText(report), failureTitle(report))
  else if (report.message) io.warning(report.message, failureTitle(report))
}

/** One run of the main step: what it knows so far, and the client it uses. */
class Step {
  readonly report: RunReport
  /** True while the run may still be going in Hex against the user's wishes (a cancel failed). */
  runLeftOpen = false
  private readonly settings: Settings
  private readonly io: ActionIO
  private readonly runtime: Runtime
  private readonly signal?: AbortSignal
  private readonly client: HexClient
  private readonly startedAt: number
  private readonly deadline: number

  constructor(settings: Settings, io: ActionIO, runtime: Runtime, signal?: AbortSignal) {
    this.settings = settings
    this.io = io
    this.runtime = runtime
    this.signal = signal
    this.startedAt = runtime.now()
    this.deadline = this.startedAt + settings.timeoutMs
    this.report = {
      projectId: settings.projectId,
      status: ActionStatus.Error,
      succeeded: false,
      inputParams: settings.inputParams,
      viewId: settings.viewId,
      notes: []
    }
    this.client = new HexClient({
      apiBase: settings.apiBase,
      token: settings.apiToken,
      fetch: runtime.fetch,
      now: runtime.now,
      requestTimeoutMs: settings.requestTimeoutMs,
      onDebug: io.debug
    })
  }

  async execute(): Promise<void> {
    const { settings, io, runtime, report } = this
    const { projectId } = settings
    const request = runRequest(settings)
    io.group(`Run request for project ${projectId}`, [
      `POST ${settings.apiBase}/projects/${projectId}/runs`,
      JSON.stringify(request, null, 2)
    ])

    const run = await triggerRun({
      client: this.client,
      projectId,
      request,
      apiBase: settings.apiBase,
      deadline: this.deadline,
      now: runtime.now,
      sleep: runtime.sleep,
      random: runtime.random,
      signal: this.signal,
      // A trigger in flight gets a grace period: its run id is what lets it be cancelled.
      requestSignal: this.signal && graceSignal(this.signal, SHUTDOWN_GRACE_MS),
      onRetry: (notice) => this.logRetry('Starting the run', notice),
      onRecovered: (message) => {
        io.warning(message, 'Hex run recovered')
        report.notes.push(message)
      }
    })
    this.recordTrigger(run)

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
    if (this.signal?.aborted) return this.cancelled(run.runId)

    const result = await this.poll(run.runId)
    const latest = result.kind === 'finished' ? result.state : result.last
    if (latest) this.recordState(latest)
    switch (result.kind) {
      case 'finished':
        return this.finished(run.runId, result.state.status)
      case 'timeout':
        return this.timedOut(run.runId, result.last)
      case 'aborted':
        return this.cancelled(run.runId)
    }
  }

  /** An error that ended the step early: Hex's, or a bug. */
  failed(error: unknown): void {
    const { report, io } = this
    report.succeeded = false
    if (this.signal?.aborted && report.runId === undefined) {
      report.status = ActionStatus.Cancelled
      report.message =
        'The workflow was cancelled while the run was being started; Hex may have started it. Check the project in Hex.'
      return
    }
    if (error instanceof HexError) {
      report.message = error.message
    } else {
      // A bug, not an expected failure: the message goes to the log, the stack to debug.
      report.message = `Unexpected error: ${error instanceof Error ? error.message : String(error)}`
      if (error instanceof Error && error.stack) io.debug(error.stack)
    }
  }

  private async poll(runId: string): Promise<PollResult> {
    const { settings, runtime, signal, io } = this
    const logProgress = progressLogger({ info: io.info, warning: (m) => io.warning(m) })
    let last: RunState | undefined
    try {
      return await pollUntilDone({
        getState: () =>
          withRetries(() => this.client.getRun(settings.projectId, runId, { signal }), {
            verdict: readVerdict,
            deadline: this.deadline,
            now: runtime.now,
            sleep: runtime.sleep,
            random: runtime.random,
            signal,
            onRetry: (notice) => this.logRetry('Reading the run status', notice)
          }),
        now: runtime.now,
        sleep: runtime.sleep,
        startedAt: this.startedAt,
        timeoutMs: settings.timeoutMs,
        intervalMs: settings.pollIntervalMs,
        signal,
        onState: (state, progress) => {
          last = state
          logProgress(state, progress)
        }
      })
    } catch (error) {
      if (signal?.aborted) return { kind: 'aborted', last, polls: 0 }
      // Status reads failed until the deadline: that is a timeout, with the reads' failure as cause.
      if (error instanceof RetriesExhaustedError && error.why === 'deadline') {
        this.report.notes.push(
          error.attempts > 1
            ? `Status reads failed for the last ${formatDuration(error.failingForMs)} (${error.attempts} attempts); the last error: ${error.lastError.message}`
            : `The status read at the deadline failed: ${error.lastError.message}`
        )
        return { kind: 'timeout', last, polls: 0 }
      }
      throw error
    }
  }

  private finished(runId: string, status: string): void {
    const { report, settings, io } = this
    const seenAt = this.runtime.now()
    report.status = status
    report.endedAt ??= new Date(seenAt).toISOString()
    report.elapsedMs ??= seenAt - this.startedAt
    const took = formatDuration(report.elapsedMs)
    if (status === 'COMPLETED') {
      report.succeeded = true
      io.info(`Hex run ${runId} COMPLETED in ${took}.`)
      return
    }
    report.succeeded = !settings.failOnRunFailure
    report.message = `Hex run ${runId} ended ${status} after ${took}.${statusAdvice(status)}`
    if (!settings.failOnRunFailure)
      report.notes.push('fail-on-run-failure is false: the step succeeds anyway.')
  }

  private async timedOut(runId: string, last: RunState | undefined): Promise<void> {
    const { report, settings } = this
    const seenAt = this.runtime.now()
    report.status = ActionStatus.Timeout
    report.endedAt = new Date(seenAt).toISOString()
    report.elapsedMs = seenAt - this.startedAt
    const lastStatus = last ? ` (last status ${last.status})` : ''
    report.message = `Hex run ${runId} did not finish within the timeout of ${formatDuration(settings.timeoutMs)}${lastStatus}.`
    if (settings.cancelOnTimeout) await this.cancel(runId, CANCEL_BUDGET_MS)
    else report.notes.push('cancel-on-timeout is false: the run was left going in Hex.')
  }

  private async cancelled(runId: string): Promise<void> {
    const { report, settings, io } = this
    const seenAt = this.runtime.now()
    report.status = ActionStatus.Cancelled
    report.endedAt = new Date(seenAt).toISOString()
    report.elapsedMs = seenAt - this.startedAt
    report.message = `The workflow was cancelled while Hex run ${runId} was going.`
    io.info('The runner asked the step to stop: the workflow was cancelled.')
    if (settings.cancelOnWorkflowCancel) await this.cancel(runId, CANCEL_BUDGET_ON_SIGNAL_MS)
    else report.notes.push('cancel-on-workflow-cancel is false: the run was left going in Hex.')
  }

  /** A failed cancel adds to the real outcome and never replaces it; the post step tries again. */
  private async cancel(runId: string, budgetMs: number): Promise<void> {
    const { report, io, runtime, settings } = this
    const result: CancelResult = await cancelInHex(this.client, settings.projectId, runId, {
      now: runtime.now,
      sleep: (ms) => runtime.sleep(ms),
      random: runtime.random,
      budgetMs
    })
    if (!result.ok) {
      this.runLeftOpen = true
      report.notes.push(`Cancelling the run in Hex failed: ${result.error}`)
      io.warning(`Could not cancel Hex run ${runId}: ${result.error}`)
    } else if ('alreadyEnded' in result) {
      report.notes.push(
        `The run had already ended ${result.alreadyEnded} when it was to be cancelled.`
      )
      io.info(`Hex run ${runId} had already ended ${result.alreadyEnded}; nothing to cancel.`)
    } else {
      report.notes.push('The run was cancelled in Hex.')
      io.info(`Cancelled Hex run ${runId}.`)
    }
  }

  private recordTrigger(run: TriggeredRun): void {
    const { report, io } = this
    report.runId = run.runId
    report.runUrl = run.runUrl
    report.statusUrl = run.runStatusUrl
    report.traceId = run.traceId
    report.projectVersion = run.projectVersion
    report.startedAt = new Date(this.startedAt).toISOString()
    // Saved at once: if the step is killed later, the workflow and the post step still know it.
    io.setOutput(Output.RunId, run.runId)
    io.setOutput(Output.RunUrl, run.runUrl)
    io.saveState(State.ProjectId, this.settings.projectId)
    io.saveState(State.RunId, run.runId)
    const version = run.projectVersion ? ` (project version ${run.projectVersion})` : ''
    io.info(`Started Hex run ${run.runId}${version}: ${run.runUrl}`)
  }

  private recordState(state: RunState): void {
    const { report } = this
    if (state.runUrl) report.runUrl = state.runUrl
    if (state.projectVersion) report.projectVersion = state.projectVersion
    if (state.startTime) report.startedAt = state.startTime
    if (state.endTime) report.endedAt = state.endTime
    if (state.elapsedMs !== undefined && state.endTime) report.elapsedMs = state.elapsedMs
  }

  private logRetry(what: string, notice: RetryNotice): void {
    this.io.info(
      `${what} failed: ${notice.reason}. Trying again in ${formatDuration(notice.delayMs)} (attempt ${notice.attempt + 1}).`
    )
    this.io.debug(notice.error.message)
  }
}

/** Aborts `grace` ms after `signal` does. */
function graceSignal(signal: AbortSignal, graceMs: number): AbortSignal {
  const controller = new AbortController()
  signal.addEventListener('abort', () => setTimeout(() => controller.abort(), graceMs).unref(), {
    once: true
  })
  return controller.signal
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
export async function publish(io: ActionIO, report: RunReport): Promise<void> {
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

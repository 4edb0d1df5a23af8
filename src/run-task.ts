import type { ActionIO } from './action-io.ts'
import {
  cancelInHex,
  CANCEL_BUDGET_MS,
  CANCEL_BUDGET_ON_SIGNAL_MS,
  type CancelResult
} from './cancel.ts'
import { Output } from './constants.ts'
import { formatDuration } from './duration.ts'
import { runPath, type HexClient } from './hex/client.ts'
import { HexError } from './hex/errors.ts'
import {
  readVerdict,
  RetriesExhaustedError,
  triggerVerdict,
  withRetries,
  type RetryNotice
} from './hex/retry.ts'
import type { RunProjectRequest, RunState, TriggeredRun } from './hex/types.ts'
import type { RunLedger } from './ledger.ts'
import { pollUntilDone, type PollResult } from './poll.ts'
import { progressLogger } from './progress.ts'
import { ActionStatus, type RunReport } from './report.ts'
import type { Runtime } from './runtime.ts'
import type { Settings } from './settings.ts'
import { triggerRun } from './trigger.ts'

/** A project to run, or a run to follow. */
export interface RunTarget {
  projectId: string
  /** The title it was given by, with project-name. */
  projectName?: string
  /** With run-id: follow this run instead of triggering one. */
  runId?: string
}

/**
 * A request in flight when the workflow is cancelled gets this long to finish: a trigger that
 * completes can then be cancelled by its run id, where an abandoned one might leave a run behind.
 */
export const SHUTDOWN_GRACE_MS = 3_000

/** Who stops a run early: the runner (workflow cancelled) or fail-fast (another run failed). */
export interface Stops {
  /** The workflow is being cancelled. */
  workflow?: AbortSignal
  /** Another project's run failed and fail-fast is on. */
  failFast?: AbortSignal
}

export interface RunTaskOptions {
  settings: Settings
  io: ActionIO
  runtime: Runtime
  client: HexClient
  target: RunTarget
  stops: Stops
  /** When the step's timeout passes (ms on runtime.now). */
  deadline: number
  /** Where the post step learns which runs are still open. */
  ledger: RunLedger
  /** The only run of the step: its run-id and run-url outputs are set as soon as it starts. */
  only: boolean
}

/**
 * One project's run from trigger (or attach) to its end: what it knows so far, and how it ends.
 * A step runs one of these, or several side by side.
 */
export class RunTask {
  readonly report: RunReport
  private readonly settings: Settings
  private readonly io: ActionIO
  private readonly runtime: Runtime
  private readonly client: HexClient
  private readonly target: RunTarget
  private readonly stops: Stops
  /** Either stop. */
  private readonly signal?: AbortSignal
  /** When this run was started (or followed): times in the log and the summary count from it. */
  private startedAt: number
  private readonly deadline: number
  private readonly ledger: RunLedger
  private readonly only: boolean

  constructor(options: RunTaskOptions) {
    this.settings = options.settings
    this.io = options.io
    this.runtime = options.runtime
    this.client = options.client
    this.target = options.target
    this.stops = options.stops
    const signals = [options.stops.workflow, options.stops.failFast].filter((s) => s !== undefined)
    this.signal = signals.length > 0 ? AbortSignal.any(signals) : undefined
    this.startedAt = options.runtime.now()
    this.deadline = options.deadline
    this.ledger = options.ledger
    this.only = options.only
    this.report = {
      projectId: options.target.projectId,
      projectName: options.target.projectName,
      status: ActionStatus.Error,
      succeeded: false,
      inputParams: options.settings.inputParams,
      viewId: options.settings.viewId,
      notes: []
    }
  }

  /** Runs to the end; never throws: every outcome lands in `report`. */
  async run(): Promise<RunReport> {
    // A run that waited for its turn (max-parallel) counts its time from now, not the step's start.
    this.startedAt = this.runtime.now()
    try {
      await this.execute()
    } catch (error) {
      this.failed(error)
    }
    return this.report
  }

  /** The step was stopped before this run could start: it is reported, never triggered. */
  notStarted(): RunReport {
    const { report } = this
    report.status = ActionStatus.Cancelled
    report.stoppedByFailFast = !this.stops.workflow?.aborted
    report.message = this.stops.workflow?.aborted
      ? 'Not started: the workflow was cancelled first.'
      : 'Not started: another run failed, and fail-fast is on.'
    return report
  }

  private async execute(): Promise<void> {
    const { settings, io, runtime, report } = this
    const { projectId } = this.target
    if (this.target.runId !== undefined) return this.follow(this.target.runId)
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
      this.ledger.settle(run.runId)
      return
    }
    if (!settings.wait) {
      report.status = 'PENDING'
      report.succeeded = true
      report.notes.push('wait is false: the step did not wait for the run to finish.')
      io.info('wait is false: not waiting for the run to finish.')
      // Left going on purpose: the post step must not cancel it.
      this.ledger.settle(run.runId)
      return
    }
    await this.waitFor(run.runId)
  }

  /** `run-id` given: follow a run started elsewhere instead of triggering one. */
  private async follow(runId: string): Promise<void> {
    const { io, runtime, report } = this
    const { projectId } = this.target
    const state = await withRetries(
      () => this.client.getRun(projectId, runId, { signal: this.signal }),
      {
        verdict: readVerdict,
        deadline: this.deadline,
        now: runtime.now,
        sleep: runtime.sleep,
        random: runtime.random,
        signal: this.signal,
        onRetry: (notice) => this.logRetry('Reading the run status', notice)
      }
    )
    this.recordStart({
      projectId,
      runId,
      runUrl: state.runUrl ?? '',
      runStatusUrl: `${this.settings.apiBase}${runPath(projectId, runId)}`,
      traceId: state.traceId,
      projectVersion: state.projectVersion
    })
    report.notes.push(`run-id was given: the step followed a run started elsewhere.`)
    io.info(`Following Hex run ${runId}, started elsewhere: ${state.runUrl ?? ''}`)
    if (!this.settings.wait) {
      this.recordState(state)
      report.status = state.status
      report.succeeded = true
      io.info(`wait is false: the run is ${state.status}; not waiting for it.`)
      this.ledger.settle(runId)
      return
    }
    await this.waitFor(runId)
  }

  private async waitFor(runId: string): Promise<void> {
    if (this.signal?.aborted) return this.cancelled(runId)
    const result = await this.poll(runId)
    const latest = result.kind === 'finished' ? result.state : result.last
    if (latest) this.recordState(latest)
    switch (result.kind) {
      case 'finished':
        return this.finished(runId, result.state.status)
      case 'timeout':
        return this.timedOut(runId, result.last)
      case 'aborted':
        return this.cancelled(runId)
    }
  }

  /** An error that ended the run early: Hex's, or a bug. */
  private failed(error: unknown): void {
    const { report, io } = this
    report.succeeded = false
    // Stopped while starting, unless Hex refused the trigger for a reason of its own (401, 422...).
    if (
      this.signal?.aborted &&
      report.runId === undefined &&
      triggerVerdict(error).kind !== 'fatal'
    ) {
      report.status = ActionStatus.Cancelled
      report.stoppedByFailFast = !this.stops.workflow?.aborted
      report.message = `${this.stopReason()} while the run was being started; Hex may have started it. Check the project in Hex.`
      return
    }
    if (report.runId !== undefined) this.ledger.settle(report.runId)
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
          withRetries(() => this.client.getRun(this.target.projectId, runId, { signal }), {
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
        deadline: this.deadline,
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
    this.ledger.settle(runId)
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
    if (settings.cancelOnTimeout) return this.cancel(runId, CANCEL_BUDGET_MS)
    report.notes.push('cancel-on-timeout is false: the run was left going in Hex.')
    this.ledger.settle(runId)
  }

  private async cancelled(runId: string): Promise<void> {
    const { report, settings, io } = this
    const seenAt = this.runtime.now()
    report.status = ActionStatus.Cancelled
    report.endedAt = new Date(seenAt).toISOString()
    report.elapsedMs = seenAt - this.startedAt
    report.message = `${this.stopReason()} while Hex run ${runId} was going.`
    report.stoppedByFailFast = !this.stops.workflow?.aborted
    if (this.stops.workflow?.aborted) {
      io.info('The runner asked the step to stop: the workflow was cancelled.')
      if (!settings.cancelOnWorkflowCancel) {
        report.notes.push('cancel-on-workflow-cancel is false: the run was left going in Hex.')
        this.ledger.settle(runId)
        return
      }
    }
    await this.cancel(runId, CANCEL_BUDGET_ON_SIGNAL_MS)
  }

  private stopReason(): string {
    return this.stops.workflow?.aborted
      ? 'The workflow was cancelled'
      : 'Another run failed and fail-fast is on: stopped'
  }

  /** A failed cancel adds to the real outcome and never replaces it; the post step tries again. */
  private async cancel(runId: string, budgetMs: number): Promise<void> {
    const { report, io, runtime } = this
    const result: CancelResult = await cancelInHex(this.client, this.target.projectId, runId, {
      now: runtime.now,
      sleep: (ms) => runtime.sleep(ms),
      random: runtime.random,
      budgetMs
    })
    if (!result.ok) {
      // The post step finishes what the main step meant to do.
      this.ledger.wantCancel(runId)
      report.notes.push(`Cancelling the run in Hex failed: ${result.error}`)
      io.warning(`Could not cancel Hex run ${runId}: ${result.error}`)
      return
    }
    this.ledger.settle(runId)
    if ('alreadyEnded' in result) {
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
    this.recordStart(run)
    const version = run.projectVersion ? ` (project version ${run.projectVersion})` : ''
    this.io.info(`Started Hex run ${run.runId}${version}: ${run.runUrl}`)
  }

  private recordStart(run: TriggeredRun): void {
    const { report, io } = this
    report.runId = run.runId
    report.runUrl = run.runUrl
    report.statusUrl = run.runStatusUrl
    report.traceId = run.traceId
    report.projectVersion = run.projectVersion
    report.startedAt = new Date(this.startedAt).toISOString()
    // Saved at once: if the step is killed later, the workflow and the post step still know it.
    this.ledger.open(run.projectId, run.runId)
    if (this.only) {
      io.setOutput(Output.RunId, run.runId)
      io.setOutput(Output.RunUrl, run.runUrl)
    }
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

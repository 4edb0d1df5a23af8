/**
 * Runs as tests and the summary screenshots describe them: flat, one object per run. The report and
 * the step result are built from it in the shape the step gives the edges (step/report.ts,
 * step/result.ts), and rendered by the action's own functions.
 */
import { stepOutputs } from '../../src/action/outputs.ts'
import { renderStepSummary, type SummaryView } from '../../src/action/summary.ts'
import type { RunReport } from '../../src/step/report.ts'
import type { StepResult } from '../../src/step/result.ts'

export interface RunSample {
  projectId: string
  projectName?: string
  status: string
  succeeded: boolean
  runId?: string
  runUrl?: string
  statusUrl?: string
  traceId?: string
  projectVersion?: string
  startedAt?: string
  endedAt?: string
  elapsedMs?: number
  usualMs?: number
  projectTitle?: string
  queuedMs?: number
  runMs?: number
  message?: string
  notes?: string[]
  stoppedByFailFast?: boolean
  /** The step's, for a step of this one run. */
  inputParams?: Record<string, unknown>
  viewId?: string
}

/** The report the step would give for this run: facts under `run` when a run was started. */
export function reportOf(sample: RunSample): RunReport {
  const { projectId, projectName, status, succeeded, message, stoppedByFailFast } = sample
  const report: RunReport = {
    target: projectName === undefined ? { projectId } : { projectId, projectName },
    status,
    succeeded,
    notes: sample.notes ?? []
  }
  if (message !== undefined) report.message = message
  if (stoppedByFailFast !== undefined) report.stoppedByFailFast = stoppedByFailFast
  if (sample.runId !== undefined)
    report.run = {
      projectId,
      runId: sample.runId,
      runUrl: sample.runUrl ?? '',
      statusUrl: sample.statusUrl ?? '',
      traceId: sample.traceId,
      projectVersion: sample.projectVersion,
      startedAt: sample.startedAt ?? '',
      endedAt: sample.endedAt,
      elapsedMs: sample.elapsedMs,
      usualMs: sample.usualMs,
      // Only what the sample has: a report without them looks as one from before they existed.
      ...(sample.projectTitle === undefined ? {} : { projectTitle: sample.projectTitle }),
      ...(sample.queuedMs === undefined ? {} : { queuedMs: sample.queuedMs }),
      ...(sample.runMs === undefined ? {} : { runMs: sample.runMs })
    }
  return report
}

/** A step of these runs; one run's sample carries the step's input parameters and view. */
export function resultOf(
  samples: RunSample | RunSample[],
  step: { inputParams?: Record<string, unknown>; elapsedMs?: number } = {}
): StepResult {
  const list = Array.isArray(samples) ? samples : [samples]
  const only = Array.isArray(samples) ? undefined : samples
  return {
    reports: list.map(reportOf),
    elapsedMs: step.elapsedMs ?? 0,
    inputParams: step.inputParams ?? only?.inputParams ?? {},
    viewId: only?.viewId
  }
}

/** The job summary of a step of this one run. */
export function summaryOf(sample: RunSample, view?: SummaryView): string {
  return renderStepSummary(resultOf(sample), view)
}

/** The job summary of a step of these runs, with these input parameters. */
export function groupSummaryOf(
  samples: RunSample[],
  inputParams: Record<string, unknown>,
  view?: SummaryView
): string {
  return renderStepSummary(resultOf(samples, { inputParams }), view)
}

/** The outputs of a step of this one run. */
export function outputsOf(sample: RunSample): Record<string, string> {
  return stepOutputs(resultOf(sample))
}

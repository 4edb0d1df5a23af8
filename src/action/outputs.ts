import { Output, type OutputName } from './constants.ts'
import type { RunReport } from '../step/report.ts'
import { isGroup, worstStatus, type StepResult } from '../step/result.ts'

/** One entry of the `runs` output. */
export interface RunSummaryEntry {
  projectId: string
  projectName?: string
  runId: string | null
  runUrl: string | null
  status: string
  elapsedSeconds: number | null
  /** The median of the project's history, in whole seconds; null when it was not read. */
  usualSeconds: number | null
}

function seconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.round(ms / 1000)
}

export function runsEntry(report: RunReport): RunSummaryEntry {
  return {
    projectId: report.projectId,
    ...(report.projectName !== undefined ? { projectName: report.projectName } : {}),
    runId: report.runId ?? null,
    runUrl: report.runUrl ?? null,
    status: report.status,
    elapsedSeconds: seconds(report.elapsedMs) ?? null,
    usualSeconds: seconds(report.usualMs) ?? null
  }
}

/** Every output, always: an unknown value is an empty string, so `steps.x.outputs.y` exists. */
export function reportOutputs(report: RunReport): Record<OutputName, string> {
  return {
    [Output.RunId]: report.runId ?? '',
    [Output.RunUrl]: report.runUrl ?? '',
    [Output.StatusUrl]: report.statusUrl ?? '',
    [Output.Status]: report.status,
    [Output.ElapsedSeconds]: String(seconds(report.elapsedMs) ?? ''),
    [Output.UsualSeconds]: String(seconds(report.usualMs) ?? ''),
    [Output.StartedAt]: report.startedAt ?? '',
    [Output.EndedAt]: report.endedAt ?? '',
    [Output.TraceId]: report.traceId ?? '',
    [Output.ProjectVersion]: report.projectVersion ?? '',
    [Output.Runs]: JSON.stringify([runsEntry(report)])
  }
}

/**
 * The outputs of a step with several runs: `runs` lists them, `status` is the worst, and
 * `elapsed-seconds` is the step's wait; the outputs that name one run are empty.
 */
export function groupOutputs(reports: RunReport[], elapsedMs: number): Record<OutputName, string> {
  return {
    [Output.RunId]: '',
    [Output.RunUrl]: '',
    [Output.StatusUrl]: '',
    [Output.Status]: worstStatus(reports.map((r) => r.status)),
    [Output.ElapsedSeconds]: String(seconds(elapsedMs)),
    [Output.UsualSeconds]: '',
    [Output.StartedAt]: '',
    [Output.EndedAt]: '',
    [Output.TraceId]: '',
    [Output.ProjectVersion]: '',
    [Output.Runs]: JSON.stringify(reports.map(runsEntry))
  }
}

/** The step's outputs: one run's, or a group's. */
export function stepOutputs(result: StepResult): Record<OutputName, string> {
  return isGroup(result)
    ? groupOutputs(result.reports, result.elapsedMs)
    : reportOutputs(result.reports[0] as RunReport)
}

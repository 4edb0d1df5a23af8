import { Output, type OutputName } from './constants.ts'
import { UNALLOCATED } from '../runs/attempts.ts'
import type { RunFacts } from '../runs/types.ts'
import type { RunReport } from '../step/report.ts'
import { titleOf } from '../step/run-words.ts'
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
  /** The project's title in Hex, when it is known. */
  projectTitle?: string
  /** From Hex's state events, in whole seconds; null when Hex gave none. */
  queuedSeconds: number | null
  runSeconds: number | null
  /**
   * retry-unallocated started the project more than once: every run, oldest first, the last being
   * the entry's own. Absent when it was started once.
   */
  attempts?: AttemptEntry[]
}

/** One run of a project that retry-unallocated started more than once. */
export interface AttemptEntry {
  attempt: number
  runId: string
  runUrl: string
  status: string
  elapsedSeconds: number | null
}

function seconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.round(ms / 1000)
}

/** One run's entry in the `runs` output, from its report. */
export function runsEntry({ target, run, status, attempts }: RunReport): RunSummaryEntry {
  const attempt = (facts: RunFacts, i: number, end: string): AttemptEntry => ({
    attempt: i + 1,
    runId: facts.runId,
    runUrl: facts.runUrl,
    status: end,
    elapsedSeconds: seconds(facts.elapsedMs) ?? null
  })
  const all = attempts &&
    run && [
      ...attempts.earlier.map((facts, i) => attempt(facts, i, UNALLOCATED)),
      attempt(run, attempts.earlier.length, status)
    ]
  return {
    projectId: target.projectId,
    ...(target.projectName !== undefined ? { projectName: target.projectName } : {}),
    runId: run?.runId ?? null,
    runUrl: run?.runUrl ?? null,
    status,
    elapsedSeconds: seconds(run?.elapsedMs) ?? null,
    usualSeconds: seconds(run?.usualMs) ?? null,
    ...withTitle({ target, run }),
    queuedSeconds: seconds(run?.queuedMs) ?? null,
    runSeconds: seconds(run?.runMs) ?? null,
    ...(all ? { attempts: all } : {})
  }
}

function withTitle(about: Pick<RunReport, 'target' | 'run'>): { projectTitle?: string } {
  const title = titleOf(about)
  return title === undefined ? {} : { projectTitle: title }
}

/**
 * Every output, always: an unknown value is an empty string, so `steps.x.outputs.y` exists. The
 * outputs that name one run are that run's when there is one, and empty for a group; `status` is
 * the worst of the runs' (one check, `status == 'COMPLETED'`, tells whether all completed), and
 * `elapsed-seconds` the run's, or the step's wait for a group; `runs` lists every run.
 */
export function stepOutputs(result: StepResult): Record<OutputName, string> {
  const { reports } = result
  const only = isGroup(result) ? undefined : (reports[0] as RunReport)
  const run = only?.run
  const elapsedMs = only === undefined ? result.elapsedMs : run?.elapsedMs
  return {
    [Output.RunId]: run?.runId ?? '',
    [Output.RunUrl]: run?.runUrl ?? '',
    [Output.StatusUrl]: run?.statusUrl ?? '',
    [Output.Status]: worstStatus(reports.map((r) => r.status)),
    [Output.ElapsedSeconds]: String(seconds(elapsedMs) ?? ''),
    [Output.UsualSeconds]: String(seconds(run?.usualMs) ?? ''),
    [Output.QueuedSeconds]: String(seconds(run?.queuedMs) ?? ''),
    [Output.RunSeconds]: String(seconds(run?.runMs) ?? ''),
    [Output.ProjectTitle]: (only && titleOf(only)) ?? '',
    [Output.StartedAt]: run?.startedAt ?? '',
    [Output.EndedAt]: run?.endedAt ?? '',
    [Output.TraceId]: run?.traceId ?? '',
    [Output.ProjectVersion]: run?.projectVersion ?? '',
    [Output.Runs]: JSON.stringify(reports.map(runsEntry))
  }
}

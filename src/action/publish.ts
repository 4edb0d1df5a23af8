import { ACTION_NAME, type OutputName } from './constants.ts'
import type { ActionIO } from './io.ts'
import { groupOutputs, reportOutputs } from './outputs.ts'
import type { RunReport } from './report.ts'
import { renderGroupSummary, renderSummary } from './summary.ts'

/** A step's result as the runner shows it. */
export interface StepResult {
  /** One report per project, in the order given. */
  reports: RunReport[]
  /** Several projects were given: outputs, summary and log speak of the group. */
  several: boolean
  /** From the step's start to now. */
  elapsedMs: number
  inputParams: Record<string, unknown>
  /** Inputs that did not read: each is an error of its own, and nothing was sent to Hex. */
  inputErrors?: string[]
  /** The api-url the step used, when it read: the summary links only to it and to Hex. */
  apiBase?: string
}

/** What publishing needs besides the result. */
export interface PublishContext {
  /** Redacted from the job summary (before its Markdown escaping). */
  secrets?: readonly string[]
}

/**
 * Outputs, the job summary and the annotations, for one run or several: the one place a step's
 * result reaches the runner, on every path.
 */
export async function publish(
  io: ActionIO,
  result: StepResult,
  context: PublishContext = {}
): Promise<void> {
  const { reports } = result
  const view = { apiBase: result.apiBase, secrets: context.secrets }
  // Each input that did not read is an error of its own, before the result.
  for (const error of result.inputErrors ?? []) io.fail(error, 'Invalid input')
  if (!result.several) {
    const report = reports[0] as RunReport
    await writeResults(io, reportOutputs(report), renderSummary(report, view))
    if (result.inputErrors) return
    if (!report.succeeded && report.message) io.fail(failureText(report), failureTitle(report))
    else if (report.message) io.warning(report.message, failureTitle(report))
    return
  }
  await writeResults(
    io,
    groupOutputs(reports, result.elapsedMs),
    renderGroupSummary(reports, result.inputParams, view)
  )
  for (const report of reports) {
    const label = report.projectName ?? report.projectId
    // A run fail-fast stopped is a consequence, not a second cause: a warning, not an error.
    if (!report.succeeded && report.message && !report.stoppedByFailFast)
      io.fail(`[${label}] ${failureText(report)}`, failureTitle(report))
    else if (report.message) io.warning(`[${label}] ${report.message}`, failureTitle(report))
  }
  const failed = reports.filter((r) => !r.succeeded).length
  io.info(
    `${reports.length - failed} of ${reports.length} Hex runs ${failed === 0 ? 'succeeded.' : `succeeded; ${failed} did not.`}`
  )
}

async function writeResults(
  io: ActionIO,
  outputs: Record<OutputName, string>,
  summary: string
): Promise<void> {
  for (const [name, value] of Object.entries(outputs)) io.setOutput(name as OutputName, value)
  // A summary that cannot be written never hides the result.
  try {
    await io.writeSummary(summary)
  } catch (error) {
    io.warning(
      `Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`
    )
  }
}

function failureTitle(report: RunReport): string {
  return report.runId ? `Hex run ${report.status}` : `${ACTION_NAME} failed`
}

function failureText(report: RunReport): string {
  const link = report.runUrl && !report.message?.includes(report.runUrl) ? ` ${report.runUrl}` : ''
  return `${report.message ?? ''}${link}`
}

import { errorMessage } from '../lib/errors.ts'
import { conclusions, groupTally, type StepResult } from '../step/result.ts'
import type { ActionIO } from './io.ts'
import { stepOutputs } from './outputs.ts'
import { renderStepSummary } from './summary.ts'

export type { StepResult } from '../step/result.ts'

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
  for (const [name, value] of Object.entries(stepOutputs(result)))
    io.setOutput(name as keyof ReturnType<typeof stepOutputs>, value)
  // A summary that cannot be written never hides the result.
  try {
    await io.writeSummary(
      renderStepSummary(result, { apiBase: result.apiBase, secrets: context.secrets })
    )
  } catch (error) {
    io.warning(`Could not write the job summary: ${errorMessage(error)}`)
  }
  for (const { level, text, title } of conclusions(result))
    if (level === 'error') io.fail(text, title)
    else if (level === 'notice') io.notice(text, title)
    else io.warning(text, title)
  const tally = groupTally(result)
  if (tally !== undefined) io.info(tally)
}

import { HexApiError } from '../hex/errors.ts'
import type { HexSession } from '../hex/session.ts'
import { isTerminalStatus } from '../hex/types.ts'
import { errorMessage } from '../lib/errors.ts'
import type { CancelOutcome, RunFacts } from './types.ts'

/**
 * A cancel must fit in the time left: on a workflow cancel the runner kills the process 10 s
 * after its first signal, so retries get a few seconds, not the step's timeout.
 */
export const CANCEL_BUDGET_ON_SIGNAL_MS = 5_000
export const CANCEL_BUDGET_MS = 20_000

/**
 * Cancels the run in Hex (DELETE), retrying what is transient within the budget; nothing stops
 * it early, since it is what a stop asks for.
 */
export async function cancelRun(
  session: HexSession,
  projectId: string,
  runId: string,
  budgetMs: number
): Promise<Exclude<CancelOutcome, { kind: 'left-going' | 'not-ours' }>> {
  try {
    await session.within(budgetMs).cancelRun(projectId, runId)
    return { kind: 'cancelled' }
  } catch (error) {
    const message = errorMessage(error)
    // Hex answers 422 to a cancel of a run that has ended: find out whether that is what happened.
    if (error instanceof HexApiError && error.status === 422) {
      const state = await session
        .within(budgetMs)
        .getRunOnce(projectId, runId)
        .catch(() => undefined)
      if (state && isTerminalStatus(state.status))
        return { kind: 'already-ended', status: state.status }
    }
    return { kind: 'failed', error: message }
  }
}

/**
 * What becomes of a run the step gives up on: a run it attached to (if-running: attach) is not
 * its own and is never cancelled; `leave` is the inputs saying to leave it going; else it is
 * cancelled within the budget.
 */
export async function cancelIfOurs(
  session: HexSession,
  run: RunFacts,
  leave: boolean,
  budgetMs: number
): Promise<CancelOutcome> {
  if (run.attached) return { kind: 'not-ours' }
  if (leave) return { kind: 'left-going' }
  return cancelRun(session, run.projectId, run.runId, budgetMs)
}

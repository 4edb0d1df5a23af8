import type { HexClient } from './hex/client.ts'
import { HexApiError } from './hex/errors.ts'
import { readVerdict, withRetries } from './hex/retry.ts'
import { isTerminalStatus } from './hex/types.ts'

export interface CancelOptions {
  now: () => number
  sleep: (ms: number) => Promise<void>
  random?: () => number
  /** How long the cancel may take, retries included. */
  budgetMs: number
}

/**
 * A cancel must fit in the time left: on a workflow cancel the runner kills the process 10 s
 * after its first signal, so retries get a few seconds, not the step's timeout.
 */
export const CANCEL_BUDGET_ON_SIGNAL_MS = 5_000
export const CANCEL_BUDGET_MS = 20_000

export type CancelResult =
  | { ok: true }
  /** Hex refused the cancel because the run had already ended, as it had. */
  | { ok: true; alreadyEnded: string }
  | { ok: false; error: string }

/** Cancels the run in Hex (DELETE), retrying what is transient within the budget. */
export async function cancelInHex(
  client: HexClient,
  projectId: string,
  runId: string,
  options: CancelOptions
): Promise<CancelResult> {
  try {
    const deadline = options.now() + options.budgetMs
    // Each attempt fits in what is left of the budget: one hung DELETE must not outlast it.
    const attempt = () =>
      client.cancelRun(projectId, runId, { timeoutMs: Math.max(1, deadline - options.now()) })
    await withRetries(attempt, {
      verdict: readVerdict,
      deadline,
      now: options.now,
      sleep: options.sleep,
      random: options.random
    })
    return { ok: true }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    // Hex answers 422 to a cancel of a run that has ended: find out whether that is what happened.
    if (error instanceof HexApiError && error.status === 422) {
      const state = await client
        .getRun(projectId, runId, { timeoutMs: options.budgetMs })
        .catch(() => undefined)
      if (state && isTerminalStatus(state.status)) return { ok: true, alreadyEnded: state.status }
    }
    return { ok: false, error: message }
  }
}

import { coreIO, type ActionIO } from './action-io.ts'
import { cancelInHex, CANCEL_BUDGET_ON_SIGNAL_MS } from './cancel.ts'
import { State } from './constants.ts'
import { HexClient } from './hex/client.ts'
import { readVerdict, withRetries } from './hex/retry.ts'
import { isTerminalStatus } from './hex/types.ts'
import { processRuntime, type Runtime } from './main.ts'
import { readSettings, readToken } from './settings.ts'

/**
 * The post step. The main step cancels the run itself when it is told to stop; this is for when it
 * could not: it was killed first, or its cancel failed. It does nothing when the main step settled
 * the run, and it never fails the job.
 */
export async function post(
  io: ActionIO = coreIO,
  runtime: Runtime = processRuntime
): Promise<void> {
  const runId = io.getState(State.RunId)
  const projectId = io.getState(State.ProjectId)
  if (runId === '' || projectId === '' || io.getState(State.Settled) === 'true') {
    io.debug('The main step settled the run (or started none): nothing to clean up.')
    return
  }
  const token = readToken(io.getInput, runtime.env)
  if (token !== '') io.setSecret(token)
  const parsed = readSettings(io.getInput, runtime.env)
  if (!parsed.ok) {
    io.warning(
      `Hex run ${runId} may still be going; its inputs could not be read again to cancel it.`
    )
    return
  }
  const settings = parsed.settings
  // A cancel the main step tried and could not is finished here whatever the inputs say; a run
  // the main step never got to decide on is cancelled as on a workflow cancel.
  if (io.getState(State.CancelWanted) !== 'true' && !settings.cancelOnWorkflowCancel) {
    io.info(
      `The step stopped before Hex run ${runId} ended; cancel-on-workflow-cancel is false, so it is left going.`
    )
    return
  }
  const client = new HexClient({
    apiBase: settings.apiBase,
    token: settings.apiToken,
    fetch: runtime.fetch,
    now: runtime.now,
    requestTimeoutMs: Math.min(settings.requestTimeoutMs, CANCEL_BUDGET_ON_SIGNAL_MS),
    onDebug: io.debug
  })
  try {
    const state = await withRetries(() => client.getRun(projectId, runId), {
      verdict: readVerdict,
      deadline: runtime.now() + CANCEL_BUDGET_ON_SIGNAL_MS,
      now: runtime.now,
      sleep: runtime.sleep,
      random: runtime.random
    })
    if (isTerminalStatus(state.status)) {
      io.info(`Hex run ${runId} already ended ${state.status}: nothing to cancel.`)
      return
    }
  } catch (error) {
    io.debug(
      `Could not read the run's status: ${error instanceof Error ? error.message : String(error)}`
    )
  }
  const result = await cancelInHex(client, projectId, runId, {
    now: runtime.now,
    sleep: (ms) => runtime.sleep(ms),
    random: runtime.random,
    budgetMs: CANCEL_BUDGET_ON_SIGNAL_MS
  })
  if (!result.ok) {
    io.warning(`Hex run ${runId} may still be going: cancelling it failed: ${result.error}`)
    return
  }
  const line =
    'alreadyEnded' in result
      ? `Hex run ${runId} had already ended ${result.alreadyEnded}: nothing to cancel.`
      : io.getState(State.CancelWanted) === 'true'
        ? `Cancelled Hex run ${runId}, which the main step could not cancel.`
        : `Cancelled Hex run ${runId}: the main step was stopped before the run ended.`
  io.info(line)
  try {
    await io.writeSummary(`> 🚫 ${line}\n`)
  } catch {
    // The summary is a courtesy here; the cancel is what mattered.
  }
}

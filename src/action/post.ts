import type { HexSession } from '../hex/session.ts'
import { isTerminalStatus } from '../hex/types.ts'
import type { Runtime } from '../lib/runtime.ts'
import { CANCEL_BUDGET_ON_SIGNAL_MS, cancelRun } from '../runs/cancel.ts'
import type { StatusState } from '../github/statuses.ts'
import { errorMessage } from '../lib/errors.ts'
import { stopWording } from '../step/outcome-words.ts'
import { hexSession } from '../step/plan.ts'
import { readSettings, readTokens, type Settings } from '../step/settings.ts'
import { readOpenStatuses, statusReporter, type ActionServices } from './commit-status.ts'
import { State } from './constants.ts'
import { safeIO, type ActionIO, type SafeIO } from './io.ts'
import { readLedger, type LedgerEntry } from './ledger.ts'
import { summaryText } from './summary.ts'

/**
 * The post step. The main step cancels its runs itself when it is told to stop; this is for when
 * it could not: it was killed first, or a cancel failed. It also finishes the commit statuses such
 * a main step left pending. It does nothing for runs the main step settled, and it never fails the
 * job.
 */
export async function post({
  io: runner,
  runtime,
  services = {}
}: {
  io: ActionIO
  runtime: Runtime
  services?: ActionServices
}): Promise<void> {
  // As in the main step: text from Hex is made safe, secrets redacted.
  const io = safeIO(runner)
  try {
    await cleanUpAll(io, runtime, services)
  } catch (error) {
    // A bug: a warning with its reason (the stack to debug only), and the job goes on.
    if (error instanceof Error && error.stack) io.debug(error.stack)
    io.warning(
      `The post step could not finish: ${errorMessage(error)}. Runs of this step may still be going in Hex.`
    )
  }
}

async function cleanUpAll(io: SafeIO, runtime: Runtime, services: ActionServices): Promise<void> {
  const left = readLedger(io.getState(State.Runs)).filter((e) => e.fate !== 'settled')
  const openStatuses = readOpenStatuses(io.getState(State.Statuses))
  if (left.length === 0 && openStatuses.length === 0) {
    io.debug('The main step settled its runs (or started none): nothing to clean up.')
    return
  }
  for (const token of readTokens(io.getInput, runtime.env)) io.setSecret(token)
  const parsed = readSettings(io.getInput, runtime.env)
  if (!parsed.ok) {
    if (left.length > 0)
      io.warning(
        `Hex runs ${left.map((e) => e.runId).join(', ')} may still be going; the inputs could not be read again to cancel them.`
      )
    if (openStatuses.length > 0)
      io.warning(
        `Commit statuses ${openStatuses.map((s) => s.context).join(', ')} stay pending; the inputs could not be read again to finish them.`
      )
    return
  }
  const { settings } = parsed
  // The runner gives a post step little time: each request and the whole clean-up fit a cancel's.
  const session = hexSession(settings, runtime, io, {
    deadline: runtime.now() + CANCEL_BUDGET_ON_SIGNAL_MS,
    requestTimeoutMs: Math.min(settings.requestTimeoutMs, CANCEL_BUDGET_ON_SIGNAL_MS)
  })
  const results = await Promise.all(left.map((entry) => cleanUp(entry, settings, session, io)))
  const reporter = openStatuses.length > 0 && statusReporter(settings, services, runtime, io, false)
  if (reporter) {
    const ends = new Map(left.map((entry, i) => [entry.runId, results[i]?.end]))
    await reporter.finishLeftOpen(openStatuses, (open) => statusAfterStop(ends.get(open.runId)))
  }
  const done = results.map((r) => r.line).filter((line) => line !== undefined)
  if (done.length === 0) return
  try {
    await io.writeSummary(
      done.map((line) => `> 🚫 ${summaryText(line, io.secrets())}\n`).join('\n')
    )
  } catch {
    // The summary is a courtesy here; the cancel is what mattered.
  }
}

/** What the post step did with a run: the line for the summary, and what it learned of the run. */
interface CleanUp {
  line?: string
  end?: RunEnd
}

/** The run had ended (with Hex's status), was cancelled here, or was left going. */
type RunEnd = { status: string } | 'cancelled' | 'left-going'

/** A status left pending by a main step that was stopped: how the post step found the run. */
function statusAfterStop(end: RunEnd | undefined): { state: StatusState; description: string } {
  if (typeof end === 'object')
    return end.status === 'COMPLETED'
      ? { state: 'success', description: 'COMPLETED (seen after the step was stopped)' }
      : { state: 'failure', description: `${end.status} (seen after the step was stopped)` }
  const fate =
    end === 'cancelled'
      ? '; the Hex run was cancelled'
      : end === 'left-going'
        ? '; the Hex run was left going'
        : ''
  return { state: 'error', description: `CANCELLED: ${stopWording('workflow').short}${fate}` }
}

/** Cancels one run the main step left going, unless it should stay. Says what it did. */
async function cleanUp(
  { projectId, runId, fate }: LedgerEntry,
  settings: Settings,
  session: HexSession,
  io: ActionIO
): Promise<CleanUp> {
  // A cancel the main step tried and could not is finished here whatever the inputs say; a run
  // the main step never got to decide on is cancelled as on a workflow cancel.
  if (fate === 'open' && !settings.cancelOnWorkflowCancel) {
    io.info(
      `The step stopped before Hex run ${runId} ended; cancel-on-workflow-cancel is false, so it is left going.`
    )
    return { end: 'left-going' }
  }
  try {
    const state = await session.within(CANCEL_BUDGET_ON_SIGNAL_MS).getRun(projectId, runId)
    if (isTerminalStatus(state.status)) {
      io.info(`Hex run ${runId} already ended ${state.status}: nothing to cancel.`)
      return { end: { status: state.status } }
    }
  } catch (error) {
    io.debug(`Could not read the run's status: ${errorMessage(error)}`)
  }
  const result = await cancelRun(session, projectId, runId, CANCEL_BUDGET_ON_SIGNAL_MS)
  if (result.kind === 'failed') {
    io.warning(`Hex run ${runId} may still be going: cancelling it failed: ${result.error}`)
    return {}
  }
  const line =
    result.kind === 'already-ended'
      ? `Hex run ${runId} had already ended ${result.status}: nothing to cancel.`
      : fate === 'cancel-wanted'
        ? `Cancelled Hex run ${runId}, which the main step could not cancel.`
        : `Cancelled Hex run ${runId}: the main step was stopped before the run ended.`
  io.info(line)
  return {
    line,
    end: result.kind === 'already-ended' ? { status: result.status } : 'cancelled'
  }
}

import { errorMessage } from '../lib/errors.ts'
import type { Runtime } from '../lib/runtime.ts'
import type { RunObserver } from '../step/run-step.ts'
import { failedStep, runStep, unexpected } from '../step/run-step.ts'
import type { StepResult } from '../step/result.ts'
import { readSettings, readTokens } from '../step/settings.ts'
import { ACTION_NAME } from '../step/inputs.ts'
import { ActionStatus } from '../step/report.ts'
import { statusReporter, type ActionServices } from './commit-status.ts'
import { Output, State } from './constants.ts'
import { safeIO, type ActionIO, type SafeIO } from './io.ts'
import { RunLedger } from './ledger.ts'

export type { ActionServices } from './commit-status.ts'

/** What the runner's main step is given: everything it touches comes in here. */
export interface ActionOptions {
  /** The runner (coreIO), or a recording one in tests. */
  io: ActionIO
  runtime: Runtime
  /** Aborts when the runner asks the step to stop (the workflow was cancelled). */
  signal?: AbortSignal
  services?: ActionServices
}

/**
 * The action's main step: the step itself (step/run-step.ts), with what only a runner has around
 * it: tokens masked first, the post step's state saved as each run starts, run-id and run-url set
 * at once, commit statuses, and one result published (outputs, job summary, annotations) on every
 * path, a bug's included.
 */
export async function run({
  io: runner,
  runtime,
  signal,
  services = {}
}: ActionOptions): Promise<void> {
  // Everything the step writes passes through here: text from Hex is made safe, secrets redacted.
  const io = safeIO(runner)
  // Masked before anything else can print it.
  for (const token of readTokens(io.getInput, runtime.env)) io.setSecret(token)
  let result: StepResult | undefined
  try {
    io.saveState(State.IsPost, 'true')
  } catch (error) {
    // Without it the post step would take itself for a main step and could start a second run.
    result = failedStep(
      io,
      `Nothing was sent to Hex: the runner's step state could not be saved (${errorMessage(error)}). Run the job again; if it happens again, check the runner's disk.`
    )
  }

  result ??= await runStep({
    io,
    runtime,
    signal,
    services: {
      observers: ({ settings, group }) => {
        const ledger = new RunLedger(io)
        const observers: RunObserver[] = [
          {
            started: (_target, run) => {
              // Saved at once: if the step is killed later, the workflow and the post step know it.
              // An attached run is not the step's: the post step never cancels it.
              if (!run.attached) ledger.open(run.projectId, run.runId)
              if (group) return
              io.setOutput(Output.RunId, run.runId)
              io.setOutput(Output.RunUrl, run.runUrl)
            },
            finished: (outcome) => ledger.close(outcome)
          }
        ]
        const statuses = statusReporter(settings, services, runtime, io, group)
        if (statuses !== undefined) observers.push(statuses.observer(settings.timeoutMs))
        return observers
      }
    }
  })
  try {
    // Imported once the runs are over (a chunk of its own): the outputs, the job summary's
    // rendering and the annotations are no part of the start-up before the first request.
    const { publish } = await import('./publish.ts')
    await publish(io, result, { secrets: io.secrets() })
  } catch (error) {
    // The last resort (the output file may be what failed): the reason, never a stack trace.
    try {
      io.setOutput(Output.Status, ActionStatus.Error)
    } catch {
      // Then only the error below tells.
    }
    io.fail(unexpected(error, io), `${ACTION_NAME} failed`)
  }
  await comment(io, runtime, result)
}

/**
 * pr-comment: true: the step's result on the pull request, after the outputs and the summary,
 * which never wait on GitHub. The inputs are read again (they read the same; an input error means
 * no comment), and the comment's code is imported only then, as publish() is.
 */
async function comment(io: SafeIO, runtime: Runtime, result: StepResult): Promise<void> {
  try {
    const parsed = readSettings(io.getInput, runtime.env)
    const settings = parsed.ok ? parsed.settings.prComment : undefined
    if (settings === undefined) return
    const { postPrComment } = await import('./pr-comment.ts')
    await postPrComment(io, result, settings, runtime)
  } catch (error) {
    io.warning(
      `The pull-request comment could not be posted: ${unexpected(error, io)}`,
      'Pull-request comment not posted'
    )
  }
}

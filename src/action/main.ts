import { HexError } from '../hex/errors.ts'
import { findProjects } from '../hex/projects.ts'
import type { HexSession } from '../hex/session.ts'
import { processRuntime, type Runtime } from '../lib/runtime.ts'
import { RequestBudget } from '../runs/budget.ts'
import { runMany } from '../runs/run-many.ts'
import { runOne } from '../runs/run-one.ts'
import type { RunOutcome, RunTarget, Stops } from '../runs/types.ts'
import { statusReporter, type StepServices } from './commit-status.ts'
import { ACTION_NAME, Input, Output, State } from './constants.ts'
import { coreIO, labelled, safeIO, type ActionIO } from './io.ts'
import { RunLedger } from './ledger.ts'
import { narrator } from './narrate.ts'
import { hexSession, runPlan } from './plan.ts'
import { publish, type StepResult } from './publish.ts'
import { ActionStatus, toReport, type RunReport } from './report.ts'
import { readSettings, readTokens, type Settings } from './settings.ts'
import { RUNNER_WORDS } from './words.ts'

export { processRuntime, type Runtime } from '../lib/runtime.ts'
export type { StepServices } from './commit-status.ts'

/**
 * The action's main step: trigger the runs (or follow one), wait for them, and report on every
 * path: whatever happens, one result is published (outputs, job summary, annotations), a bug's
 * included. `signal` aborts when the runner asks the step to stop (the workflow was cancelled).
 */
export async function run(
  runner: ActionIO = coreIO,
  runtime: Runtime = processRuntime,
  signal?: AbortSignal,
  services: StepServices = {}
): Promise<void> {
  // Everything the step writes passes through here: text from Hex is made safe, secrets redacted.
  const io = safeIO(runner)
  // Masked before anything else can print it.
  for (const token of readTokens(io.getInput, runtime.env)) io.setSecret(token)
  io.saveState(State.IsPost, 'true')

  let result: StepResult
  try {
    result = await step(io, runtime, signal, services)
  } catch (error) {
    result = failedStep(io, unexpected(error, io))
  }
  try {
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
}

/** What the step came to, on each of its paths. */
async function step(
  io: ActionIO,
  runtime: Runtime,
  signal: AbortSignal | undefined,
  services: StepServices
): Promise<StepResult> {
  const words = io.words ?? RUNNER_WORDS
  const parsed = readSettings(io.getInput, runtime.env, undefined, words)
  if (!parsed.ok) {
    const count = parsed.errors.length
    const failed = failedStep(
      io,
      `Nothing was sent to Hex: ${count === 1 ? 'an input needs' : `${count} inputs need`} fixing.`
    )
    // Each problem a line of its own in the summary, as each is an annotation of its own.
    for (const report of failed.reports) report.notes.push(...parsed.errors)
    return { ...failed, inputErrors: parsed.errors }
  }

  const settings = parsed.settings
  for (const note of parsed.notes) io.info(note)
  for (const warning of parsed.warnings) io.warning(warning, 'Check the input')
  const startedAt = runtime.now()
  // One budget for every read of the step, whatever max-parallel: Hex's limit is per user.
  const session = hexSession(settings, runtime, io, {
    deadline: startedAt + settings.timeoutMs,
    requestTimeoutMs: settings.requestTimeoutMs,
    budget: new RequestBudget(runtime)
  })

  let targets: RunTarget[]
  try {
    targets = await resolveTargets(settings, session.with({ signal }), io)
  } catch (error) {
    const message = error instanceof HexError ? error.message : unexpected(error, io)
    return {
      ...single({
        ...errorReport(settings.projectNames.join(', '), message),
        inputParams: settings.inputParams
      }),
      apiBase: settings.apiBase
    }
  }

  const several = targets.length > 1
  const ledger = new RunLedger(io)
  const statuses = statusReporter(settings, services, runtime, io, several)
  const plan = runPlan(settings)
  const reportOf = (outcome: RunOutcome) => toReport(outcome, { ...settings, words })
  const start = async (target: RunTarget, stops: Stops): Promise<RunOutcome> => {
    const narrate = narrator(
      several ? labelled(io, target.projectName ?? target.projectId) : io,
      target
    )
    const outcome = await runOne({
      target,
      plan,
      session,
      stops,
      emit: (event) => {
        if (event.type === 'started') {
          // Saved at once: if the step is killed later, the workflow and the post step know it.
          ledger.open(event.run.projectId, event.run.runId)
          if (!several) {
            io.setOutput(Output.RunId, event.run.runId)
            io.setOutput(Output.RunUrl, event.run.runUrl)
          }
          statuses?.started(target, event.run, event.followed)
        }
        narrate.event(event)
      }
    })
    ledger.close(outcome)
    statuses?.finished(outcome, settings.timeoutMs)
    narrate.outcome(outcome)
    return outcome
  }

  let outcomes: RunOutcome[]
  try {
    outcomes = several
      ? await runMany(
          targets,
          {
            maxParallel: settings.maxParallel,
            failFast: settings.failFast,
            workflow: signal,
            isFailure: (outcome) => !reportOf(outcome).succeeded
          },
          start
        )
      : [await start(targets[0] as RunTarget, { workflow: signal })]
  } finally {
    // Every status gets its end, a bug's included, before the step reports.
    await statuses?.close()
  }
  return {
    reports: outcomes.map(reportOf),
    several,
    elapsedMs: runtime.now() - startedAt,
    inputParams: settings.inputParams,
    apiBase: settings.apiBase
  }
}

/** The projects to run, by ID; titles are looked up first. */
async function resolveTargets(
  settings: Settings,
  session: HexSession,
  io: ActionIO
): Promise<RunTarget[]> {
  if (settings.projectNames.length === 0)
    return settings.projectIds.map((projectId) => ({ projectId, runId: settings.runId }))
  io.info(
    `Looking up ${settings.projectNames.map((n) => `'${n}'`).join(', ')} in Hex's project list`
  )
  const ids = await findProjects(session, settings.projectNames, (page, count) =>
    io.debug(`Project list page ${page}: ${count} projects`)
  )
  return settings.projectNames.map((projectName) => {
    const projectId = ids.get(projectName) as string
    io.info(`Project '${projectName}' is ${projectId}.`)
    return { projectId, projectName, runId: settings.runId }
  })
}

function errorReport(projectId: string, message: string): RunReport {
  return {
    projectId,
    status: ActionStatus.Error,
    succeeded: false,
    inputParams: {},
    message,
    notes: []
  }
}

function single(report: RunReport): StepResult {
  return { reports: [report], several: false, elapsedMs: 0, inputParams: {} }
}

/** A step that failed before any run: the project as the inputs name it, and why. */
function failedStep(io: ActionIO, message: string): StepResult {
  const projectId = io.getInput(Input.ProjectId).trim() || io.getInput(Input.ProjectName).trim()
  return single(errorReport(projectId, message))
}

/** A bug: its message for the reader, its stack for debug only. */
function unexpected(error: unknown, io: ActionIO): string {
  if (error instanceof Error && error.stack) io.debug(error.stack)
  return `Unexpected error: ${error instanceof Error ? error.message : String(error)}`
}

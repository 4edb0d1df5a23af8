import { HexError } from '../hex/errors.ts'
import { findProjects } from '../hex/projects.ts'
import type { HexSession } from '../hex/session.ts'
import { processRuntime, type Runtime } from '../lib/runtime.ts'
import { runMany } from '../runs/run-many.ts'
import { runOne } from '../runs/run-one.ts'
import type { RunOutcome, RunTarget, Stops } from '../runs/types.ts'
import { Input, Output, State } from './constants.ts'
import { coreIO, labelled, type ActionIO } from './io.ts'
import { RunLedger } from './ledger.ts'
import { narrator } from './narrate.ts'
import { reportOutputs } from './outputs.ts'
import { hexSession, runPlan } from './plan.ts'
import { publish, writeResults } from './publish.ts'
import { ActionStatus, toReport, type RunReport } from './report.ts'
import { readSettings, readToken, type Settings } from './settings.ts'
import { renderSummary } from './summary.ts'

export { processRuntime, type Runtime } from '../lib/runtime.ts'

/**
 * The action's main step: trigger the runs (or follow one), wait for them, and report on every
 * path. `signal` aborts when the runner asks the step to stop (the workflow was cancelled).
 */
export async function run(
  io: ActionIO = coreIO,
  runtime: Runtime = processRuntime,
  signal?: AbortSignal
): Promise<void> {
  // Masked before anything else can print it.
  const token = readToken(io.getInput, runtime.env)
  if (token !== '') io.setSecret(token)
  io.saveState(State.IsPost, 'true')

  const parsed = readSettings(io.getInput, runtime.env)
  if (!parsed.ok) {
    for (const error of parsed.errors) io.fail(error, 'Invalid input')
    const report: RunReport = {
      projectId: io.getInput(Input.ProjectId).trim() || io.getInput(Input.ProjectName).trim(),
      status: ActionStatus.Error,
      succeeded: false,
      inputParams: {},
      message: `Nothing was sent to Hex: ${parsed.errors.join(' ')}`,
      notes: []
    }
    await writeResults(io, reportOutputs(report), renderSummary(report))
    return
  }

  const settings = parsed.settings
  const startedAt = runtime.now()
  const session = hexSession(settings, runtime, io, {
    deadline: startedAt + settings.timeoutMs,
    requestTimeoutMs: settings.requestTimeoutMs
  })

  let targets: RunTarget[]
  try {
    targets = await resolveTargets(settings, session.with({ signal }), io)
  } catch (error) {
    const report: RunReport = {
      projectId: settings.projectNames.join(', '),
      status: ActionStatus.Error,
      succeeded: false,
      inputParams: settings.inputParams,
      message: error instanceof HexError ? error.message : String(error),
      notes: []
    }
    await publish(io, { reports: [report], several: false, elapsedMs: 0, inputParams: {} })
    return
  }

  const several = targets.length > 1
  const ledger = new RunLedger(io)
  const plan = runPlan(settings)
  const reportOf = (outcome: RunOutcome) => toReport(outcome, settings)
  const start = async (target: RunTarget, stops: Stops): Promise<RunOutcome> => {
    const log = several ? labelled(io, target.projectName ?? target.projectId) : io
    const narrate = narrator(log, target)
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
        }
        narrate.event(event)
      }
    })
    ledger.close(outcome)
    narrate.outcome(outcome)
    return outcome
  }

  const outcomes = several
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
  await publish(io, {
    reports: outcomes.map(reportOf),
    several,
    elapsedMs: runtime.now() - startedAt,
    inputParams: settings.inputParams
  })
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

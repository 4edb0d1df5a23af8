import { optionalTitle } from '../hex/answers.ts'
import { HexError } from '../hex/errors.ts'
import { findProjects } from '../hex/projects.ts'
import type { HexSession } from '../hex/session.ts'
import type { ProjectSummary } from '../hex/types.ts'
import { unexpectedMessage } from '../lib/errors.ts'
import type { Runtime } from '../lib/runtime.ts'
import { runAttempts } from '../runs/attempts.ts'
import { stepPacing, type PacingFactory } from '../runs/pacing/index.ts'
import { runMany } from '../runs/run-many.ts'
import type { RunFacts, RunOutcome, RunTarget, Stops } from '../runs/types.ts'
import { Input } from './inputs.ts'
import { collectingWhile } from './collecting.ts'
import { labelled, type StepIO } from './io.ts'
import { narrator } from './narrate.ts'
import { hexSession, pacingOptions, runPlan } from './plan.ts'
import { ActionStatus, toReport, type RunReport } from './report.ts'
import type { StepResult } from './result.ts'
import { readSettings, type Settings } from './settings.ts'
import { RUNNER_WORDS } from './words.ts'

/**
 * Told of each run of the step as it goes. The runner's edge keeps its post-step ledger, writes
 * run-id and run-url at once and posts commit statuses through these; the command line has none.
 */
export interface RunObserver {
  /** Hex accepted the run, or the run to follow was found: from here on it can be cancelled. */
  started?: (target: RunTarget, run: RunFacts, followed: boolean) => void
  /** The run's outcome, before it is put into words. */
  finished?: (outcome: RunOutcome) => void
  /** The step is about to report: anything still under way is finished (a bug's path included). */
  close?: () => Promise<void>
}

/** What the step's runs are, once the inputs have read: for an edge to choose its observers. */
export interface StepContext {
  settings: Settings
  /** Several projects: the outputs name no single run. */
  group: boolean
}

/** What an edge adds to a step besides its inputs and log. */
export interface StepServices {
  /** The observers of this step's runs; called once, when the projects to run are known. */
  observers?: (context: StepContext) => RunObserver[]
  /**
   * Makes the step's pacing, on the step's clock: every Hex request of the step waits on it, and
   * each run's status reads follow its schedule. Default: stepPacing (runs/pacing/).
   */
  pacing?: PacingFactory
}

export interface StepOptions {
  /** Inputs and log; every line it is given is made safe by the edge. */
  io: StepIO
  runtime: Runtime
  /** Aborts when the step is asked to stop from outside (a workflow cancel, Ctrl-C). */
  signal?: AbortSignal
  services?: StepServices
}

/**
 * One step: read the inputs, trigger the runs (or follow one), wait for them, and say what became
 * of each. Never throws: whatever happens, a bug's path included, the result says so, for the
 * edge to report.
 */
export async function runStep(options: StepOptions): Promise<StepResult> {
  const { io } = options
  try {
    return await step(options)
  } catch (error) {
    return failedStep(io, unexpected(error, io))
  }
}

/** A bug: its message for the reader, its stack for debug only. */
export function unexpected(error: unknown, io: Pick<StepIO, 'debug'>): string {
  if (error instanceof Error && error.stack) io.debug(error.stack)
  return unexpectedMessage(error)
}

async function step({ io, runtime, signal, services = {} }: StepOptions): Promise<StepResult> {
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
  // One pacing for every read of the step, whatever max-parallel: Hex's limit is per user.
  const pacing = (services.pacing ?? stepPacing)(runtime, pacingOptions(settings, io))
  const session = hexSession(settings, runtime, io, {
    deadline: startedAt + settings.timeoutMs,
    requestTimeoutMs: settings.requestTimeoutMs,
    pacing
  })
  const ended = (reports: RunReport[]): StepResult => ({
    reports,
    elapsedMs: runtime.now() - startedAt,
    inputParams: settings.inputParams,
    viewId: settings.viewId,
    apiBase: settings.apiBase
  })

  let targets: RunTarget[]
  try {
    targets = await resolveTargets(settings, session.with({ signal }), io)
  } catch (error) {
    const message = error instanceof HexError ? error.message : unexpected(error, io)
    return { ...ended([errorReport(settings.projectNames.join(', '), message)]), elapsedMs: 0 }
  }

  const group = targets.length > 1
  const observers = services.observers?.({ settings, group }) ?? []
  const plan = runPlan(settings)
  const reportOf = (outcome: RunOutcome) => toReport(outcome, { ...settings, words })
  const start = async (target: RunTarget, stops: Stops): Promise<RunOutcome> => {
    const narrate = narrator(
      group ? labelled(io, target.projectTitle ?? target.projectName ?? target.projectId) : io,
      target
    )
    const outcome = await runAttempts({
      target,
      plan,
      session,
      pacing,
      stops,
      emit: (event) => {
        if (event.type === 'started')
          for (const o of observers) o.started?.(target, event.run, event.followed)
        narrate.event(event)
      }
    })
    for (const o of observers) o.finished?.(outcome)
    narrate.outcome(outcome)
    return outcome
  }

  let outcomes: RunOutcome[]
  try {
    // A long wait lets go of its reads' garbage every few minutes (step/collecting.ts).
    outcomes = await collectingWhile(runtime, async () =>
      group
        ? runMany(
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
    )
  } finally {
    // Every observer finishes (a commit status gets its end), a bug's path included.
    await Promise.all(observers.map(async (o) => o.close?.()))
  }
  return ended(outcomes.map(reportOf))
}

/** The projects to run, by ID; titles are looked up first. */
async function resolveTargets(
  settings: Settings,
  session: HexSession,
  io: StepIO
): Promise<RunTarget[]> {
  if (settings.projectNames.length === 0)
    return settings.projectIds.map((projectId) => ({ projectId, runId: settings.runId }))
  io.info(
    `Looking up ${settings.projectNames.map((n) => `'${n}'`).join(', ')} in Hex's project list`
  )
  const found = await findProjects(session, settings.projectNames, (page, count) =>
    io.debug(`Project list page ${page}: ${count} projects`)
  )
  return settings.projectNames.map((projectName) => {
    // The list gave the title as Hex spells it: no GetProject is needed for it.
    const { id: projectId, title } = found.get(projectName) as ProjectSummary
    io.info(`Project '${projectName}' is ${projectId}.`)
    return { projectId, projectName, projectTitle: optionalTitle(title), runId: settings.runId }
  })
}

function errorReport(projectId: string, message: string): RunReport {
  return { target: { projectId }, status: ActionStatus.Error, succeeded: false, message, notes: [] }
}

/** A step that failed before any run: the project as the inputs name it, and why. */
export function failedStep(io: Pick<StepIO, 'getInput'>, message: string): StepResult {
  const projectId = io.getInput(Input.ProjectId).trim() || io.getInput(Input.ProjectName).trim()
  return { reports: [errorReport(projectId, message)], elapsedMs: 0, inputParams: {} }
}

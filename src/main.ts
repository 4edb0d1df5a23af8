import { coreIO, type ActionIO } from './action-io.ts'
import { ACTION_NAME, Input, State, type OutputName } from './constants.ts'
import { HexClient } from './hex/client.ts'
import { HexError } from './hex/errors.ts'
import { RunLedger } from './ledger.ts'
import { findProjects } from './projects.ts'
import { ActionStatus, groupOutputs, reportOutputs, type RunReport } from './report.ts'
import { RunTask, type RunTarget } from './run-task.ts'
import { processRuntime, type Runtime } from './runtime.ts'
import { readSettings, readToken, type Settings } from './settings.ts'
import { renderGroupSummary, renderSummary } from './summary.ts'

export { processRuntime, type Runtime } from './runtime.ts'

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
    await publish(io, {
      projectId: io.getInput(Input.ProjectId).trim() || io.getInput(Input.ProjectName).trim(),
      status: ActionStatus.Error,
      succeeded: false,
      inputParams: {},
      message: `Nothing was sent to Hex: ${parsed.errors.join(' ')}`,
      notes: []
    })
    return
  }

  const settings = parsed.settings
  const startedAt = runtime.now()
  const deadline = startedAt + settings.timeoutMs
  const client = new HexClient({
    apiBase: settings.apiBase,
    token: settings.apiToken,
    fetch: runtime.fetch,
    now: runtime.now,
    requestTimeoutMs: settings.requestTimeoutMs,
    onDebug: io.debug
  })
  const ledger = new RunLedger(io)
  const taskFor = (target: RunTarget, only: boolean, failFast?: AbortSignal): RunTask =>
    new RunTask({
      settings,
      io: only ? io : labelled(io, target.projectName ?? target.projectId),
      runtime,
      client,
      target,
      stops: { workflow: signal, failFast },
      deadline,
      ledger,
      only
    })

  let targets: RunTarget[]
  try {
    targets = await resolveTargets(settings, client, io, runtime, deadline, signal)
  } catch (error) {
    const report: RunReport = {
      projectId: settings.projectNames.join(', '),
      status: ActionStatus.Error,
      succeeded: false,
      inputParams: settings.inputParams,
      message: error instanceof HexError ? error.message : String(error),
      notes: []
    }
    await publish(io, report)
    io.fail(failureText(report), failureTitle(report))
    return
  }

  if (targets.length === 1) {
    const report = await taskFor(targets[0] as RunTarget, true).run()
    await publish(io, report)
    if (!report.succeeded && report.message) io.fail(failureText(report), failureTitle(report))
    else if (report.message) io.warning(report.message, failureTitle(report))
    return
  }

  const reports = await runSeveral(targets, settings, taskFor, signal)
  await publishGroup(io, reports, runtime.now() - startedAt, settings)
}

/** The projects to run, by ID; titles are looked up first. */
async function resolveTargets(
  settings: Settings,
  client: HexClient,
  io: ActionIO,
  runtime: Runtime,
  deadline: number,
  signal?: AbortSignal
): Promise<RunTarget[]> {
  if (settings.projectNames.length === 0)
    return settings.projectIds.map((projectId) => ({ projectId, runId: settings.runId }))
  io.info(
    `Looking up ${settings.projectNames.map((n) => `'${n}'`).join(', ')} in Hex's project list`
  )
  const ids = await findProjects(client, settings.projectNames, {
    deadline,
    now: runtime.now,
    sleep: runtime.sleep,
    random: runtime.random,
    signal,
    onPage: (page, count) => io.debug(`Project list page ${page}: ${count} projects`)
  })
  return settings.projectNames.map((projectName) => {
    const projectId = ids.get(projectName) as string
    io.info(`Project '${projectName}' is ${projectId}.`)
    return { projectId, projectName, runId: settings.runId }
  })
}

/**
 * Several projects: at most max-parallel runs go at once, the next starting as one ends. With
 * fail-fast, the first failure stops the rest: runs going are cancelled, runs waiting never start.
 */
async function runSeveral(
  targets: RunTarget[],
  settings: Settings,
  taskFor: (target: RunTarget, only: boolean, failFast?: AbortSignal) => RunTask,
  signal?: AbortSignal
): Promise<RunReport[]> {
  const failFast = new AbortController()
  const reports: RunReport[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const i = next++
      const task = taskFor(
        targets[i] as RunTarget,
        false,
        settings.failFast ? failFast.signal : undefined
      )
      if (signal?.aborted || failFast.signal.aborted) {
        reports[i] = task.notStarted()
        continue
      }
      const report = await task.run()
      reports[i] = report
      if (!report.succeeded && settings.failFast && !report.stoppedByFailFast) failFast.abort()
    }
  }
  await Promise.all(Array.from({ length: Math.min(settings.maxParallel, targets.length) }, worker))
  return reports
}

/** Each line a run logs starts with its project, so interleaved runs stay readable. */
function labelled(io: ActionIO, label: string): ActionIO {
  const tag = (message: string) => `[${label}] ${message}`
  return {
    ...io,
    info: (m) => io.info(tag(m)),
    debug: (m) => io.debug(tag(m)),
    warning: (m, title) => io.warning(tag(m), title),
    fail: (m, title) => io.fail(tag(m), title),
    group: (name, lines) => io.group(tag(name), lines)
  }
}

function failureTitle(report: RunReport): string {
  return report.runId ? `Hex run ${report.status}` : `${ACTION_NAME} failed`
}

function failureText(report: RunReport): string {
  const link = report.runUrl && !report.message?.includes(report.runUrl) ? ` ${report.runUrl}` : ''
  return `${report.message ?? ''}${link}`
}

/** Outputs and summary, on every path. A summary that cannot be written never hides the result. */
export async function publish(io: ActionIO, report: RunReport): Promise<void> {
  for (const [name, value] of Object.entries(reportOutputs(report)))
    io.setOutput(name as OutputName, value)
  await writeSummary(io, renderSummary(report))
}

async function publishGroup(
  io: ActionIO,
  reports: RunReport[],
  elapsedMs: number,
  settings: Settings
): Promise<void> {
  for (const [name, value] of Object.entries(groupOutputs(reports, elapsedMs)))
    io.setOutput(name as OutputName, value)
  await writeSummary(io, renderGroupSummary(reports, settings.inputParams))
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

async function writeSummary(io: ActionIO, markdown: string): Promise<void> {
  try {
    await io.writeSummary(markdown)
  } catch (error) {
    io.warning(
      `Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`
    )
  }
}

import { randomUUID } from 'node:crypto'
import type { RequestContext } from './context.ts'
import { codeError, json, reasonError } from './replies.ts'
import type { Reply } from './replies.ts'
import { Run } from './runs.ts'
import { nextLifecycle } from './projects.ts'
import { stateEvents } from './state-events.ts'
import type { HexState } from './state.ts'
import { checkInputParams, validateRunBody } from './validate.ts'
import type { NotificationRequest } from './validate.ts'

const STATUSES = [
  'PENDING',
  'RUNNING',
  'ERRORED',
  'COMPLETED',
  'KILLED',
  'UNABLE_TO_ALLOCATE_KERNEL'
]
const RUN_TRIGGERS = ['SCHEDULED', 'API', 'APP_REFRESH', 'ALL']

function projectNotFound(id: string): Reply {
  return codeError(404, 'NOT_FOUND', `Project not found: ${id}`)
}

function runNotFound(id: string): Reply {
  return codeError(404, 'NOT_FOUND', `Run not found: ${id}`)
}

/** One recipient entry per id named in the request, as the run answers list them. */
function notificationRecipients(notifications: NotificationRequest[]): unknown[] {
  return notifications.flatMap((n) => {
    const lists: Array<[string, string[] | undefined]> = [
      ['USER', n.userIds],
      ['GROUP', n.groupIds],
      ['SLACK_CHANNEL', n.slackChannelIds]
    ]
    return lists.flatMap(([recipientType, ids]) =>
      (ids ?? []).map((id) => ({
        type: n.type,
        recipientType,
        includeSuccessScreenshot: n.includeSuccessScreenshot,
        recipient: { id, name: id }
      }))
    )
  })
}

/** ProjectRun, the shape of GetRunStatus and of each GetProjectRuns entry. */
export function projectRun(state: HexState, run: Run, t: number, traceId: string): object {
  const startedAt = run.startedAt(t)
  const terminalAt = run.terminalAt(t)
  const elapsed = startedAt === undefined ? null : Math.round((terminalAt ?? t) - startedAt)
  return {
    projectId: run.projectId,
    projectVersion: state.legacyShapes ? run.projectVersion : String(run.projectVersion),
    runId: run.id,
    runUrl: state.runUrl(run),
    status: state.reportedStatus(run, t),
    runTrigger: run.trigger,
    startTime: startedAt === undefined ? null : new Date(startedAt).toISOString(),
    endTime: terminalAt === undefined ? null : new Date(terminalAt).toISOString(),
    elapsedTime: state.legacyShapes ? null : elapsed,
    traceId,
    ...(run.notifications === undefined ? {} : { notifications: run.notifications })
  }
}

/** RunProject at the limit of running kernels: Hex's SERVICE_UNAVAILABLE error; no run is created. */
function kernelsFull(limit: number): Reply {
  return codeError(
    503,
    'SERVICE_UNAVAILABLE',
    `You have reached the limit of running kernels (${limit}); ` +
      'wait for a run to finish and try again'
  )
}

export function runProject(state: HexState, ctx: RequestContext): Reply {
  const projectId = ctx.params.projectId ?? ''
  const project = state.projects.get(projectId)
  if (project === undefined) return projectNotFound(projectId)
  if (ctx.body.kind === 'text') {
    return codeError(400, 'BAD_REQUEST', 'Invalid input data', ['Request body is not valid JSON'])
  }
  const validated = validateRunBody(ctx.body.kind === 'json' ? ctx.body.value : undefined)
  if (!validated.ok) return codeError(400, 'BAD_REQUEST', 'Invalid input data', validated.issues)
  const body = validated.value
  const inputParams = body.inputParams ?? {}
  if (body.viewId !== undefined && Object.keys(inputParams).length > 0) {
    const message = 'viewId and inputParams cannot be combined'
    return codeError(400, 'BAD_REQUEST', message, [message])
  }
  if (!project.published) {
    const message = 'Cannot run this project: the project has not been published'
    return codeError(422, 'UNPROCESSABLE_CONTENT', message, [message])
  }
  const paramErrors = checkInputParams(project.params, inputParams)
  if (paramErrors !== undefined) {
    // Hex's current description documents the {code, message, issues} shape for this 422; the
    // {traceId, invalid, notFound} list is what its 2023 and mid-2025 descriptions gave.
    if (state.legacyShapes) return json(422, { traceId: ctx.traceId, ...paramErrors })
    return codeError(422, 'UNPROCESSABLE_CONTENT', 'Invalid input parameters', [
      ...paramErrors.notFound.map((name) => `Input parameter "${name}" is not in the project`),
      ...paramErrors.invalid.map(
        (p) => `Input parameter "${p.paramName}" expects a ${p.dataType}, got ${p.paramValue}`
      )
    ])
  }
  // A dry run validates without starting a kernel (Hex: "Validate the request without starting a
  // run"). What Hex answers for one is undocumented; the fake answers 201 with a run that is
  // COMPLETED from the start, so a client that polls it finishes at once. It takes no kernel.
  const dryRun = body.dryRun === true
  if (!dryRun && state.runningKernels(ctx.t) >= state.maxRunningKernels)
    return kernelsFull(state.maxRunningKernels)
  // The limits mode: Hex's 25 running kernels are per user, here per token.
  const perToken = state.limits?.kernelsPerToken
  if (!dryRun && perToken !== undefined && state.runningKernels(ctx.t, ctx.token) >= perToken)
    return kernelsFull(perToken)
  const notifications =
    body.notifications === undefined ? undefined : notificationRecipients(body.notifications)
  const run = new Run({
    id: randomUUID(),
    projectId,
    projectVersion: project.version,
    lifecycle: dryRun
      ? [{ status: 'COMPLETED' }]
      : nextLifecycle(
          project,
          state.runs.filter((r) => r.projectId === projectId && !r.past && !r.dryRun).length
        ),
    createdAt: ctx.t,
    dryRun,
    body: ctx.body.kind === 'json' ? ctx.body.value : undefined,
    token: ctx.token,
    ...(notifications === undefined ? {} : { notifications })
  })
  state.runs.push(run)
  return json(201, {
    projectId,
    runId: run.id,
    runUrl: state.runUrl(run),
    runStatusUrl: state.runStatusUrl(run),
    traceId: ctx.traceId,
    projectVersion: project.version,
    ...(notifications === undefined ? {} : { notifications })
  })
}

export function getRunStatus(state: HexState, ctx: RequestContext): Reply {
  const { projectId = '', runId = '' } = ctx.params
  if (!state.projects.has(projectId)) return projectNotFound(projectId)
  const run = state.findRun(projectId, runId)
  if (run === undefined) return runNotFound(runId)
  const answer = projectRun(state, run, ctx.t, ctx.traceId)
  // Only when asked, as Hex documents: `enable-expanded-stats: true`.
  const events = ctx.expandedStats ? stateEvents(run, ctx.t, state.stateEvents) : undefined
  return json(200, events === undefined ? answer : { ...answer, stateEvents: events })
}

export function cancelRun(state: HexState, ctx: RequestContext): Reply {
  const { projectId = '', runId = '' } = ctx.params
  if (!state.projects.has(projectId)) return projectNotFound(projectId)
  const run = state.findRun(projectId, runId)
  if (run === undefined) return runNotFound(runId)
  if (!run.cancel(ctx.t)) {
    return reasonError(
      422,
      `Run ${runId} has already finished and cannot be cancelled`,
      ctx.traceId
    )
  }
  return { status: 204 }
}

function intParam(
  query: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number
) {
  const raw = query.get(name)
  if (raw === null) return fallback
  const value = Number(raw)
  return /^\d+$/.test(raw) && value >= min && value <= max ? value : undefined
}

export function getProjectRuns(state: HexState, ctx: RequestContext): Reply {
  const projectId = ctx.params.projectId ?? ''
  if (!state.projects.has(projectId)) return projectNotFound(projectId)
  const limit = intParam(ctx.query, 'limit', 25, 1, 100)
  const offset = intParam(ctx.query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER)
  const statusFilter = ctx.query.get('statusFilter')
  const triggerFilter = ctx.query.get('runTriggerFilter')
  const issues = [
    limit === undefined ? 'limit: expected an integer from 1 to 100' : '',
    offset === undefined ? 'offset: expected an integer >= 0' : '',
    statusFilter !== null && !STATUSES.includes(statusFilter)
      ? `statusFilter: expected one of ${STATUSES.join(', ')}`
      : '',
    triggerFilter !== null && !RUN_TRIGGERS.includes(triggerFilter)
      ? `runTriggerFilter: expected one of ${RUN_TRIGGERS.join(', ')}`
      : ''
  ].filter((issue) => issue !== '')
  if (limit === undefined || offset === undefined || issues.length > 0) {
    return codeError(400, 'BAD_REQUEST', 'Invalid input data', issues)
  }
  const triggerMatches = (run: Run): boolean =>
    triggerFilter === null || triggerFilter === 'ALL' || triggerFilter === run.trigger
  const matching = state.runs
    .filter((run) => run.projectId === projectId && triggerMatches(run))
    .filter((run) => statusFilter === null || state.reportedStatus(run, ctx.t) === statusFilter)
    .reverse()
  const page = matching.slice(offset, offset + limit)
  const link = (at: number): string => {
    const query = new URLSearchParams(ctx.query)
    query.set('limit', String(limit))
    query.set('offset', String(at))
    return `${state.apiBase}/projects/${projectId}/runs?${query.toString()}`
  }
  return json(200, {
    runs: page.map((run) => projectRun(state, run, ctx.t, ctx.traceId)),
    nextPage: offset + limit < matching.length ? link(offset + limit) : null,
    previousPage: offset > 0 ? link(Math.max(0, offset - limit)) : null,
    traceId: ctx.traceId
  })
}

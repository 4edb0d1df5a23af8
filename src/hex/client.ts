import {
  asObject,
  optionalString,
  optionalTitle,
  optionalVersion,
  parseJson,
  readRunState,
  requireId,
  requireString,
  sameId
} from './answers.ts'
import { HexResponseError, type Operation, type RequestContext } from './errors.ts'
import { HexHttp, type CallOptions, type HexCall, type HttpOptions } from './http.ts'
import {
  projectPath,
  projectsPath,
  runPath,
  runsListPath,
  runsPath,
  runStatusUrl
} from './paths.ts'
import type {
  ProjectInfo,
  ProjectsPage,
  RunProjectRequest,
  RunsQuery,
  RunState,
  TriggeredRun
} from './types.ts'

/**
 * Asks GetRunStatus for the run's state events too (Hex's description: "Include state events and
 * the run's flag configuration override"): when the run waited for a kernel, and how long it ran.
 */
export const EXPANDED_STATS = { 'enable-expanded-stats': 'true' } as const

export type HexClientOptions = HttpOptions

/**
 * The Hex API calls the action makes, one request each (hex/http.ts), their answers read and
 * checked (hex/answers.ts). It never imports @actions/core: what it has to say goes through
 * onDebug or a typed error whose message tells the user what to do.
 */
export class HexClient {
  private readonly http: HexHttp

  constructor(options: HexClientOptions) {
    this.http = new HexHttp(options)
  }

  /** `POST /projects/{projectId}/runs` (RunProject). */
  async runProject(
    projectId: string,
    request: RunProjectRequest,
    options: CallOptions = {}
  ): Promise<TriggeredRun> {
    const context = this.context('trigger', projectId)
    const o = await this.json(context, 'POST', runsPath(projectId), options, request)
    const runId = requireId(o, 'runId', context)
    sameId(o, 'projectId', projectId, 'project', context)
    return {
      projectId,
      runId,
      runUrl: requireString(o, 'runUrl', context),
      runStatusUrl:
        optionalString(o.runStatusUrl) ?? runStatusUrl(this.http.apiBase, projectId, runId),
      traceId: optionalString(o.traceId),
      projectVersion: optionalVersion(o.projectVersion)
    }
  }

  /** `GET /projects/{projectId}/runs/{runId}` (GetRunStatus), with its state events. */
  async getRun(projectId: string, runId: string, options: CallOptions = {}): Promise<RunState> {
    const context = this.context('status', projectId, runId)
    const path = runPath(projectId, runId)
    const o = await this.json(context, 'GET', path, { ...options, headers: EXPANDED_STATS })
    return readRunState(o, projectId, runId, context)
  }

  /** `GET /projects/{projectId}` (GetProject): the project's title, for a reader. */
  async getProject(projectId: string, options: CallOptions = {}): Promise<ProjectInfo> {
    const context = this.context('project', projectId)
    const o = await this.json(context, 'GET', projectPath(projectId), options)
    sameId(o, 'id', projectId, 'project', context)
    return { id: projectId, title: optionalTitle(o.title) }
  }

  /**
   * `GET /projects/{projectId}/runs` (GetProjectRuns), newest first: API-triggered runs only, to
   * find a run whose trigger answer was lost.
   */
  listApiRuns(projectId: string, limit: number, options: CallOptions = {}): Promise<RunState[]> {
    return this.listRuns(projectId, { limit, trigger: 'API' }, options)
  }

  /** `GET /projects/{projectId}/runs` (GetProjectRuns): the runs `query` asks for, newest first. */
  async listRuns(
    projectId: string,
    query: RunsQuery,
    options: CallOptions = {}
  ): Promise<RunState[]> {
    const context = this.context('list', projectId)
    const { runs } = await this.json(context, 'GET', runsListPath(projectId, query), options)
    if (!Array.isArray(runs)) throw new HexResponseError(context, 'the field runs is missing')
    return runs.map((run) => {
      const o = asObject(run, context)
      return readRunState(o, projectId, requireId(o, 'runId', context), context)
    })
  }

  /**
   * `GET /projects` (ListProjects), one page: the projects the token's user can see, and the
   * cursor of the next page (undefined on the last).
   */
  async listProjects(
    name: string,
    after: string | undefined,
    options: CallOptions = {}
  ): Promise<ProjectsPage> {
    const context: RequestContext = {
      operation: 'find',
      projectId: `'${name}'`,
      host: this.http.host
    }
    const o = await this.json(context, 'GET', projectsPath(after), options)
    if (!Array.isArray(o.values)) throw new HexResponseError(context, 'the field values is missing')
    const projects = o.values.map((value) => {
      const p = asObject(value, context)
      return { id: requireId(p, 'id', context), title: optionalString(p.title) ?? '' }
    })
    const pagination = typeof o.pagination === 'object' && o.pagination !== null ? o.pagination : {}
    return { projects, after: optionalString((pagination as { after?: unknown }).after) }
  }

  /** `DELETE /projects/{projectId}/runs/{runId}` (CancelRun); Hex answers 204 with no body. */
  async cancelRun(projectId: string, runId: string, options: CallOptions = {}): Promise<void> {
    const context = this.context('cancel', projectId, runId)
    await this.http.request({
      context,
      method: 'DELETE',
      path: runPath(projectId, runId),
      ...options
    })
  }

  private context(operation: Operation, projectId: string, runId?: string): RequestContext {
    return { operation, projectId, runId, host: this.http.host }
  }

  /** A request whose answer is a JSON object. */
  private async json(
    context: RequestContext,
    method: 'GET' | 'POST',
    path: string,
    options: CallOptions & Pick<HexCall, 'headers'>,
    body?: unknown
  ): Promise<Record<string, unknown>> {
    const text = await this.http.request({ context, method, path, body, ...options })
    return asObject(parseJson(text, context), context)
  }
}

/**
 * Where each Hex endpoint is: the request paths under the API base, and a run's status URL. Only
 * UUIDs go into a path, whoever gave them (an input, or Hex itself).
 */
import { isUuid } from '../lib/ids.ts'
import { quote } from './answers.ts'
import type { RunsQuery } from './types.ts'

/** Hex's largest page (PageSize): fewer requests to find a project by name. */
export const PROJECTS_PAGE_SIZE = 100

/** Refuses what is not a UUID: nothing else goes into a request path (defence in depth). */
export function pathId(id: string, what: 'project' | 'run'): string {
  if (!isUuid(id)) throw new TypeError(`A ${what} ID must be a UUID, got ${quote(id)}`)
  return id
}

/** `/projects/{projectId}`: GetProject. */
export function projectPath(projectId: string): string {
  return `/projects/${pathId(projectId, 'project')}`
}

/** `/projects/{projectId}/runs`: RunProject (POST) and GetProjectRuns (GET). */
export function runsPath(projectId: string): string {
  return `${projectPath(projectId)}/runs`
}

/** `/projects/{projectId}/runs/{runId}`: GetRunStatus (GET) and CancelRun (DELETE). */
export function runPath(projectId: string, runId: string): string {
  return `${runsPath(projectId)}/${pathId(runId, 'run')}`
}

/** GetProjectRuns with the query's limit and filters. */
export function runsListPath(projectId: string, query: RunsQuery): string {
  const params = new URLSearchParams({ limit: String(query.limit) })
  if (query.trigger !== undefined) params.set('runTriggerFilter', query.trigger)
  if (query.status !== undefined) params.set('statusFilter', query.status)
  return `${runsPath(projectId)}?${params.toString()}`
}

/** ListProjects, one page of PROJECTS_PAGE_SIZE, after the cursor `after` (none: the first). */
export function projectsPath(after: string | undefined): string {
  const query = new URLSearchParams({ limit: String(PROJECTS_PAGE_SIZE) })
  if (after !== undefined) query.set('after', after)
  return `/projects?${query.toString()}`
}

/**
 * A run's status URL (GetRunStatus) under `apiBase`: the one Hex gives with a trigger, made the
 * same way where Hex gave none, or the run was found or given rather than started.
 */
export function runStatusUrl(apiBase: string, projectId: string, runId: string): string {
  return `${apiBase}${runPath(projectId, runId)}`
}

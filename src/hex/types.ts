/** Run statuses as Hex reports them (the same six in every published version of the API). */
export const RUN_STATUSES = [
  'PENDING',
  'RUNNING',
  'COMPLETED',
  'ERRORED',
  'KILLED',
  'UNABLE_TO_ALLOCATE_KERNEL'
] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

export const TERMINAL_STATUSES: readonly RunStatus[] = [
  'COMPLETED',
  'ERRORED',
  'KILLED',
  'UNABLE_TO_ALLOCATE_KERNEL'
]

export function isKnownStatus(status: string): status is RunStatus {
  return (RUN_STATUSES as readonly string[]).includes(status)
}

export function isTerminalStatus(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status)
}

/** Body of `POST /v1/projects/{projectId}/runs` (RunProjectRequestBody). */
export interface RunProjectRequest {
  inputParams?: Record<string, unknown>
  updatePublishedResults?: boolean
  useCachedSqlResults?: boolean
  dryRun?: boolean
  viewId?: string
  notifications?: unknown[]
}

/** What the trigger returned, normalised. */
export interface TriggeredRun {
  projectId: string
  runId: string
  runUrl: string
  runStatusUrl: string
  traceId?: string
  /** Hex sends a number here and a string in the status answer; kept as a string. */
  projectVersion?: string
}

/**
 * A run's state, normalised from GetRunStatus. `status` stays a string: Hex may add statuses, and
 * the poller decides what an unknown one means.
 */
export interface RunState {
  projectId: string
  runId: string
  status: string
  runUrl?: string
  projectVersion?: string
  startTime?: string
  endTime?: string
  /** Run time in milliseconds, as Hex counts it; older API versions send null. */
  elapsedMs?: number
  traceId?: string
  /** How the run was started: API, SCHEDULED (Hex's scheduler), APP_REFRESH (the app); as Hex says. */
  runTrigger?: string
  /**
   * The run's changes of status, from the `stateEvents` Hex adds when asked (GetRunStatus with
   * `enable-expanded-stats: true`): only the events whose value is a run status and whose time
   * parses, in the order Hex gave them. Undefined when Hex gave no list.
   */
  statusEvents?: StatusEvent[]
}

/** One change of a run's status, as a state event tells it. */
export interface StatusEvent {
  status: RunStatus
  /** When, ms since the epoch. */
  at: number
}

/** A project as GetProject describes it, reduced to what the action shows. */
export interface ProjectInfo {
  id: string
  /** Undefined when Hex gave none (or an empty one). */
  title?: string
}

/** Which of a project's runs GetProjectRuns lists, newest first. */
export interface RunsQuery {
  limit: number
  /** Only runs started this way (runTriggerFilter); ALL: every way, whatever Hex's default. */
  trigger?: 'API' | 'ALL'
  /** Only runs with this status (statusFilter): one status a read. */
  status?: 'COMPLETED' | 'PENDING' | 'RUNNING'
}

/** A project as ListProjects lists it, reduced to what finding one by name needs. */
export interface ProjectSummary {
  id: string
  title: string
}

/** One page of ListProjects: its projects, and the cursor of the next page (none on the last). */
export interface ProjectsPage {
  projects: ProjectSummary[]
  after?: string
}

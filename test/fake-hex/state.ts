import { randomUUID } from 'node:crypto'
import { now as realNow } from './clock.ts'
import { DEFAULT_PROJECT_ID, toRecord } from './projects.ts'
import type { ProjectRecord } from './projects.ts'
import { Limits } from './limits.ts'
import { RateLimiter } from './rate-limit.ts'
import { isTerminal, Run } from './runs.ts'
import type {
  ElsewhereRun,
  FakeHexOptions,
  FakeProject,
  StateEventsMode,
  StatusOverride,
  TokenScope
} from './types.ts'

export const DEFAULT_TOKENS: Readonly<Record<string, TokenScope>> = {
  hxtw_test_run_token: 'run',
  hxtw_test_read_token: 'read'
}

/** Hex's documented limit of concurrently running kernels per user. */
export const DEFAULT_MAX_RUNNING_KERNELS = 25

/** The newest run of a project's history ended this long before the project was added; each earlier one this long before the next. */
const PAST_RUN_SPACING_MS = 60 * 60 * 1000

/** Everything the routes read and change: settings, projects and runs. */
export class HexState {
  readonly tokens: Readonly<Record<string, TokenScope>>
  readonly unauthorizedStyle: 'text' | 'json'
  readonly legacyShapes: boolean
  readonly maxRunningKernels: number
  readonly workspace: string
  readonly orgId = randomUUID()
  /** The server's clock: run phases, request times and creation times all read it. */
  readonly now: () => number
  statusOverride: StatusOverride | undefined
  stateEvents: StateEventsMode
  readonly rateLimiter: RateLimiter | undefined
  /** The limits mode: per-token reads, triggers and kernels; undefined when off. */
  readonly limits: Limits | undefined
  origin = ''
  readonly projects = new Map<string, ProjectRecord>()
  readonly runs: Run[] = []

  constructor(options: FakeHexOptions) {
    this.tokens = { ...(options.tokens ?? DEFAULT_TOKENS) }
    this.unauthorizedStyle = options.unauthorizedStyle ?? 'text'
    this.legacyShapes = options.legacyShapes ?? false
    // The limits mode counts kernels per token; a server-wide cap is then only one asked for.
    this.maxRunningKernels =
      options.maxRunningKernels ??
      (options.limits === undefined ? DEFAULT_MAX_RUNNING_KERNELS : Infinity)
    this.workspace = options.workspace ?? 'acme'
    this.statusOverride = options.statusOverride
    this.stateEvents = options.stateEvents ?? 'normal'
    if (options.now !== undefined && options.clock !== undefined)
      throw new Error('fake-hex: give now or clock, not both')
    this.now = options.clock?.now ?? options.now ?? realNow
    if (options.rateLimit !== undefined && options.limits !== undefined)
      throw new Error('fake-hex: give rateLimit or limits, not both')
    this.rateLimiter = options.rateLimit && new RateLimiter(options.rateLimit)
    this.limits = options.limits && new Limits(options.limits)
    const projects = options.projects ?? [{ id: DEFAULT_PROJECT_ID, title: 'Demo project' }]
    for (const project of projects) this.addProject(project)
  }

  get apiBase(): string {
    return `${this.origin}/api/v1`
  }

  /**
   * Adds a project, or replaces one with the same id (keeping its place in listings); its history,
   * if it has one, becomes its earlier runs, in place of any it had.
   */
  addProject(project: FakeProject): void {
    const existing = this.projects.get(project.id)
    const record = toRecord(project, existing?.createdAt ?? this.now())
    if (existing !== undefined) record.seq = existing.seq
    this.projects.set(project.id, record)
    const history = project.history
    if (history === undefined) return
    const others = this.runs.filter((run) => !(run.past && run.projectId === project.id))
    const past = history.map((entry, i) => {
      const endedAt = this.now() - (history.length - i) * PAST_RUN_SPACING_MS
      return new Run({
        id: randomUUID(),
        projectId: project.id,
        projectVersion: record.version,
        lifecycle: [{ status: 'RUNNING', ms: entry.ms }, { status: entry.status ?? 'COMPLETED' }],
        createdAt: endedAt - entry.ms,
        dryRun: false,
        body: undefined,
        trigger: entry.trigger ?? 'API',
        past: true
      })
    })
    // Oldest first, as if they had been started one after another before the others.
    this.runs.splice(0, this.runs.length, ...past, ...others)
  }

  /** A run started outside any request (ElsewhereRun), listed and read as any other. */
  startElsewhere(projectId: string, spec: ElsewhereRun): Run {
    const project = this.projects.get(projectId)
    if (project === undefined) throw new Error(`fake-hex: no project ${projectId}`)
    const run = new Run({
      id: randomUUID(),
      projectId,
      projectVersion: project.version,
      lifecycle: spec.lifecycle ?? project.lifecycle,
      createdAt: this.now() - (spec.agoMs ?? 0),
      dryRun: false,
      body: undefined,
      trigger: spec.trigger ?? 'SCHEDULED'
    })
    this.runs.push(run)
    return run
  }

  /** Runs not yet ended at `t`: all of them, or those `token` started. */
  runningKernels(t: number, token?: string): number {
    return this.runs.filter(
      (run) => (token === undefined || run.token === token) && !isTerminal(run.statusAt(t))
    ).length
  }

  findRun(projectId: string, runId: string): Run | undefined {
    return this.runs.find((run) => run.id === runId && run.projectId === projectId)
  }

  /** The status a client is told: the lifecycle's, unless the override says otherwise. */
  reportedStatus(run: Run, t: number): string {
    return this.statusOverride?.(run.snapshot(t)) ?? run.statusAt(t)
  }

  runUrl(run: Run): string {
    // Made up: the fake has no UI. It points at the fake itself, never at a real Hex host.
    return `${this.origin}/${this.workspace}/app/${run.projectId}/runs/${run.id}`
  }

  runStatusUrl(run: Run): string {
    return `${this.apiBase}/projects/${run.projectId}/runs/${run.id}`
  }
}

import { DEFAULT_LIFECYCLE, toPhases } from './runs.ts'
import type { FakeProject, LifecycleStep, ParamType } from './types.ts'

export const DEFAULT_PROJECT_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'

export interface ProjectRecord {
  id: string
  title: string
  description: string | null
  published: boolean
  version: number
  params: Record<string, ParamType> | undefined
  lifecycle: readonly LifecycleStep[]
  unallocated: { runs: number; pendingMs: number }
  createdAt: number
  /** Creation order; ListProjects sorts on it and its cursors name it. */
  seq: number
}

let nextSeq = 1

export function toRecord(project: FakeProject, createdAt: number): ProjectRecord {
  const lifecycle = project.lifecycle ?? DEFAULT_LIFECYCLE
  toPhases(lifecycle) // fail at setup, not at the first run, on a lifecycle that cannot be followed
  return {
    id: project.id,
    title: project.title ?? `Project ${project.id.slice(0, 8)}`,
    description: project.description ?? null,
    published: project.published ?? true,
    version: project.version ?? 1,
    params: project.params,
    lifecycle: structuredClone(lifecycle),
    unallocated: { runs: 0, pendingMs: 50, ...project.unallocated },
    createdAt,
    seq: nextSeq++
  }
}

/** A project as ListProjects and GetProject describe it; fields the fake has no data for are empty. */
export function projectResource(p: ProjectRecord): Record<string, unknown> {
  const created = new Date(p.createdAt).toISOString()
  return {
    id: p.id,
    title: p.title,
    description: p.description,
    type: 'PROJECT',
    creator: { email: 'owner@example.com' },
    owner: { email: 'owner@example.com' },
    status: null,
    categories: [],
    reviews: { required: false },
    analytics: {
      publishedResultsUpdatedAt: null,
      lastViewedAt: null,
      appViews: { lastThirtyDays: 0, lastFourteenDays: 0, lastSevenDays: 0, allTime: 0 }
    },
    lastEditedAt: created,
    lastPublishedAt: p.published ? created : null,
    createdAt: created,
    archivedAt: null,
    trashedAt: null,
    schedules: []
  }
}

export function encodeCursor(p: ProjectRecord): string {
  return Buffer.from(`project:${p.seq}`).toString('base64url')
}

function decodeCursor(cursor: string): number | undefined {
  const match = /^project:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString())
  return match?.[1] === undefined ? undefined : Number(match[1])
}

export interface ProjectPage {
  values: ProjectRecord[]
  after: string | null
  before: string | null
}

/**
 * Cursor pagination over projects, newest first: `after` names the last item of the page before,
 * `before` the first item of the page after. Returns an error message for a cursor it did not issue.
 */
export function pageProjects(
  all: readonly ProjectRecord[],
  limit: number,
  after: string | undefined,
  before: string | undefined
): ProjectPage | string {
  const sorted = [...all].sort((a, b) => b.seq - a.seq)
  let start = 0
  let end: number
  if (after !== undefined) {
    const seq = decodeCursor(after)
    const index = sorted.findIndex((p) => p.seq === seq)
    if (index < 0) return `Invalid cursor: ${after}`
    start = index + 1
    end = Math.min(sorted.length, start + limit)
  } else if (before !== undefined) {
    const seq = decodeCursor(before)
    const index = sorted.findIndex((p) => p.seq === seq)
    if (index < 0) return `Invalid cursor: ${before}`
    end = index
    start = Math.max(0, end - limit)
  } else {
    end = Math.min(sorted.length, limit)
  }
  const values = sorted.slice(start, end)
  const first = values[0]
  const last = values[values.length - 1]
  return {
    values,
    after: last !== undefined && end < sorted.length ? encodeCursor(last) : null,
    before: first !== undefined && start > 0 ? encodeCursor(first) : null
  }
}

/** The lifecycle of the project's next run, given how many it has had (FakeProject.unallocated). */
export function nextLifecycle(p: ProjectRecord, started: number): readonly LifecycleStep[] {
  if (started >= p.unallocated.runs) return p.lifecycle
  return [
    { status: 'PENDING', ms: p.unallocated.pendingMs },
    { status: 'UNABLE_TO_ALLOCATE_KERNEL' }
  ]
}

import type { FakeRun, LifecycleStep, RunTrigger } from './types.ts'

export const TERMINAL_STATUSES: readonly string[] = [
  'COMPLETED',
  'ERRORED',
  'KILLED',
  'UNABLE_TO_ALLOCATE_KERNEL'
]

export function isTerminal(status: string): boolean {
  return TERMINAL_STATUSES.includes(status)
}

export const DEFAULT_LIFECYCLE: readonly LifecycleStep[] = [
  { status: 'PENDING', ms: 50 },
  { status: 'RUNNING', ms: 150 },
  { status: 'COMPLETED' }
]

/** A phase of a run, as an offset in ms from the trigger. */
interface Phase {
  status: string
  from: number
}

/**
 * Turns a lifecycle into phases. A terminal status is final even if steps follow it: a real run
 * never leaves one.
 */
export function toPhases(lifecycle: readonly LifecycleStep[]): Phase[] {
  if (lifecycle.length === 0) throw new Error('fake-hex: a lifecycle needs at least one step')
  const phases: Phase[] = []
  let from = 0
  for (const [index, step] of lifecycle.entries()) {
    phases.push({ status: step.status, from })
    if (isTerminal(step.status) || index === lifecycle.length - 1) break
    if (step.ms === undefined || !Number.isFinite(step.ms) || step.ms < 0) {
      throw new Error(`fake-hex: lifecycle step ${index} (${step.status}) needs a duration in ms`)
    }
    from += step.ms
  }
  return phases
}

export interface RunInit {
  id: string
  projectId: string
  projectVersion: number
  lifecycle: readonly LifecycleStep[]
  createdAt: number
  dryRun: boolean
  body: unknown
  notifications?: unknown[]
  /** Default API. */
  trigger?: RunTrigger
  /** Seeded as the project's history. */
  past?: boolean
  /** The token that started it; none for a run of the history. */
  token?: string
}

/** A run's state; its status is a function of time, so nothing needs to tick. */
export class Run {
  readonly id: string
  readonly projectId: string
  readonly projectVersion: number
  readonly createdAt: number
  readonly dryRun: boolean
  readonly body: unknown
  readonly notifications: unknown[] | undefined
  readonly trigger: RunTrigger
  readonly past: boolean
  readonly token: string | undefined
  readonly #phases: Phase[]
  #cancelledAt: number | undefined

  constructor(init: RunInit) {
    this.id = init.id
    this.projectId = init.projectId
    this.projectVersion = init.projectVersion
    this.createdAt = init.createdAt
    this.dryRun = init.dryRun
    this.body = init.body
    this.notifications = init.notifications
    this.trigger = init.trigger ?? 'API'
    this.past = init.past ?? false
    this.token = init.token
    this.#phases = toPhases(init.lifecycle)
  }

  statusAt(t: number): string {
    if (this.#cancelledAt !== undefined && t >= this.#cancelledAt) return 'KILLED'
    const elapsed = t - this.createdAt
    let status = this.#phases[0]?.status ?? 'PENDING'
    for (const phase of this.#phases) if (phase.from <= elapsed) status = phase.status
    return status
  }

  /** When the run leaves PENDING, if it has by `t`. */
  startedAt(t: number): number | undefined {
    const phase = this.#phases.find((p) => p.status !== 'PENDING')
    if (phase === undefined) return undefined
    const at = this.createdAt + phase.from
    const end = this.terminalAt(t)
    if (at > t || (end !== undefined && at > end)) return undefined
    return at
  }

  /** When the run became terminal, if it has by `t`. */
  terminalAt(t: number): number | undefined {
    if (this.#cancelledAt !== undefined && this.#cancelledAt <= t) return this.#cancelledAt
    const last = this.#phases[this.#phases.length - 1]
    if (last === undefined || !isTerminal(last.status)) return undefined
    const at = this.createdAt + last.from
    return at <= t ? at : undefined
  }

  /** Each change of status by `t`, in order: the lifecycle's phases, cut short by a cancel. */
  changes(t: number): Array<{ status: string; at: number }> {
    const until = Math.min(t, this.#cancelledAt ?? Infinity)
    const changes = this.#phases
      .map((p) => ({ status: p.status, at: this.createdAt + p.from }))
      .filter((c) => c.at <= until)
    if (this.#cancelledAt !== undefined && this.#cancelledAt <= t)
      changes.push({ status: 'KILLED', at: this.#cancelledAt })
    return changes
  }

  get cancelled(): boolean {
    return this.#cancelledAt !== undefined
  }

  /** Returns false, changing nothing, if the run is already terminal. */
  cancel(t: number): boolean {
    if (isTerminal(this.statusAt(t))) return false
    this.#cancelledAt = t
    return true
  }

  snapshot(t: number): FakeRun {
    const run: FakeRun = {
      id: this.id,
      projectId: this.projectId,
      status: this.statusAt(t),
      createdAt: this.createdAt,
      cancelled: this.cancelled,
      dryRun: this.dryRun,
      body: structuredClone(this.body),
      trigger: this.trigger,
      past: this.past
    }
    if (this.token !== undefined) run.token = this.token
    const startedAt = this.startedAt(t)
    if (startedAt !== undefined) run.startedAt = startedAt
    const terminalAt = this.terminalAt(t)
    if (terminalAt !== undefined) run.terminalAt = terminalAt
    return run
  }
}

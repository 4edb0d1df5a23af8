import { runStatusUrl } from '../hex/paths.ts'
import { RetriesExhaustedError } from '../hex/retry.ts'
import type { HexSession } from '../hex/session.ts'
import { isTerminalStatus, type RunState, type TriggeredRun } from '../hex/types.ts'
import { CANCEL_BUDGET_MS, CANCEL_BUDGET_ON_SIGNAL_MS, cancelIfOurs } from './cancel.ts'
import { endAt, factsOf, learnFrom } from './facts.ts'
import { failureEnding } from './failure.ts'
import { SHUTDOWN_GRACE_MS, withGrace } from './grace.ts'
import { HistoryAlongside } from './history-alongside.ts'
import { beforeTrigger, notStarted, type Attached } from './in-progress.ts'
import type { Pacing } from './pacing/index.ts'
import { startRun } from './start.ts'
import { titleAlongside } from './title.ts'
import type {
  RunEnding,
  RunEvents,
  RunFacts,
  RunOutcome,
  RunPlan,
  RunTarget,
  StopCause,
  Stops
} from './types.ts'
import { readFailureAtDeadline, waitForEnd, type WaitResult } from './wait.ts'

export interface RunOneOptions {
  target: RunTarget
  plan: RunPlan
  /** The step's session: its deadline is the step's timeout. */
  session: HexSession
  /** The step's pacing (the one the session's reads wait on): this run's schedule comes from it. */
  pacing: Pick<Pacing, 'schedule' | 'wants'>
  stops: Stops
  emit: RunEvents
  /** The project's runs this step started before (runs/attempts.ts): not this trigger's. */
  earlier?: readonly string[]
}

/**
 * One project's run from trigger (or follow) to its end. Never throws: every way it can end is a
 * RunOutcome. It knows nothing of the runner: what it has to say goes out as events.
 */
export function runOne(options: RunOneOptions): Promise<RunOutcome> {
  return new OneRun(options).go()
}

/** What stopped a run: the workflow's cancel wins over fail-fast. */
export function stopCause(stops: Stops): StopCause {
  return stops.workflow?.aborted ? 'workflow' : 'fail-fast'
}

class OneRun {
  private readonly target: RunTarget
  private readonly plan: RunPlan
  private readonly pacing: Pick<Pacing, 'schedule' | 'wants'>
  private readonly stops: Stops
  private readonly emit: RunEvents
  private readonly earlier?: readonly string[]
  /** The step's session, narrowed to this run's stops and reporting its retries. */
  private readonly session: HexSession
  /** When this run was started (or followed): times count from it. */
  private readonly startedAt: number
  private run?: RunFacts
  private recovered?: string
  /** An attached run's start on the session's clock: its reads are spaced by its age. */
  private attachedAt?: number
  /** The project's history, read alongside the wait (and stopped when it ends). */
  private historyRead?: HistoryAlongside
  /** The title, read alongside: in the outcome's facts if it came (within TITLE_READ_MS). */
  private titleRead?: Promise<void>

  constructor(options: RunOneOptions) {
    this.target = options.target
    this.plan = options.plan
    this.pacing = options.pacing
    this.stops = options.stops
    this.emit = options.emit
    this.earlier = options.earlier
    const signals = [options.stops.workflow, options.stops.failFast].filter((s) => s !== undefined)
    this.session = options.session.with({
      signal: signals.length > 0 ? AbortSignal.any(signals) : undefined,
      onRetry: (operation, notice) => {
        if (operation === 'trigger' || operation === 'status')
          this.emit({ type: 'retry', what: operation, notice })
      }
    })
    // A run that waited for its turn (max-parallel) counts its time from now, not the step's start.
    this.startedAt = options.session.clock.now()
  }

  async go(): Promise<RunOutcome> {
    // Stopped before its turn came (fail-fast, or the workflow was cancelled): nothing is sent.
    if (this.signal?.aborted)
      return this.outcome({ kind: 'stopped', by: stopCause(this.stops), phase: 'before-start' })
    try {
      return await (this.target.runId !== undefined
        ? this.follow(this.target.runId)
        : this.trigger())
    } catch (error) {
      return this.failed(error)
    } finally {
      await this.titleRead
    }
  }

  private get signal(): AbortSignal | undefined {
    return this.session.signal
  }

  private async trigger(): Promise<RunOutcome> {
    const { plan, target, session, pacing, emit } = this
    const found = await beforeTrigger(plan, { session, projectId: target.projectId, pacing, emit })
    if (found.kind === 'attach') return this.follow(found.running.runId, found)
    if (found.kind !== 'start') return this.outcome(notStarted(found, stopCause(this.stops)))
    this.emit({
      type: 'sending',
      url: `${plan.apiBase}/projects/${target.projectId}/runs`,
      request: plan.request
    })
    // A trigger in flight gets a grace period: its run id is what lets it be cancelled.
    const triggered = await withGrace(this.session.clock, this.signal, SHUTDOWN_GRACE_MS, (grace) =>
      startRun({
        session: this.session,
        projectId: target.projectId,
        request: plan.request,
        apiBase: plan.apiBase,
        requestSignal: grace,
        earlier: this.earlier,
        onRecovered: (message) => {
          this.recovered = message
          this.emit({ type: 'recovered', message })
        }
      })
    )
    // A dry run: Hex validated the request and started nothing, so there is no run to announce.
    if (plan.request.dryRun)
      return this.outcome({ kind: 'dry-run', run: factsOf(triggered, this.startedAt) })
    const run = this.started(triggered, false)
    if (!plan.wait) return this.outcome({ kind: 'not-waited', status: 'PENDING', run })
    // History and title after the first status read (with wait: false, the title at once): the
    // pacing has heard by then how crowded the token is, and may decline them.
    return this.waitFor(run, plan.history)
  }

  /** `run-id` given, or if-running attach (its state from the list): follow a run started elsewhere. */
  private async follow(runId: string, attached?: Attached): Promise<RunOutcome> {
    const { projectId } = this.target
    const state = attached?.state ?? (await this.session.getRun(projectId, runId))
    this.attachedAt = attached?.startedAt
    const run = this.started(
      {
        projectId,
        runId,
        runUrl: state.runUrl ?? '',
        runStatusUrl: runStatusUrl(this.plan.apiBase, projectId, runId),
        traceId: state.traceId,
        projectVersion: state.projectVersion
      },
      true,
      attached !== undefined
    )
    if (!this.plan.wait) {
      this.learn(state)
      return this.outcome({ kind: 'not-waited', status: state.status, run })
    }
    return this.waitFor(run)
  }

  private started(triggered: TriggeredRun, followed: boolean, attached = false): RunFacts {
    this.run = factsOf(triggered, this.startedAt)
    if (attached) this.run.attached = true
    if (this.target.projectTitle !== undefined) this.run.projectTitle = this.target.projectTitle
    // At once: if the step is killed later, the workflow and the post step still know the run.
    this.emit({ type: 'started', run: { ...this.run }, followed })
    if (followed || !this.plan.wait) this.readTitle(this.run)
    return this.run
  }

  /** The title, unless the project list gave it, if the pacing wants it now (never before the trigger). */
  private readTitle(run: RunFacts): void {
    if (run.projectTitle !== undefined) return
    if (this.pacing.wants('title')) this.titleRead = titleAlongside(this.session, run, this.emit)
    else this.emit({ type: 'no-title', why: "Hex's reads are scarce for this token just now" })
  }

  /** The project's history, alongside the wait, if the pacing wants it now. */
  private readHistory(run: RunFacts): void {
    if (!this.pacing.wants('history')) return
    const about = { run, startedAt: this.startedAt, emit: this.emit }
    this.historyRead = new HistoryAlongside(this.session, this.target.projectId, about)
  }

  private async waitFor(run: RunFacts, history = false): Promise<RunOutcome> {
    if (this.signal?.aborted) return this.stopped(run)
    let readFailure: string | undefined
    let result: WaitResult
    let last: RunState | undefined
    const schedule = this.pacing.schedule({ history: () => this.historyRead?.history() })
    try {
      result = await waitForEnd({
        getState: () => this.session.getRun(this.target.projectId, run.runId),
        clock: this.session.clock,
        startedAt: this.attachedAt ?? this.startedAt,
        deadline: this.session.deadline,
        schedule,
        signal: this.signal,
        onState: (state, { elapsedMs, changed, reads }) => {
          last = state
          this.emit({ type: 'state', state, elapsedMs, changed })
          if (reads === 1 && this.target.runId === undefined) this.readTitle(run)
          if (history && reads === 1 && !isTerminalStatus(state.status)) this.readHistory(run)
        }
      })
    } catch (error) {
      if (this.signal?.aborted) result = { kind: 'aborted', last, reads: 0 }
      // Status reads failed until the deadline: that is a timeout, with the reads' failure as cause.
      else if (error instanceof RetriesExhaustedError && error.why === 'deadline') {
        readFailure = readFailureAtDeadline(error)
        result = { kind: 'timeout', last, reads: 0 }
      } else throw error
    } finally {
      await this.historyRead?.end()
    }
    const latest = result.kind === 'finished' ? result.state : result.last
    if (latest) this.learn(latest)
    switch (result.kind) {
      case 'finished': {
        this.ended(false)
        return this.outcome({ kind: 'ended', status: result.state.status, run })
      }
      case 'timeout': {
        this.ended(true)
        const leave = !this.plan.cancelOnTimeout
        const cancel = await cancelIfOurs(this.session, run, leave, CANCEL_BUDGET_MS)
        return this.outcome({
          kind: 'timed-out',
          run,
          lastStatus: result.last?.status,
          readFailure,
          cancel
        })
      }
      case 'aborted':
        return this.stopped(run)
    }
  }

  /** Stopped while the run was going: cancel it, unless the inputs say to leave it. */
  private async stopped(run: RunFacts): Promise<RunOutcome> {
    this.ended(true)
    const by = stopCause(this.stops)
    this.emit({ type: 'stopping', by })
    const leave = by === 'workflow' && !this.plan.cancelOnWorkflowCancel
    const cancel = await cancelIfOurs(this.session, run, leave, CANCEL_BUDGET_ON_SIGNAL_MS)
    return this.outcome({ kind: 'stopped', by, phase: 'going', run, cancel })
  }

  /** An error that ended the run early: a stop that cut the start short, Hex's, or a bug. */
  private failed(error: unknown): RunOutcome {
    const stopped = this.signal?.aborted === true && this.run === undefined
    return this.outcome(
      failureEnding(error, {
        stoppedBy: stopped ? stopCause(this.stops) : undefined,
        following: this.target.runId !== undefined,
        run: this.run
      })
    )
  }

  /** What a status read tells about the run. */
  private learn(state: RunState): void {
    if (this.run) learnFrom(this.run, state)
  }

  /** The step is done with the run now; Hex's own end time wins unless the step gave up. */
  private ended(gaveUp: boolean): void {
    if (this.run) endAt(this.run, this.session.clock.now(), this.startedAt, gaveUp)
  }

  private outcome(ending: RunEnding): RunOutcome {
    return { target: this.target, recovered: this.recovered, ...ending }
  }
}

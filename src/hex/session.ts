import type { Clock } from '../lib/runtime.ts'
import type { HexClient } from './client.ts'
import type { Operation } from './errors.ts'
import {
  MAX_CONNECT_ATTEMPTS,
  readVerdict,
  triggerVerdict,
  withRetries,
  type RetryNotice,
  type Verdict
} from './retry.ts'
import type { ProjectsPage, RunProjectRequest, RunsQuery, RunState, TriggeredRun } from './types.ts'

/** Told before each retry's wait: which kind of request failed, and when it goes again. */
export type RetryListener = (operation: Operation, notice: RetryNotice) => void

/**
 * Paces the requests that count against Hex's API rate limit, for every run of a step at once
 * (runs/pacing/). Each attempt, retries included, waits for its turn.
 */
export interface RequestPacer {
  /**
   * Resolves when a request wanted at `dueAt` (on the session's clock) may go: at once, or when
   * its turn comes, and at `until` (the session's deadline) at the latest, whatever an answer
   * said of the limit. Resolves early when the signal aborts.
   */
  turn: (dueAt: number, signal?: AbortSignal, until?: number) => Promise<void>
  /** A request that must not wait (a cancel racing the runner's kill) goes now, and counts. */
  spend: () => void
}

/** How a request meets the pacer: waits its turn (reads), counts without waiting, or neither. */
type Pacing = 'turn' | 'spend' | 'none'

export interface SessionOptions {
  client: HexClient
  clock: Clock
  /** No attempt starts, and no wait ends, after this (ms on the clock): the step's timeout. */
  deadline: number
  /** Stops every retry and wait: the workflow is being cancelled, or fail-fast stopped the run. */
  signal?: AbortSignal
  onRetry?: RetryListener
  /** Paces reads and counts cancels; none: every request goes when asked. */
  pacer?: RequestPacer
}

/**
 * The Hex API with the retry policy built in: a client, a clock, a deadline and a stop signal.
 * Reads and cancels ride out transient failures until the deadline; a trigger is sent again only
 * where Hex certainly started no run. Callers never wire retries themselves; they narrow a session
 * (`with`) for a run's own stop signal or a cancel's budget.
 */
export class HexSession {
  private readonly client: HexClient
  readonly clock: Clock
  readonly deadline: number
  readonly signal?: AbortSignal
  private readonly onRetry?: RetryListener
  private readonly pacer?: RequestPacer

  constructor(options: SessionOptions) {
    this.client = options.client
    this.clock = options.clock
    this.deadline = options.deadline
    this.signal = options.signal
    this.onRetry = options.onRetry
    this.pacer = options.pacer
  }

  /** The same session with other bounds. `signal: undefined` makes one nothing can stop. */
  with(changes: Partial<Pick<SessionOptions, 'deadline' | 'signal' | 'onRetry'>>): HexSession {
    return new HexSession({
      client: this.client,
      clock: this.clock,
      deadline: this.deadline,
      signal: this.signal,
      onRetry: this.onRetry,
      pacer: this.pacer,
      ...changes
    })
  }

  /**
   * The same session with a budget of its own, `budgetMs` from now, stopped only by `signal`: none
   * for a cancel, which must not be stopped by the stop it answers.
   */
  within(budgetMs: number, signal?: AbortSignal): HexSession {
    return this.with({ deadline: this.clock.now() + budgetMs, signal })
  }

  /** GetRunStatus. */
  getRun(projectId: string, runId: string): Promise<RunState> {
    return this.retry(readVerdict, 'turn', () =>
      this.client.getRun(projectId, runId, { signal: this.signal })
    )
  }

  /**
   * GetRunStatus, once: no retry, and no wait for its turn (it counts, as a cancel does). The read
   * after a cancel Hex refused, to learn whether the run had ended; it fits in what is left before
   * the deadline.
   */
  getRunOnce(projectId: string, runId: string): Promise<RunState> {
    return this.paced('spend', () =>
      this.client.getRun(projectId, runId, { signal: this.signal, timeoutMs: this.leftMs() })
    )()
  }

  /** GetProjectRuns, API-triggered runs only, newest first. */
  listApiRuns(projectId: string, limit: number): Promise<RunState[]> {
    return this.listRuns(projectId, { limit, trigger: 'API' })
  }

  /** GetProjectRuns: the runs `query` asks for, newest first. */
  listRuns(projectId: string, query: RunsQuery): Promise<RunState[]> {
    return this.retry(readVerdict, 'turn', () =>
      this.client.listRuns(projectId, query, { signal: this.signal })
    )
  }

  /** GetProject; each attempt gets at most `timeoutMs` (a read that must not hold the step up). */
  getProject(projectId: string, timeoutMs?: number): ReturnType<HexClient['getProject']> {
    return this.retry(readVerdict, 'turn', () =>
      this.client.getProject(projectId, { signal: this.signal, timeoutMs })
    )
  }

  /** ListProjects, one page. */
  listProjects(name: string, after: string | undefined): Promise<ProjectsPage> {
    return this.retry(readVerdict, 'turn', () =>
      this.client.listProjects(name, after, { signal: this.signal })
    )
  }

  /**
   * RunProject. `requestSignal` abandons the request in flight; it may abort later than the
   * session's signal, so that a trigger that completes can still be cancelled by its run id.
   * Throws UnknownOutcomeError where Hex may have started a run: the caller looks for it.
   */
  trigger(
    projectId: string,
    request: RunProjectRequest,
    requestSignal?: AbortSignal
  ): Promise<TriggeredRun> {
    // RunProject has a rate limit of its own (Hex's `hex-run-kernel` group), apart from the reads.
    return this.retry(
      triggerVerdict,
      'none',
      () => this.client.runProject(projectId, request, { signal: requestSignal }),
      MAX_CONNECT_ATTEMPTS
    )
  }

  /** CancelRun. Each attempt fits in what is left before the deadline: one hung DELETE must not outlast it. */
  cancelRun(projectId: string, runId: string): Promise<void> {
    return this.retry(readVerdict, 'spend', () =>
      this.client.cancelRun(projectId, runId, { timeoutMs: this.leftMs() })
    )
  }

  /** What is left before the deadline, for one request's time limit (at least 1 ms). */
  private leftMs(): number {
    return Math.max(1, this.deadline - this.clock.now())
  }

  /** `attempt`, meeting the pacer as `pacing` says, each time it is made. */
  private paced<T>(pacing: Pacing, attempt: () => Promise<T>): () => Promise<T> {
    const { pacer, signal } = this
    if (pacer === undefined || pacing === 'none') return attempt
    return async () => {
      if (pacing === 'spend') pacer.spend()
      else await pacer.turn(this.clock.now(), signal, this.deadline)
      return attempt()
    }
  }

  private retry<T>(
    verdict: (error: unknown) => Verdict,
    pacing: Pacing,
    attempt: () => Promise<T>,
    maxConnectAttempts?: number
  ): Promise<T> {
    const { onRetry } = this
    return withRetries(this.paced(pacing, attempt), {
      verdict,
      deadline: this.deadline,
      now: this.clock.now,
      sleep: this.clock.sleep,
      random: this.clock.random,
      signal: this.signal,
      maxConnectAttempts,
      onRetry: onRetry && ((notice) => onRetry(notice.error.context.operation, notice))
    })
  }
}

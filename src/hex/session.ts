import type { Clock } from '../lib/runtime.ts'
import type { HexClient, ProjectSummary } from './client.ts'
import type { Operation } from './errors.ts'
import {
  MAX_CONNECT_ATTEMPTS,
  readVerdict,
  triggerVerdict,
  withRetries,
  type RetryNotice,
  type Verdict
} from './retry.ts'
import type { RunProjectRequest, RunState, TriggeredRun } from './types.ts'

/** Told before each retry's wait: which kind of request failed, and when it goes again. */
export type RetryListener = (operation: Operation, notice: RetryNotice) => void

export interface SessionOptions {
  client: HexClient
  clock: Clock
  /** No attempt starts, and no wait ends, after this (ms on the clock): the step's timeout. */
  deadline: number
  /** Stops every retry and wait: the workflow is being cancelled, or fail-fast stopped the run. */
  signal?: AbortSignal
  onRetry?: RetryListener
}

/**
 * The Hex API with the retry policy built in: a client, a clock, a deadline and a stop signal.
 * Reads and cancels ride out transient failures until the deadline; a trigger is sent again only
 * where Hex certainly started no run. Callers never wire retries themselves; they narrow a session
 * (`with`) for a run's own stop signal or a cancel's budget.
 */
export class HexSession {
  readonly client: HexClient
  readonly clock: Clock
  readonly deadline: number
  readonly signal?: AbortSignal
  private readonly onRetry?: RetryListener

  constructor(options: SessionOptions) {
    this.client = options.client
    this.clock = options.clock
    this.deadline = options.deadline
    this.signal = options.signal
    this.onRetry = options.onRetry
  }

  /** The same session with other bounds. `signal: undefined` makes one nothing can stop. */
  with(changes: Partial<Pick<SessionOptions, 'deadline' | 'signal' | 'onRetry'>>): HexSession {
    return new HexSession({
      client: this.client,
      clock: this.clock,
      deadline: this.deadline,
      signal: this.signal,
      onRetry: this.onRetry,
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
    return this.retry(readVerdict, () =>
      this.client.getRun(projectId, runId, { signal: this.signal })
    )
  }

  /** GetProjectRuns, API-triggered runs only, newest first. */
  listApiRuns(projectId: string, limit: number): Promise<RunState[]> {
    return this.retry(readVerdict, () =>
      this.client.listApiRuns(projectId, limit, { signal: this.signal })
    )
  }

  /** ListProjects, one page. */
  listProjects(
    name: string,
    after: string | undefined
  ): Promise<{ projects: ProjectSummary[]; after?: string }> {
    return this.retry(readVerdict, () =>
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
    return this.retry(
      triggerVerdict,
      () => this.client.runProject(projectId, request, { signal: requestSignal }),
      MAX_CONNECT_ATTEMPTS
    )
  }

  /** CancelRun. Each attempt fits in what is left before the deadline: one hung DELETE must not outlast it. */
  cancelRun(projectId: string, runId: string): Promise<void> {
    return this.retry(readVerdict, () =>
      this.client.cancelRun(projectId, runId, {
        timeoutMs: Math.max(1, this.deadline - this.clock.now())
      })
    )
  }

  private retry<T>(
    verdict: (error: unknown) => Verdict,
    attempt: () => Promise<T>,
    maxConnectAttempts?: number
  ): Promise<T> {
    const onRetry = this.onRetry
    return withRetries(attempt, {
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

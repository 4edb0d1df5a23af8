import type { RunOutcome, RunTarget, Stops } from './types.ts'

export interface RunManyOptions {
  /** The most runs going at once. */
  maxParallel: number
  /** The first failure stops the rest: runs going are cancelled, runs waiting never start. */
  failFast: boolean
  /** The workflow is being cancelled: the runs going stop, and no further run starts. */
  workflow?: AbortSignal
  /** Whether an outcome counts as a failure (fail-on-run-failure decides for runs that errored). */
  isFailure: (outcome: RunOutcome) => boolean
}

/**
 * Several projects: at most maxParallel runs go at once, the next starting as one ends. Outcomes
 * come back in the order of the targets.
 */
export async function runMany(
  targets: RunTarget[],
  options: RunManyOptions,
  run: (target: RunTarget, stops: Stops) => Promise<RunOutcome>
): Promise<RunOutcome[]> {
  const failFast = new AbortController()
  const stops: Stops = {
    workflow: options.workflow,
    failFast: options.failFast ? failFast.signal : undefined
  }
  const outcomes: RunOutcome[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const i = next++
      // A run whose turn comes after a stop is not started: `run` reports it as such.
      const outcome = await run(targets[i] as RunTarget, stops)
      outcomes[i] = outcome
      // A run fail-fast stopped is a consequence, not a new failure.
      const stoppedByFailFast = outcome.kind === 'stopped' && outcome.by === 'fail-fast'
      if (options.failFast && !stoppedByFailFast && options.isFailure(outcome)) failFast.abort()
    }
  }
  await Promise.all(Array.from({ length: Math.min(options.maxParallel, targets.length) }, worker))
  return outcomes
}

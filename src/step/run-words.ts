/**
 * What the step learned about a run besides its status, in words every place shares: the
 * project's title (the list's or GetProject's) and how long the run waited for a kernel and ran.
 * The title is Hex's text: each place makes it safe where it writes it (lib/safe-text.ts for the
 * log, statuses and outputs; action/markdown.ts for the summary).
 */
import { formatDuration } from '../lib/duration.ts'
import type { RunFacts, RunTarget } from '../runs/types.ts'

/** The project's title in Hex, where it is known: the run's, else the project list's. */
export function titleOf(about: { target: RunTarget; run?: RunFacts }): string | undefined {
  return about.run?.projectTitle ?? about.target.projectTitle
}

/** "queued 3m 2s, ran 8.0s" (either part alone when only it is known), or undefined. */
export function phaseWords(
  run: Pick<RunFacts, 'queuedMs' | 'runMs'> | undefined
): string | undefined {
  const parts: string[] = []
  if (run?.queuedMs !== undefined) parts.push(`queued ${formatDuration(run.queuedMs)}`)
  if (run?.runMs !== undefined) parts.push(`ran ${formatDuration(run.runMs)}`)
  return parts.length === 0 ? undefined : parts.join(', ')
}

/**
 * The project's title, for the reader: read once with GetProject while the run goes (or right
 * after the trigger, when the step does not wait). It is an extra: one attempt, a short time
 * limit, and a failure is only a reason for the debug log; the project's ID stands in for it.
 */
import { HexApiError, HexError } from '../hex/errors.ts'
import { RetriesExhaustedError } from '../hex/retry.ts'
import type { HexSession } from '../hex/session.ts'
import { unexpectedMessage } from '../lib/errors.ts'
import type { RunEvents, RunFacts } from './types.ts'

/**
 * The longest the title read takes, its answer included: Hex answers it in well under a second,
 * and a step that does not wait for its run (wait: false) waits for this read at most this long.
 */
export const TITLE_READ_MS = 3_000

export type TitleRead = { kind: 'known'; title: string } | { kind: 'unknown'; why: string }

/** One GetProject, never sent again and never thrown: the title, or why there is none. */
export async function readTitle(session: HexSession, projectId: string): Promise<TitleRead> {
  try {
    // A deadline of now: one attempt, no retry, no wait for a turn.
    const once = session.with({ deadline: session.clock.now() })
    const { title } = await once.getProject(projectId, TITLE_READ_MS)
    return title === undefined
      ? { kind: 'unknown', why: 'Hex gave the project no title' }
      : { kind: 'known', title }
  } catch (error) {
    return { kind: 'unknown', why: unreadable(error) }
  }
}

/**
 * Reads the title into `run` (and tells it as an event) alongside what the run does; the promise
 * settles within TITLE_READ_MS and never rejects. A read stopped by the session's signal tells
 * nothing.
 */
export async function titleAlongside(
  session: HexSession,
  run: RunFacts,
  emit: RunEvents
): Promise<void> {
  const read = await readTitle(session, run.projectId)
  if (read.kind === 'known') {
    run.projectTitle = read.title
    emit({ type: 'title', title: read.title })
  } else if (!session.signal?.aborted) emit({ type: 'no-title', why: read.why })
}

function unreadable(error: unknown): string {
  const cause = error instanceof RetriesExhaustedError ? error.lastError : error
  if (cause instanceof HexApiError && cause.status === 403)
    return 'Hex refused to show the project (403 Forbidden): reading its title needs the "Read projects" scope'
  if (cause instanceof HexApiError && cause.status === 404)
    return 'Hex found no project to read the title of (404 Not Found)'
  if (cause instanceof HexApiError) return `Hex answered ${cause.status}`
  if (cause instanceof HexError) return cause.message
  return unexpectedMessage(error)
}

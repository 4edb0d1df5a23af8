/**
 * Which commit a status belongs on. On a pull request GITHUB_SHA is the merge commit GitHub made
 * for the run, which no reviewer sees; the status goes on the pull request's head instead, and on
 * a workflow_run event on the head of the run that triggered it.
 */
import { payloadField, type GitHubEvent } from './event.ts'

export type CommitChoice = { ok: true; sha: string; from: string } | { ok: false; error: string }

/** A full commit SHA: 40 hex digits, or 64 in a repository that uses SHA-256. */
export const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i

/** The commit a status for this event belongs on, and where it was found (for the log). */
export function commitOf(event: GitHubEvent): CommitChoice {
  if (event.name.startsWith('pull_request')) {
    const sha = field(event.payload, 'pull_request', 'head', 'sha')
    return sha !== undefined
      ? { ok: true, sha, from: "the pull request's head" }
      : { ok: false, error: `the ${event.name} event's payload has no pull_request.head.sha` }
  }
  if (event.name === 'workflow_run') {
    const sha = field(event.payload, 'workflow_run', 'head_sha')
    return sha !== undefined
      ? { ok: true, sha, from: "the triggering workflow run's head" }
      : { ok: false, error: "the workflow_run event's payload has no workflow_run.head_sha" }
  }
  return FULL_SHA.test(event.sha)
    ? { ok: true, sha: event.sha.toLowerCase(), from: 'GITHUB_SHA' }
    : { ok: false, error: 'GITHUB_SHA is not set' }
}

/** payload.a.b.c when it is a full SHA. */
function field(payload: unknown, ...path: string[]): string | undefined {
  const value = payloadField(payload, ...path)
  return typeof value === 'string' && FULL_SHA.test(value) ? value.toLowerCase() : undefined
}

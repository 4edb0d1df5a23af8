/**
 * GitHub commit statuses (POST /repos/{owner}/{repo}/statuses/{sha}) through the one lazy GitHub
 * client (octokit.ts): a step that posts none (commit-status false, the default) never loads it.
 *
 * A status is a courtesy beside the Hex run: posting one never throws, never retries for longer
 * than STATUS_BUDGET_MS, and says what went wrong in words the action can show as they are.
 */
import { errorMessage } from '../lib/errors.ts'
import type { Clock } from '../lib/runtime.ts'
import { githubMessage, lazyOctokit, type GitHubApi } from './octokit.ts'

export type StatusState = 'pending' | 'success' | 'failure' | 'error'

export interface CommitStatus {
  state: StatusState
  /** The status's name on the commit; one per Hex project. */
  context: string
  /** At most DESCRIPTION_LIMIT characters. */
  description: string
  /** The Hex run; http(s) only. */
  targetUrl?: string
}

/** Where statuses go (the API, the repository and its commit), and with which token. */
export interface StatusTarget extends GitHubApi {
  owner: string
  repo: string
  sha: string
}

export type PostResult = { ok: true } | { ok: false; failure: StatusFailure }

export interface StatusFailure {
  /** permission: the token may not post statuses; the rest may work for a later status. */
  kind: 'permission' | 'rejected' | 'unavailable'
  /** What happened and what to do, for a warning. */
  message: string
}

export interface CommitStatuses {
  /** Posts one status; never throws. */
  post: (status: CommitStatus) => Promise<PostResult>
}

/** GitHub's limit on a status's description. */
export const DESCRIPTION_LIMIT = 140
/** The longest one status may take, retries included. */
export const STATUS_BUDGET_MS = 6_000
/** One request: GitHub answers a status in well under a second. */
const REQUEST_TIMEOUT_MS = 4_000
const RETRY_DELAY_MS = 500
const MAX_ATTEMPTS = 2

export interface StatusesOptions {
  /** The proxy-aware fetch the Hex client uses too. */
  fetch: typeof fetch
  clock: Pick<Clock, 'now' | 'sleep' | 'timeout'>
  /** Tests shorten it to see a hung request given up. */
  requestTimeoutMs?: number
}

/** Posts statuses on one commit. */
export function githubStatuses(target: StatusTarget, options: StatusesOptions): CommitStatuses {
  const { clock } = options
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS
  const client = lazyOctokit(target, options.fetch)

  return {
    post: async (status) => {
      const started = clock.now()
      for (let attempt = 1; ; attempt++) {
        const left = STATUS_BUDGET_MS - (clock.now() - started)
        let failure: StatusFailure & { transient: boolean }
        const limit = clock.timeout(Math.max(1, Math.min(requestTimeoutMs, left)))
        try {
          const api = await client()
          await api.rest.repos.createCommitStatus({
            owner: target.owner,
            repo: target.repo,
            sha: target.sha,
            state: status.state,
            context: status.context,
            description: status.description.slice(0, DESCRIPTION_LIMIT),
            target_url: status.targetUrl,
            request: { signal: limit.signal }
          })
          return { ok: true }
        } catch (error) {
          failure = describeFailure(error, target, limit.signal.aborted)
        } finally {
          limit.clear()
        }
        const retry =
          failure.transient &&
          attempt < MAX_ATTEMPTS &&
          STATUS_BUDGET_MS - (clock.now() - started) > RETRY_DELAY_MS + 1_000
        if (!retry) return { ok: false, failure: { kind: failure.kind, message: failure.message } }
        await clock.sleep(RETRY_DELAY_MS)
      }
    }
  }
}

/** What an error from Octokit (or from loading it) means for the user. */
function describeFailure(
  error: unknown,
  { owner, repo, sha }: StatusTarget,
  timedOut: boolean
): StatusFailure & { transient: boolean } {
  const status = (error as { status?: unknown }).status
  const said = githubMessage(error)
  const answered = (code: number) => `GitHub answered ${code}${said ? ` (${said})` : ''}`
  if (typeof status !== 'number' || !(error instanceof Error) || status === 500) {
    // Octokit reports a network failure or a timeout as status 500 with no response.
    const response = (error as { response?: unknown }).response
    if (typeof status === 'number' && response !== undefined)
      return { kind: 'unavailable', transient: true, message: `${answered(status)}.` }
    const reason = errorMessage(error).replace(/\.+$/, '')
    return {
      kind: 'unavailable',
      transient: true,
      message: timedOut
        ? 'GitHub did not answer in time.'
        : `GitHub could not be reached: ${reason}.`
    }
  }
  if (status === 401)
    return {
      kind: 'permission',
      transient: false,
      message: `${answered(401)}: the token in github-token is not valid.`
    }
  if (status === 403 && /not accessible by integration/i.test(said))
    return {
      kind: 'permission',
      transient: false,
      message: `${answered(403)}: the token may not post commit statuses. Give the job \`permissions: statuses: write\`. On a pull request from a fork, GITHUB_TOKEN is read-only and cannot post them.`
    }
  if (status === 403 || status === 429)
    return { kind: 'rejected', transient: false, message: `${answered(status)}.` }
  if (status === 404)
    return {
      kind: 'permission',
      transient: false,
      message: `${answered(404)} for ${owner}/${repo}: the token cannot see the repository or may not post statuses there. Give the job \`permissions: statuses: write\` (a fine-grained token needs "Commit statuses: write").`
    }
  if (status === 422)
    return {
      kind: 'rejected',
      transient: false,
      message: `${answered(422)}: is ${sha} a commit of ${owner}/${repo}? Set sha to one of its commits.`
    }
  if (status >= 500)
    return { kind: 'unavailable', transient: true, message: `${answered(status)}.` }
  return { kind: 'rejected', transient: false, message: `${answered(status)}.` }
}

/**
 * GitHub commit statuses (POST /repos/{owner}/{repo}/statuses/{sha}) through the one lazy GitHub
 * client (octokit.ts): a step that posts none (commit-status false, the default) never loads it.
 *
 * A status is a courtesy beside the Hex run: posting one never throws, never retries for longer
 * than STATUS_BUDGET_MS, and says what went wrong in words the action can show as they are.
 */
import type { Clock } from '../lib/runtime.ts'
import { askGitHub, type GitHubFailure, type Permission } from './ask.ts'
import { lazyOctokit, type GitHubApi } from './octokit.ts'

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

/** permission: the token may not post statuses; the rest may work for a later status. */
export type StatusFailure = Omit<GitHubFailure, 'status'>

export interface CommitStatuses {
  /** Posts one status; never throws. */
  post: (status: CommitStatus) => Promise<PostResult>
}

/** GitHub's limit on a status's description. */
export const DESCRIPTION_LIMIT = 140
/** The longest one status may take, retries included. */
export const STATUS_BUDGET_MS = 6_000
/** One request: GitHub answers a status in well under a second. */
export const REQUEST_TIMEOUT_MS = 4_000

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
  const { owner, repo, sha } = target
  const permission: Permission = {
    doing: 'post commit statuses',
    short: 'post them',
    permission: 'statuses: write',
    fineGrained: 'Commit statuses: write',
    unprocessable: `is ${sha} a commit of ${owner}/${repo}? Set sha to one of its commits.`
  }

  return {
    post: async (status) => {
      const asked = await askGitHub(
        async (signal) => {
          const api = await client()
          await api.rest.repos.createCommitStatus({
            owner,
            repo,
            sha,
            state: status.state,
            context: status.context,
            description: status.description.slice(0, DESCRIPTION_LIMIT),
            target_url: status.targetUrl,
            request: { signal }
          })
        },
        {
          clock,
          deadline: clock.now() + STATUS_BUDGET_MS,
          requestTimeoutMs,
          permission,
          repository: `${owner}/${repo}`
        }
      )
      if (asked.ok) return { ok: true }
      return { ok: false, failure: { kind: asked.failure.kind, message: asked.failure.message } }
    }
  }
}

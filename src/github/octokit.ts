/**
 * The one GitHub API client of the action: Octokit through @actions/github, imported on first use,
 * so a step that never talks to GitHub (commit-status false, the default) never loads it: no
 * Octokit in its start-up or its memory, and ncc puts it in a chunk of its own. Every GitHub
 * feature (commit statuses, a pull-request comment) asks this file for its client; no other file
 * may import @actions/github.
 */
import type { getOctokit } from '@actions/github'

export type Octokit = ReturnType<typeof getOctokit>

/** Where GitHub's API is, and with which token. */
export interface GitHubApi {
  /** GitHub's API base as GITHUB_API_URL gives it, e.g. https://ghes.example.com/api/v3. */
  apiUrl: string
  /** Sent to apiUrl's host only. */
  token: string
}

/**
 * A client for `api`, made on the first call and shared by later ones. Requests go through
 * `fetch` (the proxy-aware fetch the Hex client uses too) and never follow a redirect, so the
 * token in the Authorization header cannot follow one to another host.
 */
export function lazyOctokit(api: GitHubApi, fetchImpl: typeof fetch): () => Promise<Octokit> {
  let octokit: Promise<Octokit> | undefined
  return () =>
    (octokit ??= import('@actions/github').then(({ getOctokit }) =>
      getOctokit(api.token, {
        baseUrl: api.apiUrl,
        userAgent: 'hex-run-action',
        // Octokit would print deprecation notices to the console, outside the action's safe log.
        log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
        request: { fetch: withoutRedirects(fetchImpl) }
      })
    ))
}

function quiet(): void {}

function withoutRedirects(fetchImpl: typeof fetch): typeof fetch {
  return (input, init) => fetchImpl(input, { ...init, redirect: 'error' })
}

/** GitHub's own words about an error ({"message": "..."}), short. */
export function githubMessage(error: unknown): string {
  const data = (error as { response?: { data?: unknown } }).response?.data
  const message =
    typeof data === 'object' && data !== null ? (data as { message?: unknown }).message : undefined
  return typeof message === 'string' ? message.slice(0, 200) : ''
}

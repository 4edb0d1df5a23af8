/**
 * One comment of the action's on a pull request, kept up to date: the comment whose first line is
 * the given marker is edited in place, and only when the pull request has none is one created, so
 * a job run again (a new push) never adds a second. Through the one lazy GitHub client
 * (octokit.ts); the issue comments API, since a pull request is an issue:
 * GET and POST /repos/{owner}/{repo}/issues/{number}/comments,
 * PATCH /repos/{owner}/{repo}/issues/comments/{id}.
 *
 * A courtesy beside the Hex runs, as a commit status is: it never throws, all its requests fit in
 * COMMENT_BUDGET_MS, and a refusal comes back in words naming the permission to add.
 */
import type { Clock } from '../lib/runtime.ts'
import {
  askGitHub,
  type AskOptions,
  type Asked,
  type GitHubFailure,
  type Permission
} from './ask.ts'
import { lazyOctokit, type GitHubApi, type Octokit } from './octokit.ts'

/** Where the comment goes, and with which token. */
export interface CommentTarget extends GitHubApi {
  owner: string
  repo: string
  /** The pull request's number. */
  pullRequest: number
}

export type CommentResult =
  { ok: true; done: 'created' | 'updated'; url?: string } | { ok: false; failure: GitHubFailure }

export interface CommentOptions {
  /** The proxy-aware fetch the Hex client uses too. */
  fetch: typeof fetch
  clock: Pick<Clock, 'now' | 'sleep' | 'timeout'>
  /** Tests shorten it to see a hung request given up. */
  requestTimeoutMs?: number
}

/**
 * The longest the comment may take, every request and retry included: a listing page or two and
 * one write, each well under a second on GitHub, with room for one retry.
 */
export const COMMENT_BUDGET_MS = 10_000
const REQUEST_TIMEOUT_MS = 4_000
/** Comments per listing page: GitHub's most. */
const PER_PAGE = 100
/**
 * The most listing pages read (1,000 comments). Past it the marker is not looked for further, and
 * no comment is created: one more comment per push on a pull request that long would be worse.
 */
export const MAX_PAGES = 10

const PERMISSION: Permission = {
  doing: 'comment on pull requests',
  short: 'comment',
  permission: 'pull-requests: write',
  fineGrained: 'Pull requests: write',
  unprocessable: 'GitHub did not take the comment.'
}

/** One request of the issues API, with the signal of its time limit, through askGitHub. */
type Send = <T>(
  request: (issues: Octokit['rest']['issues'], options: { signal: AbortSignal }) => Promise<T>
) => Promise<Asked<T>>

/** Edits the comment that starts with `marker`, or creates it; `body` must start with the marker. */
export async function upsertComment(
  target: CommentTarget,
  marker: string,
  body: string,
  options: CommentOptions
): Promise<CommentResult> {
  const { clock } = options
  const client = lazyOctokit(target, options.fetch)
  const { owner, repo, pullRequest } = target
  const ask: AskOptions = {
    clock,
    deadline: clock.now() + COMMENT_BUDGET_MS,
    requestTimeoutMs: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
    permission: PERMISSION,
    repository: `${owner}/${repo}`
  }
  const send: Send = (request) =>
    askGitHub(async (signal) => request((await client()).rest.issues, { signal }), ask)
  const create = async (): Promise<CommentResult> => {
    const created = await send(async (issues, request) => {
      const issue = { owner, repo, issue_number: pullRequest }
      return (await issues.createComment({ ...issue, body, request })).data.html_url
    })
    return created.ok ? { ok: true, done: 'created', url: created.value } : created
  }

  const found = await findComment(send, target, marker)
  if (!found.ok) return found
  if (found.value === 'too-many')
    return {
      ok: false,
      failure: {
        kind: 'rejected',
        message: `the pull request has more than ${MAX_PAGES * PER_PAGE} comments, and the action's is not among the first ${MAX_PAGES * PER_PAGE}: no comment is added, so that none is added on every push.`
      }
    }
  if (found.value === undefined) return create()
  const comment = { owner, repo, comment_id: found.value }
  const updated = await send(
    async (issues, request) =>
      (await issues.updateComment({ ...comment, body, request })).data.html_url
  )
  if (updated.ok) return { ok: true, done: 'updated', url: updated.value }
  // Deleted between the listing and the edit: a new one takes its place.
  if (updated.failure.status === 404) return create()
  return updated
}

/**
 * The ID of the first comment (oldest first) whose first line is the marker; undefined when there
 * is none, 'too-many' when the listing was cut short before it ended.
 */
async function findComment(
  send: Send,
  { owner, repo, pullRequest }: CommentTarget,
  marker: string
): Promise<Asked<number | undefined | 'too-many'>> {
  for (let page = 1; page <= MAX_PAGES; page++) {
    const listed = await send(async (issues, request) => {
      // The page is asked for by number: the Link header says only whether there is another,
      // and its URL is never followed (the token goes to GITHUB_API_URL's host alone).
      const issue = { owner, repo, issue_number: pullRequest, per_page: PER_PAGE, page }
      const answer = await issues.listComments({ ...issue, request })
      return { comments: answer.data, more: /rel="next"/.test(answer.headers.link ?? '') }
    })
    if (!listed.ok) return listed
    const { comments, more } = listed.value
    const mine = comments.find((c) => (c.body ?? '').split('\n', 1)[0]?.trimEnd() === marker)
    if (mine !== undefined) return { ok: true, value: mine.id }
    if (!more) return { ok: true, value: undefined }
  }
  return { ok: true, value: 'too-many' }
}

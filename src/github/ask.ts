/**
 * One request to GitHub as every GitHub feature of the action sends it (a commit status, a
 * pull-request comment): a time limit on the injected clock, one more try after a transient
 * failure while the feature's budget allows, and GitHub's refusals put into words that say which
 * permission to add. Never throws.
 */
import { errorMessage } from '../lib/errors.ts'
import type { Clock } from '../lib/runtime.ts'
import { githubMessage } from './octokit.ts'

export interface GitHubFailure {
  /** permission: the token may not do this; the rest may work for a later request. */
  kind: 'permission' | 'rejected' | 'unavailable'
  /** What happened and what to do, for a warning. */
  message: string
  /** GitHub's HTTP status, when it answered. */
  status?: number
}

export type Asked<T> = { ok: true; value: T } | { ok: false; failure: GitHubFailure }

/** What a feature asks of GitHub, for the words of a refusal. */
export interface Permission {
  /** What the token may not do: "post commit statuses". */
  doing: string
  /** The same, short, after "cannot": "post them". */
  short: string
  /** The job's permission: "statuses: write". */
  permission: string
  /** A fine-grained token's: "Commit statuses: write". */
  fineGrained: string
  /** What a 422 means for this request, after GitHub's words. */
  unprocessable: string
}

export interface AskOptions {
  clock: Pick<Clock, 'now' | 'sleep' | 'timeout'>
  /** On the clock: no attempt starts or lasts past it. */
  deadline: number
  /** One request's time limit. */
  requestTimeoutMs: number
  permission: Permission
  /** owner/repo, for a 404. */
  repository: string
}

const RETRY_DELAY_MS = 500
const MAX_ATTEMPTS = 2

/** Sends `call` (given the request's signal) until it answers, fails for good or the budget ends. */
export async function askGitHub<T>(
  call: (signal: AbortSignal) => Promise<T>,
  options: AskOptions
): Promise<Asked<T>> {
  const { clock, deadline } = options
  for (let attempt = 1; ; attempt++) {
    let failure: GitHubFailure & { transient: boolean }
    const left = deadline - clock.now()
    const limit = clock.timeout(Math.max(1, Math.min(options.requestTimeoutMs, left)))
    try {
      return { ok: true, value: await call(limit.signal) }
    } catch (error) {
      failure = describeFailure(error, options, limit.signal.aborted)
    } finally {
      limit.clear()
    }
    const retry =
      failure.transient && attempt < MAX_ATTEMPTS && deadline - clock.now() > RETRY_DELAY_MS + 1_000
    if (!retry) return { ok: false, failure: withoutTransient(failure) }
    await clock.sleep(RETRY_DELAY_MS)
  }
}

function withoutTransient({ kind, message, status }: GitHubFailure): GitHubFailure {
  return status === undefined ? { kind, message } : { kind, message, status }
}

/** What an error from Octokit (or from loading it) means for the user. */
function describeFailure(
  error: unknown,
  { permission: p, repository }: AskOptions,
  timedOut: boolean
): GitHubFailure & { transient: boolean } {
  const status = (error as { status?: unknown }).status
  const said = githubMessage(error)
  const answered = (code: number) => `GitHub answered ${code}${said ? ` (${said})` : ''}`
  const give = `Give the job \`permissions: ${p.permission}\``
  const as = (kind: GitHubFailure['kind'], message: string, transient = false) => ({
    kind,
    message,
    transient,
    status: status as number
  })
  if (typeof status !== 'number' || !(error instanceof Error) || status === 500) {
    // Octokit reports a network failure or a timeout as status 500 with no response.
    const response = (error as { response?: unknown }).response
    if (typeof status === 'number' && response !== undefined)
      return as('unavailable', `${answered(status)}.`, true)
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
    return as('permission', `${answered(401)}: the token in github-token is not valid.`)
  if (status === 403 && /not accessible by integration/i.test(said))
    return as(
      'permission',
      `${answered(403)}: the token may not ${p.doing}. ${give}. On a pull request from a fork, GITHUB_TOKEN is read-only and cannot ${p.short}.`
    )
  if (status === 404)
    return as(
      'permission',
      `${answered(404)} for ${repository}: the token cannot see the repository or may not ${p.doing} there. ${give} (a fine-grained token needs "${p.fineGrained}").`
    )
  if (status === 422) return as('rejected', `${answered(422)}: ${p.unprocessable}`)
  if (status >= 500) return as('unavailable', `${answered(status)}.`, true)
  return as('rejected', `${answered(status)}.`)
}

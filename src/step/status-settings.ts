import { commitOf, FULL_SHA } from '../github/commit.ts'
import type { GitHubEvent } from '../github/event.ts'
import type { StatusTarget } from '../github/statuses.ts'
import type { GitHubFeature, GitHubRepoApi } from './github-settings.ts'
import { Input, type InputName } from './inputs.ts'
import { RUNNER_WORDS, type Words } from './words.ts'

/** What commit-status: true needs, read and checked with the other inputs. */
export interface StatusSettings {
  /** Where the statuses go: API, repository, commit and token. */
  target: StatusTarget
  /** Where the commit came from, for the log: the sha input, the pull request's head, ... */
  shaFrom: string
  /** status-context as given; empty for the default. */
  context: string
}

export const COMMIT_STATUS: GitHubFeature = {
  input: Input.CommitStatus,
  needs: 'post statuses',
  posts: 'statuses',
  permission: 'statuses: write'
}

/**
 * commit-status and what goes with it. Undefined when statuses are off; `errors` gets every
 * problem, each naming the input (or the runner's variable) and what to do.
 */
export function readStatusSettings(
  read: (name: InputName) => string,
  enabled: boolean,
  errors: string[],
  github: (feature: GitHubFeature) => GitHubRepoApi | undefined,
  eventOf: () => GitHubEvent,
  words: Words = RUNNER_WORDS
): StatusSettings | undefined {
  const { input, inputs } = words
  const context = read(Input.StatusContext)
  const sha = read(Input.Sha)
  if (!enabled) {
    const unused = [context !== '' && Input.StatusContext, sha !== '' && Input.Sha].filter(
      (name) => name !== false
    )
    if (unused.length > 0)
      errors.push(
        unused.length > 1
          ? `${inputs(unused)} only apply with ${Input.CommitStatus}: true: set ${Input.CommitStatus}: true, or remove them.`
          : `${input(unused[0] as InputName)} only applies with ${Input.CommitStatus}: true: set ${Input.CommitStatus}: true, or remove it.`
      )
    return undefined
  }
  const before = errors.length
  const api = github(COMMIT_STATUS)
  if (/[\r\n]/.test(context))
    errors.push(`${input(Input.StatusContext)} must be one line, such as hex/nightly-refresh.`)
  if (sha !== '' && !FULL_SHA.test(sha))
    errors.push(
      `${input(Input.Sha)} must be a full commit SHA (40 hexadecimal digits, or 64 in a SHA-256 repository), such as \${{ github.event.pull_request.head.sha }}, got '${sha}'.`
    )

  let shaFrom = `the ${Input.Sha} input`
  let commit = sha.toLowerCase()
  if (sha === '') {
    const chosen = commitOf(eventOf())
    if (chosen.ok) {
      commit = chosen.sha
      shaFrom = chosen.from
    } else
      errors.push(
        `${input(Input.CommitStatus)} is true, but no commit could be found to post on (${chosen.error}): give it as ${words.ref(Input.Sha)}.`
      )
  }
  if (errors.length > before || api === undefined) return undefined
  return { target: { ...api, sha: commit }, shaFrom, context }
}

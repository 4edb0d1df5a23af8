import { commitOf, FULL_SHA } from '../github/commit.ts'
import { readEvent, type FileReader } from '../github/event.ts'
import { tokenUrlProblem } from '../lib/hosts.ts'
import type { StatusTarget } from '../github/statuses.ts'
import { isPrintableToken } from '../lib/tokens.ts'
import { Input, type InputName, type InputReader } from './inputs.ts'
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

const REPOSITORY = /^[\w.-]+\/[\w.-]+$/

/** The GitHub token, read first so that it can be masked at once. */
export function readGitHubToken(getInput: InputReader): string {
  return getInput(Input.GitHubToken).trim()
}

/**
 * commit-status and what goes with it. Undefined when statuses are off; `errors` gets every
 * problem, each naming the input (or the runner's variable) and what to do.
 */
export function readStatusSettings(
  read: (name: InputName) => string,
  enabled: boolean,
  env: NodeJS.ProcessEnv,
  errors: string[],
  readFile?: FileReader,
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
  const token = readGitHubToken(read)
  if (token === '')
    errors.push(
      `${input(Input.GitHubToken)} is empty, and ${Input.CommitStatus} needs it to post statuses: leave it out (it defaults to \${{ github.token }}) and give the job \`permissions: statuses: write\`.`
    )
  else if (!isPrintableToken(token))
    errors.push(
      `${input(Input.GitHubToken)} contains white space or a character that is not printable ASCII: pass the token alone.`
    )
  if (/[\r\n]/.test(context))
    errors.push(`${input(Input.StatusContext)} must be one line, such as hex/nightly-refresh.`)
  if (sha !== '' && !FULL_SHA.test(sha))
    errors.push(
      `${input(Input.Sha)} must be a full commit SHA (40 hexadecimal digits, or 64 in a SHA-256 repository), such as \${{ github.event.pull_request.head.sha }}, got '${sha}'.`
    )

  const repository = env.GITHUB_REPOSITORY ?? ''
  if (!REPOSITORY.test(repository))
    errors.push(
      `${input(Input.CommitStatus)} is true, but GITHUB_REPOSITORY is ${repository === '' ? 'not set' : `'${repository}'`}: statuses can only be posted from a GitHub Actions job.`
    )
  // The runner sets it: GitHub's own API, or a GitHub Enterprise Server's /api/v3.
  const apiUrl = (env.GITHUB_API_URL ?? '').replace(/\/+$/, '')
  if (apiUrl === '')
    errors.push(
      `${input(Input.CommitStatus)} is true, but GITHUB_API_URL is not set: statuses can only be posted from a GitHub Actions job.`
    )
  else if (!isApiUrl(apiUrl))
    errors.push(
      `${input(Input.CommitStatus)} is true, but GITHUB_API_URL is '${apiUrl}', not an https:// URL: the GitHub token is sent only over https.`
    )
  let shaFrom = `the ${Input.Sha} input`
  let commit = sha.toLowerCase()
  if (sha === '') {
    const chosen = commitOf(readEvent(env, readFile))
    if (chosen.ok) {
      commit = chosen.sha
      shaFrom = chosen.from
    } else
      errors.push(
        `${input(Input.CommitStatus)} is true, but no commit could be found to post on (${chosen.error}): give it as ${words.ref(Input.Sha)}.`
      )
  }
  if (errors.length > before) return undefined
  const [owner, repo] = repository.split('/') as [string, string]
  return { target: { apiUrl, owner, repo, sha: commit, token }, shaFrom, context }
}

function isApiUrl(value: string): boolean {
  try {
    return tokenUrlProblem(new URL(value)) === undefined
  } catch {
    return false
  }
}

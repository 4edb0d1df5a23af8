/**
 * What every GitHub feature of the action (commit statuses, the pull-request comment) needs from
 * the inputs and the runner: github-token, GITHUB_REPOSITORY and GITHUB_API_URL, checked once
 * however many features are on, each problem named with the input that turned the first one on.
 */
import type { GitHubApi } from '../github/octokit.ts'
import { tokenUrlProblem } from '../lib/hosts.ts'
import { isPrintableToken } from '../lib/tokens.ts'
import { Input, type InputName, type InputReader } from './inputs.ts'
import type { Words } from './words.ts'

/** GitHub's API, a repository on it and the token. */
export interface GitHubRepoApi extends GitHubApi {
  owner: string
  repo: string
}

/** A feature that talks to GitHub, for the words of its problems. */
export interface GitHubFeature {
  /** The input that turns it on. */
  input: InputName
  /** What it needs the token for, after "needs it to": "post statuses". */
  needs: string
  /** What it posts, before "can only be posted": "statuses". */
  posts: string
  /** The job's permission it needs: "statuses: write". */
  permission: string
}

const REPOSITORY = /^[\w.-]+\/[\w.-]+$/

/** The GitHub token, read first so that it can be masked at once. */
export function readGitHubToken(getInput: InputReader): string {
  return getInput(Input.GitHubToken).trim()
}

/**
 * Reads GitHub's API for the features that are on: the first call checks and says every problem
 * (in `errors`), later ones give the same answer and say nothing more.
 */
export function gitHubApiReader(
  read: (name: InputName) => string,
  env: NodeJS.ProcessEnv,
  errors: string[],
  words: Words
): (feature: GitHubFeature) => GitHubRepoApi | undefined {
  let read_: { api: GitHubRepoApi | undefined } | undefined
  return (feature) => (read_ ??= { api: readApi(read, feature, env, errors, words) }).api
}

function readApi(
  read: (name: InputName) => string,
  feature: GitHubFeature,
  env: NodeJS.ProcessEnv,
  errors: string[],
  { input }: Words
): GitHubRepoApi | undefined {
  const before = errors.length
  const token = readGitHubToken(read)
  if (token === '')
    errors.push(
      `${input(Input.GitHubToken)} is empty, and ${feature.input} needs it to ${feature.needs}: leave it out (it defaults to \${{ github.token }}) and give the job \`permissions: ${feature.permission}\`.`
    )
  else if (!isPrintableToken(token))
    errors.push(
      `${input(Input.GitHubToken)} contains white space or a character that is not printable ASCII: pass the token alone.`
    )
  const onlyInAJob = `${feature.posts} can only be posted from a GitHub Actions job`
  const repository = env.GITHUB_REPOSITORY ?? ''
  if (!REPOSITORY.test(repository))
    errors.push(
      `${input(feature.input)} is true, but GITHUB_REPOSITORY is ${repository === '' ? 'not set' : `'${repository}'`}: ${onlyInAJob}.`
    )
  // The runner sets it: GitHub's own API, or a GitHub Enterprise Server's /api/v3.
  const apiUrl = (env.GITHUB_API_URL ?? '').replace(/\/+$/, '')
  if (apiUrl === '')
    errors.push(`${input(feature.input)} is true, but GITHUB_API_URL is not set: ${onlyInAJob}.`)
  else if (!isApiUrl(apiUrl))
    errors.push(
      `${input(feature.input)} is true, but GITHUB_API_URL is '${apiUrl}', not an https:// URL: the GitHub token is sent only over https.`
    )
  if (errors.length > before) return undefined
  const [owner, repo] = repository.split('/') as [string, string]
  return { apiUrl, owner, repo, token }
}

function isApiUrl(value: string): boolean {
  try {
    return tokenUrlProblem(new URL(value)) === undefined
  } catch {
    return false
  }
}

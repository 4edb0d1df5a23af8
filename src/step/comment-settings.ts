/**
 * pr-comment: true, read and checked with the other inputs: GitHub's API (github-settings.ts), the
 * pull request of the event, and what names the step's comment so that the next run of the same
 * job finds it again (CommentKey).
 */
import { payloadField, type GitHubEvent } from '../github/event.ts'
import { tokenUrlProblem } from '../lib/hosts.ts'
import type { GitHubFeature, GitHubRepoApi } from './github-settings.ts'
import { Input } from './inputs.ts'

/**
 * Which comment is the step's: one per workflow file, job, step and set of projects. A matrix's
 * jobs share the job's ID (GITHUB_JOB) and the step's, so the projects tell them apart; two steps
 * of one job differ by the step (GITHUB_ACTION: the step's `id`, or the action's name with _2, _3
 * for later uses). A matrix whose jobs run the same projects in the same step shares one comment.
 */
export interface CommentKey {
  /** The workflow's file (GITHUB_WORKFLOW_REF without the ref), or its name (GITHUB_WORKFLOW). */
  workflow: string
  /** GITHUB_JOB: the job's ID in the workflow. */
  job: string
  /** GITHUB_ACTION: the step's ID, or the action's name and number in the job. */
  step: string
  /** As the inputs give them (IDs or titles), sorted. */
  projects: string[]
}

export interface PrCommentSettings {
  api: GitHubRepoApi
  /** GITHUB_EVENT_NAME. */
  event: string
  /** The pull request of a pull_request or pull_request_target event; undefined for the rest. */
  pullRequest?: number
  key: CommentKey
  /** This workflow run on GitHub, for the comment's footer; undefined when the runner gives none. */
  runUrl?: string
}

export const PR_COMMENT: GitHubFeature = {
  input: Input.PrComment,
  needs: 'comment on the pull request',
  posts: 'pull-request comments',
  permission: 'pull-requests: write'
}

/** The events whose pull request gets the comment. */
export const PULL_REQUEST_EVENTS: readonly string[] = ['pull_request', 'pull_request_target']

/** pr-comment's settings; undefined when it is off or GitHub's API does not read. */
export function readPrCommentSettings(
  enabled: boolean,
  projects: string[],
  env: NodeJS.ProcessEnv,
  github: (feature: GitHubFeature) => GitHubRepoApi | undefined,
  eventOf: () => GitHubEvent
): PrCommentSettings | undefined {
  if (!enabled) return undefined
  const api = github(PR_COMMENT)
  if (api === undefined) return undefined
  const event = eventOf()
  const number = payloadField(event.payload, 'pull_request', 'number')
  const pullRequest =
    PULL_REQUEST_EVENTS.includes(event.name) && Number.isSafeInteger(number) && Number(number) > 0
      ? Number(number)
      : undefined
  return {
    api,
    event: event.name,
    pullRequest,
    key: {
      workflow: (env.GITHUB_WORKFLOW_REF ?? '').replace(/@.*$/, '') || (env.GITHUB_WORKFLOW ?? ''),
      job: env.GITHUB_JOB ?? '',
      step: env.GITHUB_ACTION ?? '',
      projects: [...projects].sort()
    },
    runUrl: runUrlOf(env)
  }
}

/** GITHUB_SERVER_URL/GITHUB_REPOSITORY/actions/runs/GITHUB_RUN_ID, when each is what it should be. */
function runUrlOf(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server = '', GITHUB_REPOSITORY: repository = '' } = env
  const runId = env.GITHUB_RUN_ID ?? ''
  if (!/^\d+$/.test(runId) || !/^[\w.-]+\/[\w.-]+$/.test(repository)) return undefined
  try {
    const base = new URL(server)
    if (tokenUrlProblem(base) !== undefined || base.pathname !== '/') return undefined
    const attempt = env.GITHUB_RUN_ATTEMPT ?? ''
    const again = /^\d+$/.test(attempt) && Number(attempt) > 1 ? `/attempts/${attempt}` : ''
    return `${base.origin}/${repository}/actions/runs/${runId}${again}`
  } catch {
    return undefined
  }
}

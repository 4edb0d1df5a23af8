// Generated from action.yml by scripts/generate-cli-options.ts (npm run docs:cli): do not edit.
import type { InputName } from '../step/inputs.ts'

/** One input of action.yml as --help shows it. */
export interface InputSummary {
  name: InputName
  /** As action.yml declares it; '' for none. */
  default: string
  /** The first sentence of its description. */
  summary: string
}

/** Every input of action.yml, in its order. */
export const ACTION_INPUTS: readonly InputSummary[] = [
  {
    name: 'project-id',
    default: '',
    summary:
      "ID (UUID) of the published Hex project to run: the UUID after /hex/ in the project's URL."
  },
  { name: 'project-name', default: '', summary: 'Title of the project to run instead of its ID.' },
  { name: 'run-id', default: '', summary: 'Wait for this run instead of triggering one.' },
  {
    name: 'if-running',
    default: 'start',
    summary: 'What to do if the project has a run in progress: start, wait, attach or skip.'
  },
  {
    name: 'api-token',
    default: '',
    summary:
      'Hex API token with the "Run projects" scope (a workspace token or a personal access token).'
  },
  {
    name: 'input-params',
    default: '{}',
    summary: 'Input parameters for the run, as a JSON object.'
  },
  {
    name: 'timeout',
    default: '1h',
    summary: 'The longest time to wait for the run, such as 90s, 30m, 1h30m or 2h.'
  },
  {
    name: 'poll-interval',
    default: '5s',
    summary: 'The longest gap between two run status requests, in the same form as timeout.'
  },
  {
    name: 'history',
    default: 'true',
    summary: "Learn from the project's recent runs how long a run usually takes."
  },
  {
    name: 'request-timeout',
    default: '30s',
    summary: 'The longest one request to Hex may take, in the same form as timeout.'
  },
  { name: 'api-url', default: 'https://app.hex.tech/api/v1', summary: 'Base URL of the Hex API.' },
  { name: 'wait', default: 'true', summary: 'Wait for the run to finish.' },
  {
    name: 'cancel-on-timeout',
    default: 'true',
    summary: 'Cancel the Hex run when timeout passes.'
  },
  {
    name: 'cancel-on-workflow-cancel',
    default: 'true',
    summary: 'Cancel the Hex run when the workflow is cancelled.'
  },
  {
    name: 'fail-on-run-failure',
    default: 'true',
    summary: 'Fail the step unless the run ends COMPLETED.'
  },
  {
    name: 'retry-unallocated',
    default: '0',
    summary: 'How many times to start again a run that ended UNABLE_TO_ALLOCATE_KERNEL (0 to 5).'
  },
  {
    name: 'update-published-results',
    default: 'false',
    summary:
      'Update the published app with the results of this run (sent as updatePublishedResults).'
  },
  {
    name: 'use-cached-sql-results',
    default: 'true',
    summary: 'Let SQL cells reuse cached results (sent as useCachedSqlResults).'
  },
  {
    name: 'dry-run',
    default: 'false',
    summary: 'Ask Hex to validate the request without starting a run (sent as dryRun).'
  },
  {
    name: 'view-id',
    default: '',
    summary: 'ID of a saved view whose inputs the run uses (sent as viewId).'
  },
  {
    name: 'max-parallel',
    default: '4',
    summary:
      'With several projects, the most runs going at once; the rest start as earlier ones end.'
  },
  {
    name: 'fail-fast',
    default: 'false',
    summary:
      'With several projects, cancel the runs still going (and start no more) as soon as one fails.'
  },
  {
    name: 'notifications',
    default: '',
    summary: 'Notifications to send when the run ends, as a JSON array.'
  },
  {
    name: 'commit-status',
    default: 'false',
    summary: 'Post a GitHub commit status for each Hex run, linking to the run.'
  },
  {
    name: 'github-token',
    default: '${{ github.token }}',
    summary: "Token for GitHub's API, used only for commit statuses and pr-comment."
  },
  { name: 'status-context', default: '', summary: 'Name of the commit status.' },
  { name: 'sha', default: '', summary: 'Commit to post statuses on.' },
  {
    name: 'pr-comment',
    default: 'false',
    summary: "Post the step's result table as a comment on the pull request."
  }
]

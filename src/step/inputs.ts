/**
 * Names of the action's inputs, in one place so that a rename is a one-file change. action.yml is
 * the source of truth for names and defaults; a test keeps this file equal to it. Both edges read
 * these: the runner as `with:` inputs, the command line as options.
 */

export const Input = {
  ProjectId: 'project-id',
  ProjectName: 'project-name',
  RunId: 'run-id',
  IfRunning: 'if-running',
  ApiToken: 'api-token',
  InputParams: 'input-params',
  Timeout: 'timeout',
  PollInterval: 'poll-interval',
  History: 'history',
  RequestTimeout: 'request-timeout',
  ApiUrl: 'api-url',
  Wait: 'wait',
  CancelOnTimeout: 'cancel-on-timeout',
  CancelOnWorkflowCancel: 'cancel-on-workflow-cancel',
  FailOnRunFailure: 'fail-on-run-failure',
  RetryUnallocated: 'retry-unallocated',
  UpdatePublishedResults: 'update-published-results',
  UseCachedSqlResults: 'use-cached-sql-results',
  DryRun: 'dry-run',
  ViewId: 'view-id',
  Notifications: 'notifications',
  MaxParallel: 'max-parallel',
  FailFast: 'fail-fast',
  CommitStatus: 'commit-status',
  GitHubToken: 'github-token',
  StatusContext: 'status-context',
  Sha: 'sha',
  PrComment: 'pr-comment'
} as const
export type InputName = (typeof Input)[keyof typeof Input]

/** Reads one input as the edge passes it; '' when it is not set. */
export type InputReader = (name: InputName) => string

/**
 * The defaults declared in action.yml. The runner fills them in before the action starts; they are
 * repeated here only for an input set explicitly to an empty string (`timeout: ''`, or
 * `${{ inputs.x }}` of an unset workflow input), which the runner passes through as empty.
 */
export const Defaults = {
  [Input.ApiToken]: '',
  [Input.InputParams]: '{}',
  [Input.Timeout]: '1h',
  [Input.PollInterval]: '5s',
  [Input.History]: 'true',
  [Input.RequestTimeout]: '30s',
  [Input.ApiUrl]: 'https://app.hex.tech/api/v1',
  [Input.Wait]: 'true',
  [Input.CancelOnTimeout]: 'true',
  [Input.CancelOnWorkflowCancel]: 'true',
  [Input.FailOnRunFailure]: 'true',
  [Input.RetryUnallocated]: '0',
  [Input.UpdatePublishedResults]: 'false',
  [Input.UseCachedSqlResults]: 'true',
  [Input.DryRun]: 'false',
  [Input.ViewId]: '',
  [Input.Notifications]: '',
  [Input.ProjectId]: '',
  [Input.ProjectName]: '',
  [Input.RunId]: '',
  [Input.IfRunning]: 'start',
  [Input.MaxParallel]: '4',
  [Input.FailFast]: 'false',
  [Input.CommitStatus]: 'false',
  [Input.StatusContext]: '',
  [Input.Sha]: '',
  [Input.PrComment]: 'false'
  // github-token defaults to ${{ github.token }}, an expression only the runner can fill in.
} as const satisfies Partial<Record<InputName, string>>

/** The inputs that only mean something on a GitHub runner: the command line does not take them. */
export const RUNNER_ONLY_INPUTS: readonly InputName[] = [
  Input.CommitStatus,
  Input.GitHubToken,
  Input.StatusContext,
  Input.Sha,
  Input.PrComment
]

/** Where the token comes from when the api-token input is empty. */
export const TOKEN_ENV = 'HEX_API_TOKEN'

/** Prefix of every failure message, so a failed step says which action failed. */
export const ACTION_NAME = 'hex-run-action'

const TRUE = ['true', 'True', 'TRUE']
const FALSE = ['false', 'False', 'FALSE']

/** A true/false input's value as the runner reads YAML 1.2's booleans; undefined for anything else. */
export function booleanValue(text: string): boolean | undefined {
  if (TRUE.includes(text)) return true
  if (FALSE.includes(text)) return false
  return undefined
}

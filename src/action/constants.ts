/**
 * Names of the action's inputs, outputs and environment variables, in one place so that a rename
 * is a one-file change. action.yml is the source of truth for names and defaults; a test keeps
 * this file equal to it.
 */

export const Input = {
  ProjectId: 'project-id',
  ProjectName: 'project-name',
  RunId: 'run-id',
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
  Sha: 'sha'
} as const
export type InputName = (typeof Input)[keyof typeof Input]

export const Output = {
  RunId: 'run-id',
  RunUrl: 'run-url',
  StatusUrl: 'status-url',
  Status: 'status',
  ElapsedSeconds: 'elapsed-seconds',
  UsualSeconds: 'usual-seconds',
  StartedAt: 'started-at',
  EndedAt: 'ended-at',
  TraceId: 'trace-id',
  ProjectVersion: 'project-version',
  Runs: 'runs'
} as const
export type OutputName = (typeof Output)[keyof typeof Output]

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
  [Input.UpdatePublishedResults]: 'false',
  [Input.UseCachedSqlResults]: 'true',
  [Input.DryRun]: 'false',
  [Input.ViewId]: '',
  [Input.Notifications]: '',
  [Input.ProjectId]: '',
  [Input.ProjectName]: '',
  [Input.RunId]: '',
  [Input.MaxParallel]: '4',
  [Input.FailFast]: 'false',
  [Input.CommitStatus]: 'false',
  [Input.StatusContext]: '',
  [Input.Sha]: ''
  // github-token defaults to ${{ github.token }}, an expression only the runner can fill in.
} as const satisfies Partial<Record<InputName, string>>

/** The inputs that only mean something on a GitHub runner: the command line does not take them. */
export const RUNNER_ONLY_INPUTS: readonly InputName[] = [
  Input.CommitStatus,
  Input.GitHubToken,
  Input.StatusContext,
  Input.Sha
]

/** Where the token comes from when the api-token input is empty. */
export const TOKEN_ENV = 'HEX_API_TOKEN'

/** Prefix of every failure message, so a failed step says which action failed. */
export const ACTION_NAME = 'hex-run-action'

/** Keys of the state the main step hands to the post step. */
export const State = {
  /** Set by the main step, so the same bundle knows it runs as the post step. */
  IsPost: 'isPost',
  /** JSON list of the step's runs and what became of each (see ledger.ts). */
  Runs: 'runs',
  /** JSON list of the commit statuses left pending, for the post step to finish (see commit-status.ts). */
  Statuses: 'statuses'
} as const
export type StateName = (typeof State)[keyof typeof State]

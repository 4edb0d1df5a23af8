/**
 * Names of the action's outputs and of the state the main step hands to the post step: the
 * runner's side only (the inputs, which the command line shares, are in step/inputs.ts). A test
 * keeps the outputs equal to action.yml.
 */

export const Output = {
  RunId: 'run-id',
  RunUrl: 'run-url',
  StatusUrl: 'status-url',
  Status: 'status',
  ElapsedSeconds: 'elapsed-seconds',
  UsualSeconds: 'usual-seconds',
  QueuedSeconds: 'queued-seconds',
  RunSeconds: 'run-seconds',
  ProjectTitle: 'project-title',
  StartedAt: 'started-at',
  EndedAt: 'ended-at',
  TraceId: 'trace-id',
  ProjectVersion: 'project-version',
  Runs: 'runs'
} as const
export type OutputName = (typeof Output)[keyof typeof Output]

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

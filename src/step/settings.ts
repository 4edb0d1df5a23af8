import { formatDuration, isBareSeconds, parseDuration } from '../lib/duration.ts'
import { isPrintableToken } from '../lib/tokens.ts'
import {
  booleanValue,
  Defaults,
  Input,
  TOKEN_ENV,
  type InputName,
  type InputReader
} from './inputs.ts'
import {
  lines,
  parseApiUrl,
  parseCount,
  parseInputParams,
  parseNotifications,
  parseProjectId
} from './parse.ts'
import { readEvent, type FileReader, type GitHubEvent } from '../github/event.ts'
import type { InProgressPolicy } from '../runs/types.ts'
import { readPrCommentSettings, type PrCommentSettings } from './comment-settings.ts'
import { gitHubApiReader, readGitHubToken } from './github-settings.ts'
import { readStatusSettings, type StatusSettings } from './status-settings.ts'
import { readIfRunning, runIdProblems } from './run-settings.ts'
import { RUNNER_WORDS, type Words } from './words.ts'

/** Everything the action was asked to do, read and checked once before any request. */
export interface Settings {
  /** The Hex projects to run, by ID (UUIDs, lower-cased); empty when named instead. */
  projectIds: string[]
  /** The Hex projects to run, by title, resolved through ListProjects; empty when given by ID. */
  projectNames: string[]
  /** Wait for this run (already started) instead of triggering one. Only with one project. */
  runId?: string
  /** What to do when the project already has a run in progress (if-running). */
  ifRunning: InProgressPolicy
  /** The most runs going at once when several projects are given. */
  maxParallel: number
  /** With several projects: cancel the rest when one fails. */
  failFast: boolean
  /** The Hex API token. Never logged, never in an output or the summary. */
  apiToken: string
  /** Sent as inputParams; empty means none are sent. */
  inputParams: Record<string, unknown>
  /** The longest wait for the run, from the trigger on. */
  timeoutMs: number
  /** The longest gap between two status requests. */
  pollIntervalMs: number
  /** Read the project's recent runs and poll around the expected end. */
  history: boolean
  /** The longest one request may take. */
  requestTimeoutMs: number
  /** API base without a trailing slash, e.g. https://app.hex.tech/api/v1. */
  apiBase: string
  /** false: trigger, set outputs, return. */
  wait: boolean
  cancelOnTimeout: boolean
  /** Cancel the run when the workflow is cancelled or the step is stopped. */
  cancelOnWorkflowCancel: boolean
  failOnRunFailure: boolean
  /** Start a run that ended UNABLE_TO_ALLOCATE_KERNEL again, up to this many times (0 to 5). */
  retryUnallocated: number
  updatePublishedResults: boolean
  useCachedSqlResults: boolean
  dryRun: boolean
  /** A saved view whose inputs the run uses. */
  viewId?: string
  /** Sent as notifications, as given. */
  notifications?: Record<string, unknown>[]
  /** commit-status: true: where each run's GitHub commit status goes. */
  commitStatus?: StatusSettings
  /** pr-comment: true: where the step's comment goes and what names it. */
  prComment?: PrCommentSettings
}

export type SettingsResult =
  | {
      ok: true
      settings: Settings
      /** What the step should say about its inputs before it starts (a bare number read as seconds). */
      notes: string[]
      /** Inputs that read but look like a mistake: shown as warnings. */
      warnings: string[]
    }
  | { ok: false; errors: string[] }

/** Status requests count against Hex's rate limit (30 a minute by default); 1s is the floor. */
const MIN_POLL_INTERVAL_MS = 1_000
/** The longest job a self-hosted runner runs (5 days); GitHub-hosted runners stop at 6 h. */
const MAX_TIMEOUT_MS = 120 * 60 * 60 * 1000
/** A bare timeout this short (2 minutes as seconds) was more likely meant as minutes. */
const MINUTES_LIKELY_MS = 120_000
/**
 * retry-unallocated: at most six runs of a project per step, so a matrix of eight jobs stays under
 * the 60 triggers an hour of Hex's mid-2025 reference, and the waits (runs/attempts.ts) add up to
 * some ten minutes, well within the default timeout.
 */
const RETRY_RANGE = { min: 0, max: 5 }
/** Below this, a slow but healthy answer would be abandoned. */
const MIN_REQUEST_TIMEOUT_MS = 1_000

/** The token, from api-token or else HEX_API_TOKEN. Read first so it can be masked at once. */
export function readToken(getInput: InputReader, env: NodeJS.ProcessEnv): string {
  const raw = getInput(Input.ApiToken) || (env[TOKEN_ENV] ?? '')
  return raw.trim().replace(/^Bearer\s+/i, '')
}

/** Every token the inputs give (Hex's, GitHub's), read before anything else so each is masked. */
export function readTokens(getInput: InputReader, env: NodeJS.ProcessEnv): string[] {
  return [readToken(getInput, env), readGitHubToken(getInput)].filter((token) => token !== '')
}

/**
 * Reads and checks every input. All problems are reported together, each naming the input and the
 * form it takes, so one run of the workflow shows everything to fix. `words` names the inputs as
 * the edge does (`Input 'timeout'` on the runner, `--timeout` on the command line).
 */
export function readSettings(
  getInput: InputReader,
  env: NodeJS.ProcessEnv,
  readFile?: FileReader,
  words: Words = RUNNER_WORDS
): SettingsResult {
  const errors: string[] = []
  const notes: string[] = []
  const warnings: string[] = []
  const { input, inputs, ref } = words
  const read = (name: InputName): string => {
    const value = getInput(name).trim()
    return value !== '' ? value : ((Defaults as Partial<Record<InputName, string>>)[name] ?? '')
  }
  const bool = (name: InputName): boolean => {
    const value = read(name)
    const parsed = booleanValue(value)
    if (parsed !== undefined) return parsed
    errors.push(`${input(name)} must be true or false, got '${value}'.`)
    return false
  }
  const duration = (
    name: InputName,
    minMs: number,
    max?: { ms: number; text: string; why: string }
  ): number => {
    const value = read(name)
    const ms = parseDuration(value)
    if (ms === undefined) {
      errors.push(
        `${input(name)} must be a duration such as 90s, 30m, 1h30m or a number of seconds, got '${value}'.`
      )
      return minMs
    }
    if (ms < minMs) {
      errors.push(`${input(name)} must be at least ${formatDuration(minMs)}, got '${value}'.`)
      return minMs
    }
    if (max !== undefined && ms > max.ms) {
      errors.push(`${input(name)} must be at most ${max.text}, got '${value}': ${max.why}.`)
      return max.ms
    }
    if (isBareSeconds(value)) {
      notes.push(`${input(name)} is ${value}, a bare number: read as ${formatDuration(ms)}.`)
      if (name === Input.Timeout && ms <= MINUTES_LIKELY_MS)
        warnings.push(
          `${input(name)} is ${value}, read as ${value} seconds. If you meant minutes, write ${value}m (GitHub's timeout-minutes counts minutes; this one counts seconds). Write ${value}s to keep seconds without this warning.`
        )
    }
    return ms
  }

  const projectIds = lines(read(Input.ProjectId)).map((id) => parseProjectId(id, errors, words))
  const projectNames = lines(read(Input.ProjectName))
  if (projectIds.length === 0 && projectNames.length === 0)
    errors.push(
      `${input(Input.ProjectId)} is required: the UUID of the Hex project, found after /hex/ in the project's URL (or give its title as ${ref(Input.ProjectName)}).`
    )
  if (projectIds.length > 0 && projectNames.length > 0)
    errors.push(
      `${inputs([Input.ProjectId, Input.ProjectName])} cannot be used together: give the projects by ID or by title.`
    )
  for (const list of [projectIds, projectNames]) {
    const twice = list.filter((item, i) => list.indexOf(item) !== i)
    if (twice.length > 0)
      errors.push(`Project '${twice[0]}' is listed twice: each project runs once per step.`)
  }
  const runId = read(Input.RunId) || undefined
  const apiToken = readToken(getInput, env)
  if (apiToken === '') {
    errors.push(words.noToken)
  } else if (/\s/.test(apiToken)) {
    errors.push(
      `${input(Input.ApiToken)} contains white space: pass the token alone, as Hex shows it.`
    )
  } else if (!isPrintableToken(apiToken)) {
    errors.push(
      `${input(Input.ApiToken)} contains a character that is not printable ASCII (a zero-width space or a typographic quote, pasted with it?): pass the token alone, as Hex shows it.`
    )
  }
  const inputParams = parseInputParams(read(Input.InputParams), errors, words)
  const timeoutMs = duration(Input.Timeout, 1_000, {
    ms: MAX_TIMEOUT_MS,
    text: '120h',
    why: 'no job runs longer (5 days on a self-hosted runner, 6h on a GitHub-hosted one)'
  })
  const pollIntervalMs = duration(Input.PollInterval, MIN_POLL_INTERVAL_MS)
  const requestTimeoutMs = duration(Input.RequestTimeout, MIN_REQUEST_TIMEOUT_MS)
  const apiBase = parseApiUrl(read(Input.ApiUrl), errors, words)
  const viewId = read(Input.ViewId) || undefined
  if (viewId !== undefined && Object.keys(inputParams).length > 0) {
    errors.push(
      `${inputs([Input.ViewId, Input.InputParams])} cannot be used together: Hex takes the input values from the saved view. Remove one of them.`
    )
  }
  const notifications = parseNotifications(read(Input.Notifications), errors, words)
  const dryRun = bool(Input.DryRun)
  const retry = read(Input.RetryUnallocated)
  const retryUnallocated = parseCount(Input.RetryUnallocated, retry, errors, words, RETRY_RANGE)
  if (runId !== undefined)
    errors.push(
      ...runIdProblems(
        runId,
        projectIds.length + projectNames.length,
        [
          Object.keys(inputParams).length > 0 && Input.InputParams,
          viewId !== undefined && Input.ViewId,
          notifications !== undefined && Input.Notifications,
          dryRun && Input.DryRun,
          retryUnallocated > 0 && Input.RetryUnallocated
        ],
        words
      )
    )
  const wait = bool(Input.Wait)
  // No run whose end the step sees, nothing to start again: a warning, as the step can do the rest
  // (a workflow may switch wait or dry-run by an expression), but no one must think retries are on.
  if (retryUnallocated > 0 && runId === undefined && (dryRun || !wait))
    warnings.push(
      `${input(Input.RetryUnallocated)} has no effect with ${words.setting(dryRun ? Input.DryRun : Input.Wait, dryRun)}: the step does not see the run end, so it cannot start it again.`
    )
  const ifRunning = readIfRunning(read(Input.IfRunning), runId !== undefined, errors, words)
  const maxParallel = parseCount(Input.MaxParallel, read(Input.MaxParallel), errors, words)
  // GitHub's API and the event are read once, for every GitHub feature that is on.
  const github = gitHubApiReader(read, env, errors, words)
  let event: GitHubEvent | undefined
  const eventOf = () => (event ??= readEvent(env, readFile))
  const commitStatus = readStatusSettings(
    read,
    bool(Input.CommitStatus),
    errors,
    github,
    eventOf,
    words
  )
  const prComment = readPrCommentSettings(
    bool(Input.PrComment),
    projectIds.length > 0 ? projectIds : projectNames,
    env,
    github,
    eventOf
  )

  const settings: Settings = {
    projectIds,
    projectNames,
    runId: runId?.toLowerCase(),
    ifRunning,
    maxParallel,
    failFast: bool(Input.FailFast),
    apiToken,
    inputParams,
    timeoutMs,
    pollIntervalMs,
    history: bool(Input.History),
    requestTimeoutMs,
    apiBase,
    wait,
    cancelOnTimeout: bool(Input.CancelOnTimeout),
    cancelOnWorkflowCancel: bool(Input.CancelOnWorkflowCancel),
    failOnRunFailure: bool(Input.FailOnRunFailure),
    retryUnallocated,
    updatePublishedResults: bool(Input.UpdatePublishedResults),
    useCachedSqlResults: bool(Input.UseCachedSqlResults),
    dryRun,
    viewId,
    notifications,
    commitStatus,
    prComment
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, settings, notes, warnings }
}

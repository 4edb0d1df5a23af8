import type {
  CommitStatus,
  CommitStatuses,
  githubStatuses,
  StatusState
} from '../github/statuses.ts'
import { readList } from '../lib/json-list.ts'
import type { Runtime } from '../lib/runtime.ts'
import { safeLine } from '../lib/safe-text.ts'
import type { RunFacts, RunOutcome, RunTarget } from '../runs/types.ts'
export { finalStatus } from './status-end.ts'
import { State } from './constants.ts'
import type { ActionIO } from './io.ts'
import type { RunObserver } from '../step/run-step.ts'
import { titleOf } from '../step/run-words.ts'
import type { Settings } from '../step/settings.ts'
import { finalStatus } from './status-end.ts'
import { titled } from './status-title.ts'
import type { StatusSettings } from '../step/status-settings.ts'

/**
 * What the action's steps may use besides the runner and the process. Commit statuses come in
 * through here, from the action's entry, so that nothing else loads Octokit.
 */
export interface ActionServices {
  /** Posts GitHub commit statuses (github/statuses.ts); without it, commit-status cannot be on. */
  statuses?: typeof githubStatuses
}

/** With commit-status on, what posts each run's status; the command line has none to give. */
export function statusReporter(
  settings: Settings,
  services: ActionServices,
  runtime: Runtime,
  io: ActionIO,
  several: boolean
): CommitStatusReporter | undefined {
  if (settings.commitStatus === undefined) return undefined
  if (services.statuses === undefined) {
    io.warning('commit-status is true, but commit statuses cannot be posted from here.')
    return undefined
  }
  const target = settings.commitStatus.target
  const poster = services.statuses(target, { fetch: runtime.fetch, clock: runtime })
  return new CommitStatusReporter(settings.commitStatus, poster, io, several)
}

/**
 * A status posted pending and not yet finished, as saved in the step state: if the main step is
 * killed, the post step finishes it (with `final` when the main step had decided it already).
 */
export interface OpenStatus {
  context: string
  runId: string
  targetUrl?: string
  final?: { state: StatusState; description: string }
}

/**
 * The GitHub commit status of each Hex run of the step: pending as soon as Hex accepts the run,
 * then how it ended. Posting goes on beside the runs and never holds one up; `close()` waits for
 * the last statuses (a few seconds at most) before the step reports. A status that cannot be
 * posted is one warning, whatever the number of runs, and never changes the step's result.
 */
export class CommitStatusReporter {
  private readonly open = new Map<string, OpenStatus>()
  private readonly queues = new Map<string, Promise<void>>()
  private warned = false
  /** The token may not post statuses: the rest are not tried. */
  private refused = false

  private readonly settings: StatusSettings
  private readonly statuses: CommitStatuses
  private readonly io: ActionIO & { secrets?: () => readonly string[] }
  private readonly several: boolean

  constructor(
    settings: StatusSettings,
    statuses: CommitStatuses,
    io: ActionIO & { secrets?: () => readonly string[] },
    several: boolean
  ) {
    this.settings = settings
    this.statuses = statuses
    this.io = io
    this.several = several
    const { owner, repo, sha } = settings.target
    io.info(`Commit statuses go on ${owner}/${repo}@${sha.slice(0, 12)} (${settings.shaFrom}).`)
  }

  /** The status's name for this project: one per project, so none overwrites another. */
  contextOf(target: RunTarget): string {
    const project = target.projectName ?? target.projectId
    const given = this.settings.context
    if (given === '') return `hex/${project}`
    return this.several ? `${given}/${project}` : given
  }

  /** The reporter as the step's observer of its runs; `timeoutMs` words a timeout's status. */
  observer(timeoutMs: number): RunObserver {
    return {
      started: (target, run, followed) => this.started(target, run, followed),
      finished: (outcome) => this.finished(outcome, timeoutMs),
      close: () => this.close()
    }
  }

  /** Hex accepted the run (or the run to follow was found). */
  started(target: RunTarget, run: RunFacts, followed: boolean): void {
    const context = this.contextOf(target)
    const targetUrl = this.linkTo(run.runUrl)
    this.open.set(context, { context, runId: run.runId, targetUrl })
    this.save()
    this.send(context, {
      state: 'pending',
      context,
      description: titled(
        followed
          ? 'Waiting for the Hex run'
          : `Hex run started${run.attempt ? ` (attempt ${run.attempt})` : ''}`,
        titleOf({ target, run })
      ),
      targetUrl
    })
  }

  /** The run's outcome: its final status, or pending left as it is (wait: false). */
  finished(outcome: RunOutcome, timeoutMs: number): void {
    const context = this.contextOf(outcome.target)
    const open = this.open.get(context)
    if (open === undefined) {
      // if-running started nothing: the context still gets its end, or a required check waits.
      if ('running' in outcome || outcome.kind === 'unchecked')
        this.finish(
          {
            context,
            runId: '',
            targetUrl: 'running' in outcome ? this.linkTo(outcome.running.runUrl) : undefined
          },
          finalStatus(outcome, timeoutMs)
        )
      return
    }
    if (outcome.kind === 'not-waited') {
      // The run goes on; a later step that follows it (run-id, commit-status) finishes the status.
      this.open.delete(context)
      this.save()
      return
    }
    const final = finalStatus(outcome, timeoutMs)
    this.finish(open, final)
  }

  /**
   * For the post step: finishes the statuses a main step left pending when it was killed, with
   * the end it had decided on, or else `endOf`'s.
   */
  async finishLeftOpen(
    left: OpenStatus[],
    endOf: (open: OpenStatus) => { state: StatusState; description: string }
  ): Promise<void> {
    for (const open of left) {
      const copy = { ...open, final: undefined }
      this.open.set(open.context, copy)
      this.finish(copy, open.final ?? endOf(open))
    }
    await this.close()
  }

  /** Finishes what is still pending (a bug cut the step short) and waits for every status. */
  async close(): Promise<void> {
    for (const open of this.open.values())
      if (open.final === undefined)
        this.finish(open, {
          state: 'error',
          description: 'ERROR: the step failed before the run ended'
        })
    await Promise.all(this.queues.values())
  }

  private finish(open: OpenStatus, final: { state: StatusState; description: string }): void {
    open.final = final
    this.save()
    this.send(open.context, { ...final, context: open.context, targetUrl: open.targetUrl }, () => {
      this.open.delete(open.context)
      this.save()
    })
  }

  /** Queues a status behind the earlier ones of its context, so pending never lands after the end. */
  private send(context: string, status: CommitStatus, then?: () => void): void {
    const previous = this.queues.get(context) ?? Promise.resolve()
    const next = previous.then(async () => {
      await this.post(status)
      then?.()
    })
    this.queues.set(context, next)
  }

  private async post(status: CommitStatus): Promise<void> {
    const secrets = this.io.secrets?.() ?? []
    const safe: CommitStatus = {
      ...status,
      context: safeLine(status.context, secrets),
      description: safeLine(status.description, secrets)
    }
    const { sha } = this.settings.target
    if (this.refused) {
      this.io.debug(`Commit status ${safe.context} (${safe.state}) not posted: see the warning.`)
      return
    }
    const result = await this.statuses.post(safe)
    if (result.ok) {
      this.io.info(
        `Commit status ${safe.context} on ${sha.slice(0, 7)}: ${safe.state} (${safe.description})`
      )
      return
    }
    if (result.failure.kind === 'permission') this.refused = true
    const message = `Commit status ${safe.context} (${safe.state}) could not be posted: ${result.failure.message} The Hex run and the step's result are not affected.`
    if (this.warned) this.io.debug(message)
    else this.io.warning(message, 'Commit status not posted')
    this.warned = true
  }

  /** The run's link for the status, when it is a plain http(s) URL that holds no secret. */
  private linkTo(url: string): string | undefined {
    const secrets = this.io.secrets?.() ?? []
    if (secrets.some((s) => s !== '' && url.includes(s))) return undefined
    try {
      const parsed = new URL(url)
      return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined
    } catch {
      return undefined
    }
  }

  private save(): void {
    this.io.saveState(State.Statuses, JSON.stringify([...this.open.values()]))
  }
}

/** The statuses a main step left open; entries that do not parse are dropped. */
export function readOpenStatuses(text: string): OpenStatus[] {
  const states: readonly unknown[] = ['pending', 'success', 'failure', 'error']
  return readList<OpenStatus>(text, (e) => {
    const final = e.final as { state?: unknown; description?: unknown } | undefined
    return (
      typeof e.context === 'string' &&
      typeof e.runId === 'string' &&
      (e.targetUrl === undefined || typeof e.targetUrl === 'string') &&
      (final === undefined ||
        (typeof final === 'object' &&
          final !== null &&
          states.includes(final.state) &&
          typeof final.description === 'string'))
    )
  })
}

import type { RetryNotice } from '../hex/retry.ts'
import { formatDuration } from '../lib/duration.ts'
import type { CancelOutcome, RunEvent, RunOutcome, RunTarget } from '../runs/types.ts'
import { droppedSentence, retryingLine } from './attempt-words.ts'
import { cancelWording, runningWording } from './outcome-words.ts'
import { Input } from './inputs.ts'
import type { StepIO } from './io.ts'
import { progressLogger } from './progress.ts'
import { phaseWords } from './run-words.ts'
import { RUNNER_WORDS } from './words.ts'

/** The log of one run: its events as they come, and its end in a line or two. */
export interface Narrator {
  event: (event: RunEvent) => void
  outcome: (outcome: RunOutcome) => void
}

/** What each policy does about a run in progress, for the log. */
const DOES = {
  start: 'starting one anyway.',
  wait: 'waiting for it to end (within the timeout) before starting one.',
  attach: 'following it instead of starting one, and reporting its result.',
  skip: 'starting nothing.'
} as const

const RETRYING = { trigger: 'Starting the run', status: 'Reading the run status' } as const

export function narrator(io: StepIO, target: RunTarget): Narrator {
  let eta: string | undefined
  const logProgress = progressLogger(
    { info: io.info, warning: (m) => io.warning(m) },
    undefined,
    () => eta
  )
  const words = io.words ?? RUNNER_WORDS
  return {
    event(event) {
      switch (event.type) {
        case 'sending':
          io.group(`Run request for project ${target.projectId}`, [
            `POST ${event.url}`,
            JSON.stringify(event.request, null, 2)
          ])
          return
        case 'recovered':
          io.warning(event.message, 'Hex run recovered')
          return
        case 'started': {
          const { run } = event
          if (event.followed) {
            const how = run.attached ? 'Attached to Hex run' : 'Following Hex run'
            io.info(`${how} ${run.runId}, started elsewhere: ${run.runUrl}`)
            return
          }
          const about = [
            run.attempt && `attempt ${run.attempt}`,
            run.projectVersion && `project version ${run.projectVersion}`
          ].filter(Boolean)
          const version = about.length > 0 ? ` (${about.join(', ')})` : ''
          io.info(`Started Hex run ${run.runId}${version}: ${run.runUrl}`)
          return
        }
        case 'history': {
          const { history, expectedEndAt } = event
          const usual = formatDuration(history.usualMs)
          const at = clockTime(expectedEndAt)
          eta = `usually ${usual}; expected about ${at}`
          io.info(
            `The project's last ${history.runs} completed API-triggered runs usually took ${usual} (most between ${formatDuration(history.shortestMs)} and ${formatDuration(history.longestMs)}): this one is expected to end about ${at}.`
          )
          return
        }
        case 'title':
          io.info(`Project ${target.projectId} is '${event.title}' in Hex.`)
          return
        case 'no-title':
          io.debug(`The project's title was not read (its ID stands in for it): ${event.why}.`)
          return
        case 'no-history':
          io.debug(`Polling without the project's run history: ${event.why}.`)
          return
        case 'state':
          logProgress(event.state, event)
          return
        case 'retry':
          logRetry(io, RETRYING[event.what], event.notice)
          return
        case 'stopping':
          if (event.by === 'workflow') io.info(words.stopping)
          return
        case 'retrying':
          io.info(retryingLine(event, words))
          return
        case 'retry-dropped':
          io.info(droppedSentence(event.dropped, event.attempt, words))
          return
        case 'in-progress': {
          const policy = `${words.input(Input.IfRunning)} is ${event.policy}`
          const { running } = event
          if (running === undefined) {
            io.info(`${policy}: no run of the project is PENDING or RUNNING; starting one.`)
            return
          }
          const more = event.more > 0 ? ` (and ${event.more} more in progress)` : ''
          io.info(
            `${runningWording(running)} is in progress${more}. ${policy}: ${DOES[event.policy]}`
          )
          return
        }
        case 'in-progress-ended':
          io.info(
            `Hex run ${event.running.runId} ended ${event.status}; looking again for a run in progress before starting one.`
          )
          return
      }
    },
    outcome(outcome) {
      const runId = 'run' in outcome ? (outcome.run?.runId ?? '') : ''
      switch (outcome.kind) {
        case 'ended': {
          const { run, status } = outcome
          const { usualMs, projectTitle } = run
          const usual = usualMs === undefined ? '' : ` (usually ${formatDuration(usualMs)})`
          const of = projectTitle === undefined ? '' : ` of '${projectTitle}'`
          const phases = phaseWords(run)
          const took = formatDuration(run.elapsedMs ?? 0)
          // A run that failed gets its error at the step's end; its times are told here.
          if (status === 'COMPLETED')
            io.info(
              `Hex run ${runId}${of} COMPLETED in ${took}${phases ? `: ${phases}` : ''}${usual}.`
            )
          else if (phases)
            io.info(`Hex run ${runId}${of} ended ${status} after ${took}: ${phases}.`)
          return
        }
        case 'dry-run':
          io.info(
            `${words.setting(Input.DryRun, true)}: Hex validated the request; no run to wait for.`
          )
          return
        case 'not-waited':
          io.info(
            outcome.target.runId === undefined
              ? `${words.setting(Input.Wait, false)}: not waiting for the run to finish.`
              : `${words.setting(Input.Wait, false)}: the run is ${outcome.status}; not waiting for it.`
          )
          return
        case 'timed-out':
          if (outcome.run.queuedMs !== undefined)
            io.info(`Hex run ${runId} waited ${formatDuration(outcome.run.queuedMs)} for a kernel.`)
          logCancel(io, runId, outcome.cancel, Input.CancelOnTimeout)
          return
        case 'stopped':
          if (outcome.cancel) logCancel(io, runId, outcome.cancel, Input.CancelOnWorkflowCancel)
          return
        case 'failed':
          if (outcome.stack) io.debug(outcome.stack)
          return
      }
    }
  }
}

/** A time of day as a log line shows it: 12:04:30 UTC. */
function clockTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`
}

function logCancel(io: StepIO, runId: string, cancel: CancelOutcome, input: string): void {
  const { line } = cancelWording(cancel, runId, input)
  if (line?.warning) io.warning(line.text)
  else if (line) io.info(line.text)
}

function logRetry(io: StepIO, what: string, notice: RetryNotice): void {
  io.info(
    `${what} failed: ${notice.reason}. Trying again in ${formatDuration(notice.delayMs)} (attempt ${notice.attempt + 1}).`
  )
  io.debug(notice.error.message)
}

/**
 * pr-comment: true, once the runs are over: the step's result as a comment on the pull request
 * (comment-body.ts), created the first time and edited in place on every later run of the same
 * job (github/comments.ts). A reader of the StepResult, as publish() is, loaded only when the
 * comment is on. It never fails the step: what GitHub refuses is one warning naming the permission.
 */
import { upsertComment } from '../github/comments.ts'
import type { Runtime } from '../lib/runtime.ts'
import type { PrCommentSettings } from '../step/comment-settings.ts'
import { PULL_REQUEST_EVENTS } from '../step/comment-settings.ts'
import { Input } from '../step/inputs.ts'
import type { StepResult } from '../step/result.ts'
import { commentMarker, renderComment } from './comment-body.ts'
import type { SafeIO } from './io.ts'

/** Posts or updates the step's comment; on any other event, one notice and no request. */
export async function postPrComment(
  io: SafeIO,
  result: StepResult,
  settings: PrCommentSettings,
  runtime: Pick<Runtime, 'fetch' | 'now' | 'sleep' | 'timeout'>
): Promise<void> {
  const { pullRequest, event } = settings
  if (pullRequest === undefined) {
    if (PULL_REQUEST_EVENTS.includes(event))
      io.warning(
        `${Input.PrComment} is true, but the ${event} event's payload has no pull_request.number: no comment is posted.`,
        'Pull-request comment not posted'
      )
    else
      io.notice(
        `${Input.PrComment} is true, but this workflow run was started by ${event ? `a ${event} event` : 'an unnamed event'}, not a pull request: no comment is posted.`,
        'No pull request to comment on'
      )
    return
  }
  const marker = commentMarker(settings.key)
  const body = renderComment(result, {
    key: settings.key,
    runUrl: settings.runUrl,
    now: runtime.now(),
    apiBase: result.apiBase,
    secrets: io.secrets()
  })
  const { owner, repo } = settings.api
  const done = await upsertComment({ ...settings.api, pullRequest }, marker, body, {
    fetch: runtime.fetch,
    clock: runtime
  })
  if (done.ok) {
    io.info(
      `Pull-request comment ${done.done} on ${owner}/${repo}#${pullRequest}: ${done.url ?? ''}`
    )
    return
  }
  io.warning(
    `The comment on pull request ${owner}/${repo}#${pullRequest} could not be posted: ${done.failure.message} The Hex runs and the step's result are not affected.`,
    'Pull-request comment not posted'
  )
}

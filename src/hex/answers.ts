/**
 * Reading Hex's answers: what a field must be before the action believes it. Nothing from Hex is
 * taken as it came: an ID must be a UUID (it goes into later request paths), an answer about
 * another run or project is refused, and what is only shown (a version, a time) is dropped when it
 * is not what it claims.
 */
import { isUuid } from '../lib/ids.ts'
import { HexResponseError, type RequestContext } from './errors.ts'
import { isKnownStatus, type RunState, type StatusEvent } from './types.ts'

/** A project version as Hex gives it: a number or a short plain word. */
const VERSION = /^[\w.+-]{1,64}$/
/** A run trigger as Hex names one (API, SCHEDULED, APP_REFRESH): a plain word, or dropped. */
const TRIGGER = /^[A-Z][A-Z_]{0,31}$/
/** A timestamp as Hex gives it (ISO 8601), e.g. 2026-11-29T12:00:00.000Z. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/

/** The body as JSON, or a HexResponseError that says what came instead. */
export function parseJson(text: string, context: RequestContext): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new HexResponseError(context, `expected JSON, got ${describeBody(text)}`)
  }
}

/** A body that is not what was expected, in a few words for a message. */
export function describeBody(text: string): string {
  const trimmed = text.trim()
  if (trimmed === '') return 'an empty body'
  if (trimmed.startsWith('<')) return 'an HTML page (a proxy or maintenance page?)'
  return `${JSON.stringify(trimmed.slice(0, 80))}${trimmed.length > 80 ? '...' : ''}`
}

export function asObject(json: unknown, context: RequestContext): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new HexResponseError(context, 'expected a JSON object')
  return json as Record<string, unknown>
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

export function requireString(
  o: Record<string, unknown>,
  field: string,
  context: RequestContext
): string {
  const value = optionalString(o[field])
  if (value === undefined) throw new HexResponseError(context, `the field ${field} is missing`)
  return value
}

/** A value from Hex for a message: quoted, and cut short. */
export function quote(value: unknown): string {
  const text = JSON.stringify(typeof value === 'string' ? value : String(value))
  return text.length > 60 ? `${text.slice(0, 60)}..."` : text
}

/** A UUID field, or a HexResponseError: an ID from Hex goes into later request paths. */
export function requireId(
  o: Record<string, unknown>,
  field: string,
  context: RequestContext
): string {
  const value = requireString(o, field, context)
  if (!isUuid(value))
    throw new HexResponseError(context, `the field ${field} is not a UUID: ${quote(value)}`)
  return value
}

/** An ID field, when present, must name what was asked about. */
export function sameId(
  o: Record<string, unknown>,
  field: string,
  expected: string,
  what: 'run' | 'project',
  context: RequestContext
): void {
  const value = o[field]
  if (value === undefined || value === null) return
  if (typeof value !== 'string' || !isUuid(value))
    throw new HexResponseError(context, `the field ${field} is not a UUID: ${quote(value)}`)
  if (value.toLowerCase() !== expected.toLowerCase())
    throw new HexResponseError(
      context,
      `Hex answered about ${what} ${quote(value)}, not ${expected}`
    )
}

/** A title longer than this is cut: it is only shown, in a heading, a table cell, a status line. */
export const MAX_TITLE_LENGTH = 200

/** A project's title as Hex gives it: trimmed, cut to MAX_TITLE_LENGTH; none when empty. */
export function optionalTitle(value: unknown): string | undefined {
  const title = typeof value === 'string' ? value.trim() : ''
  if (title === '') return undefined
  return title.length > MAX_TITLE_LENGTH ? `${title.slice(0, MAX_TITLE_LENGTH - 1)}…` : title
}

/** projectVersion is an integer in the trigger's answer and a string in the status answer. */
export function optionalVersion(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value)
  return typeof value === 'string' && VERSION.test(value) ? value : undefined
}

/** A timestamp that parses as a date; anything else is dropped. */
export function optionalTimestamp(value: unknown): string | undefined {
  if (typeof value !== 'string' || !TIMESTAMP.test(value)) return undefined
  return Number.isNaN(Date.parse(value)) ? undefined : value
}

/** A run's state as GetRunStatus and GetProjectRuns give it, about this run of this project only. */
export function readRunState(
  o: Record<string, unknown>,
  projectId: string,
  runId: string,
  context: RequestContext
): RunState {
  // An answer about another run or project is never taken for this one.
  sameId(o, 'runId', runId, 'run', context)
  sameId(o, 'projectId', projectId, 'project', context)
  return {
    projectId,
    runId,
    status: requireString(o, 'status', context).toUpperCase(),
    runUrl: optionalString(o.runUrl),
    projectVersion: optionalVersion(o.projectVersion),
    startTime: optionalTimestamp(o.startTime),
    endTime: optionalTimestamp(o.endTime),
    elapsedMs:
      typeof o.elapsedTime === 'number' && Number.isFinite(o.elapsedTime) && o.elapsedTime >= 0
        ? o.elapsedTime
        : undefined,
    traceId: optionalString(o.traceId),
    runTrigger:
      typeof o.runTrigger === 'string' && TRIGGER.test(o.runTrigger) ? o.runTrigger : undefined,
    statusEvents: readStatusEvents(o.stateEvents)
  }
}

/** More state events than this in one answer are not read: a run changes status a few times. */
const MAX_STATE_EVENTS = 200

/**
 * The changes of status among a run's `stateEvents`. Hex documents each event as `{type, value,
 * timestamp}` and no more: an event counts when its value is a run status (whatever its type) and
 * its timestamp parses; anything else (another kind of event, a bad time, not an object) is left
 * out, never an error. No list at all is undefined.
 */
export function readStatusEvents(value: unknown): StatusEvent[] | undefined {
  if (!Array.isArray(value)) return undefined
  const events: StatusEvent[] = []
  for (const item of value.slice(0, MAX_STATE_EVENTS)) {
    if (typeof item !== 'object' || item === null) continue
    const { value: status, timestamp } = item as Record<string, unknown>
    const at = optionalTimestamp(timestamp)
    if (typeof status !== 'string' || at === undefined) continue
    const upper = status.toUpperCase()
    if (isKnownStatus(upper)) events.push({ status: upper, at: Date.parse(at) })
  }
  return events
}

/** What the action was doing when Hex failed it; it shapes the advice in the message. */
export type Operation = 'trigger' | 'status' | 'cancel' | 'list' | 'find' | 'project'

const DOING: Record<Operation, string> = {
  trigger: 'start a run of',
  status: 'read the status of a run of',
  cancel: 'cancel a run of',
  list: 'list the runs of',
  find: 'find',
  project: 'read the title of'
}

/**
 * System error codes that mean the connection was never made, so the request was never sent:
 * refused, DNS, routing, connect timeout, TLS handshake. Sending it again cannot start a second run.
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  // fetch refused the request before connecting (an invalid header value): set by the client.
  'INVALID_REQUEST'
])

/** Where a request went, for messages. Never holds the token. */
export interface RequestContext {
  operation: Operation
  projectId: string
  runId?: string
  /** Origin of the Hex API, e.g. https://app.hex.tech. */
  host: string
}

/** An input parameter Hex could not use (older 422 shape). */
export interface InvalidParam {
  paramName: string
  paramValue?: string
  dataType?: string
}

/** The parts of a Hex error answer, whichever of its shapes Hex used. */
export interface HexErrorBody {
  message?: string
  traceId?: string
  issues: string[]
  invalid: InvalidParam[]
  notFound: string[]
}

/** Base of every failure the Hex client reports. */
export class HexError extends Error {
  readonly context: RequestContext
  constructor(message: string, context: RequestContext) {
    super(message)
    this.name = new.target.name
    this.context = context
  }
}

/** Hex answered with an HTTP error status. */
export class HexApiError extends HexError {
  readonly status: number
  readonly body: HexErrorBody
  /** From a Retry-After header, when Hex sent one. */
  readonly retryAfterMs?: number
  constructor(
    context: RequestContext,
    status: number,
    statusText: string,
    body: HexErrorBody,
    retryAfterMs?: number
  ) {
    super(explainStatus(context, status, statusText, body), context)
    this.status = status
    this.body = body
    this.retryAfterMs = retryAfterMs
  }
}

/** The request did not get an answer: connection refused, DNS failure, reset, timeout. */
export class HexNetworkError extends HexError {
  /** The system error code (ECONNREFUSED, ENOTFOUND, ...), TIMEOUT, or ABORTED. */
  readonly code: string
  /** False when the connection was never made: Hex cannot have seen the request. */
  readonly requestSent: boolean
  constructor(context: RequestContext, code: string, detail: string) {
    super(
      `Could not ${DOING[context.operation]} project ${context.projectId}: no answer from ${context.host} (${detail}). Check api-url and that the runner can reach Hex.`,
      context
    )
    this.code = code
    this.requestSent = !NOT_SENT_CODES.has(code)
  }
}

/** Hex answered with success, but the body is not what the API describes. */
export class HexResponseError extends HexError {
  constructor(context: RequestContext, detail: string) {
    super(
      `Hex's answer when trying to ${DOING[context.operation]} project ${context.projectId} could not be read: ${detail}.`,
      context
    )
  }
}

/** Hex (or something in front of it) answered with a redirect, which is never followed. */
export class HexRedirectError extends HexError {
  constructor(context: RequestContext, status: number, location: string) {
    super(
      `${context.host} answered ${status} redirecting to ${location} when asked to ${DOING[context.operation]} project ${context.projectId}. The API token is never sent on a redirect: set api-url to the Hex API base itself.`,
      context
    )
  }
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}

/**
 * Reads a Hex error body in any of the shapes Hex uses: `{reason, details, traceId}` (older
 * routes), `{code, message, issues[]}` (newer routes), `{traceId, invalid[], notFound[]}` (a 422
 * for input parameters), or plain text such as `Unauthorized`.
 */
export function parseErrorBody(text: string): HexErrorBody {
  const body: HexErrorBody = { issues: [], invalid: [], notFound: [] }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    const plain = text.trim()
    // An HTML page (a proxy's or a load balancer's) says nothing useful in a log line.
    if (plain !== '' && !plain.startsWith('<')) body.message = plain.slice(0, 300)
    return body
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return body
  const o = json as Record<string, unknown>
  const reason = asString(o.reason)
  const details = asString(o.details)
  body.message =
    asString(o.message) ?? (reason && details ? `${reason} (${details})` : (reason ?? details))
  body.traceId = asString(o.traceId)
  if (Array.isArray(o.issues)) {
    for (const issue of o.issues) {
      const m = asString((issue as { message?: unknown } | null)?.message) ?? asString(issue)
      if (m) body.issues.push(m)
    }
  }
  if (Array.isArray(o.invalid)) {
    for (const item of o.invalid) {
      if (typeof item !== 'object' || item === null) continue
      const p = item as Record<string, unknown>
      const paramName = asString(p.paramName)
      if (paramName)
        body.invalid.push({
          paramName,
          paramValue: asString(p.paramValue),
          dataType: asString(p.dataType)
        })
    }
  }
  if (Array.isArray(o.notFound)) {
    for (const name of o.notFound) {
      const n = asString(name)
      if (n) body.notFound.push(n)
    }
  }
  return body
}

function hexSaid(body: HexErrorBody): string {
  const parts: string[] = []
  if (body.message) parts.push(body.message)
  for (const issue of body.issues) if (issue !== body.message) parts.push(issue)
  if (body.notFound.length > 0)
    parts.push(`input parameters not in the project: ${body.notFound.join(', ')}`)
  for (const p of body.invalid) {
    const expected = p.dataType ? ` (expects ${p.dataType})` : ''
    const got = p.paramValue !== undefined ? ` ${p.paramValue}` : ''
    parts.push(`invalid value for input parameter ${p.paramName}:${got}${expected}`)
  }
  return parts.length > 0 ? ` Hex said: ${parts.join('; ')}.` : ''
}

function traceNote(body: HexErrorBody): string {
  return body.traceId ? ` (Hex trace ID ${body.traceId})` : ''
}

function explainStatus(
  context: RequestContext,
  status: number,
  statusText: string,
  body: HexErrorBody
): string {
  const { operation, projectId, runId, host } = context
  const said = hexSaid(body)
  const trace = traceNote(body)
  switch (status) {
    case 401:
      return (
        `Hex at ${host} rejected the API token (401 Unauthorized). The token is invalid or expired, or it belongs to another Hex host (check api-url).` +
        ` Create a token in Hex under Settings > API keys with the "Run projects" scope and pass it as api-token from a secret.${trace}`
      )
    case 403:
      if (operation === 'find')
        return `Hex refused to list projects to find project ${projectId} (403 Forbidden): finding a project by name needs a token with the "Read projects" scope as well as "Run projects". Add the scope, or give project-id instead.${said}${trace}`
      return (
        `Hex refused to ${DOING[operation]} project ${projectId} (403 Forbidden): the API token lacks the "Run projects" scope, or its user may not run this project.` +
        ` Use a workspace token with "Run projects", or a personal access token of a user with at least "Can view app" access who may run it.${said}${trace}`
      )
    case 404:
      return operation === 'trigger'
        ? `Hex found no project ${projectId} at ${host} (404 Not Found). Check project-id: the project must exist, and the token's user must have access to it.${said}${trace}`
        : runId !== undefined
          ? `Hex found no run ${runId} of project ${projectId} at ${host} (404 Not Found). The project must exist and the token's user must have access to it.${said}${trace}`
          : `Hex answered 404 Not Found at ${host} when asked to ${DOING[operation]} project ${projectId}. Check api-url, and that the token's user has access to the project.${said}${trace}`
    case 422:
      return operation === 'trigger'
        ? `Hex could not run project ${projectId} (422 Unprocessable): the project must be published (publish it in Hex first), and every input parameter must name an input of the published app with a valid value.${said}${trace}`
        : `Hex could not ${DOING[operation]} project ${projectId} (422 Unprocessable).${said}${trace}`
    default: {
      const text = statusText ? ` ${statusText}` : ''
      return `Hex answered ${status}${text} when asked to ${DOING[operation]} project ${projectId}.${said}${trace}`
    }
  }
}

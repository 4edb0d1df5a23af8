/**
 * What a route answers, kept apart from the socket so that the server can still decide to drop it
 * (fault 'reset-after-processing').
 */
export interface Reply {
  status: number
  /** A string is sent as is (text/plain unless headers say otherwise); anything else as JSON. */
  body?: unknown
  headers?: Record<string, string>
}

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'UNPROCESSABLE_CONTENT'
  | 'TOO_MANY_REQUESTS'
  | 'INTERNAL_SERVER_ERROR'
  | 'SERVICE_UNAVAILABLE'

/** The newer error shape of Hex's current routes. */
export function codeError(
  status: number,
  code: ErrorCode,
  message: string,
  issues: string[] = []
): Reply {
  return { status, body: { code, message, issues: issues.map((m) => ({ message: m })) } }
}

/** The older ("Tsoa") error shape, still documented for CancelRun and ListProjects. */
export function reasonError(status: number, reason: string, traceId: string): Reply {
  return { status, body: { reason, traceId } }
}

export function json(status: number, body: unknown): Reply {
  return { status, body }
}

/** Encodes a reply's body and fills in content-type and content-length. */
export function encode(reply: Reply): { headers: Record<string, string>; payload: Buffer } {
  const headers: Record<string, string> = {}
  let payload = Buffer.alloc(0)
  if (typeof reply.body === 'string') {
    payload = Buffer.from(reply.body)
    headers['content-type'] = reply.body.trimStart().startsWith('<')
      ? 'text/html; charset=utf-8'
      : 'text/plain; charset=utf-8'
  } else if (reply.body !== undefined) {
    payload = Buffer.from(JSON.stringify(reply.body))
    headers['content-type'] = 'application/json; charset=utf-8'
  }
  // Given headers win, whatever their case, so a test can send a body under any content-type.
  for (const [name, value] of Object.entries(reply.headers ?? {}))
    headers[name.toLowerCase()] = value
  // A 204 must not carry a Content-Length (RFC 9110).
  if (reply.status !== 204) headers['content-length'] = String(payload.length)
  return { headers, payload }
}

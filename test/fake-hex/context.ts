import type { TokenScope } from './types.ts'

export type ParsedBody =
  { kind: 'empty' } | { kind: 'json'; value: unknown } | { kind: 'text'; raw: string }

/** One request as the routes see it. */
export interface RequestContext {
  method: string
  path: string
  query: URLSearchParams
  authorization: string | undefined
  /** The request asked GetRunStatus for its state events (`enable-expanded-stats: true`). */
  expandedStats?: boolean
  body: ParsedBody
  /** Fresh for every request; sent in the body where Hex's shape has one, and as x-trace-id. */
  traceId: string
  /** The moment the request is processed, from clock.now(). */
  t: number
  token: string
  scope: TokenScope
  params: Record<string, string>
}

export function parseBody(raw: string): ParsedBody {
  if (raw.trim() === '') return { kind: 'empty' }
  try {
    return { kind: 'json', value: JSON.parse(raw) as unknown }
  } catch {
    return { kind: 'text', raw }
  }
}

/** What the request log keeps of a body. */
export function recordedBody(body: ParsedBody): unknown {
  if (body.kind === 'json') return body.value
  return body.kind === 'text' ? body.raw : undefined
}

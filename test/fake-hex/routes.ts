import type { RequestContext } from './context.ts'
import { getProject, listProjects, me } from './project-routes.ts'
import { codeError, reasonError } from './replies.ts'
import type { Reply } from './replies.ts'
import { cancelRun, getProjectRuns, getRunStatus, runProject } from './run-routes.ts'
import type { HexState } from './state.ts'

export const API_PREFIX = '/api/v1'

type Handler = (state: HexState, ctx: RequestContext) => Reply

interface Route {
  method: string
  /** Path segments after /api/v1; ':name' captures one. */
  pattern: string[]
  handler: Handler
  /** What a read-only token gets; absent when a read token may call the route. */
  forbidden?: (ctx: RequestContext) => Reply
}

// The two write routes document different 403 shapes: RunProject the newer, CancelRun the older.
const ROUTES: Route[] = [
  { method: 'GET', pattern: ['projects'], handler: listProjects },
  { method: 'GET', pattern: ['projects', ':projectId'], handler: getProject },
  {
    method: 'POST',
    pattern: ['projects', ':projectId', 'runs'],
    handler: runProject,
    forbidden: () => codeError(403, 'FORBIDDEN', 'Insufficient access')
  },
  { method: 'GET', pattern: ['projects', ':projectId', 'runs'], handler: getProjectRuns },
  { method: 'GET', pattern: ['projects', ':projectId', 'runs', ':runId'], handler: getRunStatus },
  {
    method: 'DELETE',
    pattern: ['projects', ':projectId', 'runs', ':runId'],
    handler: cancelRun,
    forbidden: (ctx) => reasonError(403, 'This token cannot cancel runs', ctx.traceId)
  },
  { method: 'GET', pattern: ['users', 'me'], handler: me }
]

function segmentsOf(path: string): string[] | undefined {
  if (!path.startsWith(`${API_PREFIX}/`)) return undefined
  const segments = path.slice(API_PREFIX.length + 1).split('/')
  if (segments[segments.length - 1] === '') segments.pop() // a trailing slash
  try {
    return segments.map((s) => decodeURIComponent(s))
  } catch {
    return undefined
  }
}

function match(route: Route, segments: string[]): Record<string, string> | undefined {
  if (route.pattern.length !== segments.length) return undefined
  const params: Record<string, string> = {}
  for (const [i, part] of route.pattern.entries()) {
    const segment = segments[i] ?? ''
    if (part.startsWith(':')) {
      if (segment === '') return undefined
      params[part.slice(1)] = segment
    } else if (part !== segment) return undefined
  }
  return params
}

function unauthorized(state: HexState): Reply {
  if (state.unauthorizedStyle === 'json') {
    return codeError(401, 'UNAUTHORIZED', 'Authorization not provided')
  }
  return { status: 401, body: 'Unauthorized', headers: { 'content-type': 'text/plain' } }
}

function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1]
}

export type Unrouted = Omit<RequestContext, 'token' | 'scope' | 'params'>

/**
 * Routes a request. The route is found before the token is checked, so an unknown route is a 404
 * whatever the token; the older singular paths (/project/{id}/run) are unknown routes.
 */
export function route(state: HexState, request: Unrouted): Reply {
  const segments = segmentsOf(request.path)
  for (const candidate of segments === undefined ? [] : ROUTES) {
    if (candidate.method !== request.method) continue
    const params = match(candidate, segments ?? [])
    if (params === undefined) continue
    const token = bearerToken(request.authorization)
    const scope =
      token !== undefined && Object.hasOwn(state.tokens, token) ? state.tokens[token] : undefined
    if (token === undefined || scope === undefined) return unauthorized(state)
    const ctx: RequestContext = { ...request, token, scope, params }
    // RunProject has a limit of its own (`hex-run-kernel`); every other route counts as a read.
    const rate =
      candidate.handler === runProject
        ? state.limits?.trigger(token, ctx.t)
        : (state.limits?.read(token, ctx.t) ?? state.rateLimiter?.take(token, ctx.t))
    if (rate?.limited === true)
      return {
        ...codeError(429, 'TOO_MANY_REQUESTS', 'Rate limit exceeded'),
        headers: rate.headers
      }
    const reply =
      scope === 'read' && candidate.forbidden !== undefined
        ? candidate.forbidden(ctx)
        : candidate.handler(state, ctx)
    return rate === undefined ? reply : { ...reply, headers: { ...rate.headers, ...reply.headers } }
  }
  return codeError(404, 'NOT_FOUND', `Route not found: ${request.method} ${request.path}`)
}

import type { RequestContext } from './context.ts'
import { pageProjects, projectResource } from './projects.ts'
import { codeError, json, reasonError } from './replies.ts'
import type { Reply } from './replies.ts'
import type { HexState } from './state.ts'

// ListProjects still documents the older error shape ({reason, traceId}) for its 400.
export function listProjects(state: HexState, ctx: RequestContext): Reply {
  const rawLimit = ctx.query.get('limit')
  const limit = rawLimit === null ? 25 : Number(rawLimit)
  if (rawLimit !== null && (!/^\d+$/.test(rawLimit) || limit < 1 || limit > 100)) {
    return reasonError(400, 'limit must be an integer from 1 to 100', ctx.traceId)
  }
  const after = ctx.query.get('after') ?? undefined
  const before = ctx.query.get('before') ?? undefined
  if (after !== undefined && before !== undefined) {
    return reasonError(400, 'Only one of after and before may be given', ctx.traceId)
  }
  const page = pageProjects([...state.projects.values()], limit, after, before)
  if (typeof page === 'string') return reasonError(400, page, ctx.traceId)
  return json(200, {
    values: page.values.map(projectResource),
    pagination: { after: page.after, before: page.before }
  })
}

export function getProject(state: HexState, ctx: RequestContext): Reply {
  const projectId = ctx.params.projectId ?? ''
  const project = state.projects.get(projectId)
  if (project === undefined) return codeError(404, 'NOT_FOUND', `Project not found: ${projectId}`)
  return json(200, projectResource(project))
}

/**
 * Hex omits user metadata for a workspace token (hxtw_); a personal token (hxtp_) gets a user and
 * an expiry. The unit of token.exp is undocumented; seconds since the epoch are assumed.
 */
export function me(state: HexState, ctx: RequestContext): Reply {
  const org = { id: state.orgId }
  if (ctx.token.startsWith('hxtw_')) return json(200, { org, token: { exp: null } })
  return json(200, {
    id: '5b1e7c9a-2d4f-4e8b-9a6c-3f2e1d0c9b8a',
    name: 'Test User',
    email: 'test.user@example.com',
    role: 'EDITOR',
    lastLoginDate: null,
    org,
    token: { exp: Math.floor(ctx.t / 1000) + 30 * 24 * 3600 }
  })
}

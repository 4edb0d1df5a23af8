/**
 * The stand-in GitHub's issue comments, as GitHub serves them on a pull request (a pull request is
 * an issue): GET /repos/{owner}/{repo}/issues/{number}/comments (oldest first, per_page up to 100,
 * pages linked by a Link header), POST there to create one, PATCH
 * /repos/{owner}/{repo}/issues/comments/{id} to edit one. GitHub's checks and answers: 404 for a
 * pull request or comment that does not exist, 422 for an empty body or one over 65,536
 * characters, 403 "Resource not accessible by integration" for a read-only token's writes (the
 * token a pull request from a fork gets).
 */

/** A comment as GitHub stores it. */
export interface IssueComment {
  id: number
  owner: string
  repo: string
  issue: number
  body: string
  user: { login: string; type: 'Bot' | 'User' }
  created_at: string
  updated_at: string
  html_url: string
}

/** What the comments part of the stand-in answers: a status and a JSON body, and headers. */
export interface Answer {
  status: number
  body: unknown
  headers?: Record<string, string>
}

export interface CommentsOptions {
  /** The pull requests (issues) that exist, per owner/repo; default #7 in every repository. */
  pulls?: number[]
  /** A token that reads but may not write (403 on POST and PATCH). */
  readOnlyToken?: string
  /** Where the Link header's pages point; default the stand-in itself. */
  linkBase: () => string
  now: () => number
}

/** GitHub's limit on a comment's body. */
export const BODY_LIMIT = 65_536
const NOT_FOUND: Answer = { status: 404, body: { message: 'Not Found', status: '404' } }

export class IssueComments {
  readonly all: IssueComment[] = []
  readonly #options: CommentsOptions

  constructor(options: CommentsOptions) {
    this.#options = options
  }

  /** A comment someone else wrote (or an earlier one of the action's), as GitHub would keep it. */
  seed(
    issue: number,
    body: string,
    user: IssueComment['user'] = { login: 'octocat', type: 'User' },
    repository = 'acme/data'
  ): IssueComment {
    const [owner, repo] = repository.split('/') as [string, string]
    return this.#add(owner, repo, issue, body, user)
  }

  /** The comments of one pull request, oldest first. */
  on(issue: number): IssueComment[] {
    return this.all.filter((c) => c.issue === issue)
  }

  /** The answer to a request under /repos/{owner}/{repo}/issues/, or undefined if it is not one. */
  handle(
    method: string,
    path: string,
    query: URLSearchParams,
    body: string,
    token: string
  ): Answer | undefined {
    const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(path)
    const edit = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(path)
    if (!list && !edit) return undefined
    const [, owner, repo, n] = (list ?? edit) as unknown as [string, string, string, string]
    if (list && method === 'GET') return this.#list(owner, repo, Number(n), query)
    if (!((list && method === 'POST') || (edit && method === 'PATCH'))) return NOT_FOUND
    if (token === this.#options.readOnlyToken)
      return {
        status: 403,
        body: { message: 'Resource not accessible by integration', status: '403' }
      }
    const text = readBody(body)
    if (typeof text !== 'string' || text === '' || text.length > BODY_LIMIT)
      return {
        status: 422,
        body: {
          message: 'Validation Failed',
          errors: [{ resource: 'IssueComment', field: 'body', code: text ? 'custom' : 'missing' }],
          status: '422'
        }
      }
    if (list) {
      if (!this.#pulls().includes(Number(n))) return NOT_FOUND
      const bot = { login: 'github-actions[bot]', type: 'Bot' } as const
      return { status: 201, body: this.#add(owner, repo, Number(n), text, bot) }
    }
    const comment = this.all.find((c) => c.id === Number(n) && c.owner === owner && c.repo === repo)
    if (comment === undefined) return NOT_FOUND
    comment.body = text
    comment.updated_at = new Date(this.#options.now()).toISOString()
    return { status: 200, body: comment }
  }

  #pulls(): number[] {
    return this.#options.pulls ?? [7]
  }

  #list(owner: string, repo: string, issue: number, query: URLSearchParams): Answer {
    if (!this.#pulls().includes(issue)) return NOT_FOUND
    const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30))
    const page = Math.max(1, Number(query.get('page') ?? 1) || 1)
    const mine = this.all.filter((c) => c.owner === owner && c.repo === repo && c.issue === issue)
    const last = Math.max(1, Math.ceil(mine.length / perPage))
    const url = (p: number) =>
      `<${this.#options.linkBase()}/repos/${owner}/${repo}/issues/${issue}/comments?per_page=${perPage}&page=${p}>`
    const links = [
      page < last && `${url(page + 1)}; rel="next"`,
      page < last && `${url(last)}; rel="last"`,
      page > 1 && `${url(1)}; rel="first"`,
      page > 1 && `${url(page - 1)}; rel="prev"`
    ].filter((l) => l !== false)
    return {
      status: 200,
      body: mine.slice((page - 1) * perPage, page * perPage),
      headers: links.length > 0 ? { link: links.join(', ') } : {}
    }
  }

  #add(
    owner: string,
    repo: string,
    issue: number,
    body: string,
    user: IssueComment['user']
  ): IssueComment {
    const id = 1_000 + this.all.length + 1
    const at = new Date(this.#options.now()).toISOString()
    const comment: IssueComment = {
      id,
      owner,
      repo,
      issue,
      body,
      user,
      created_at: at,
      updated_at: at,
      html_url: `https://github.com/${owner}/${repo}/pull/${issue}#issuecomment-${id}`
    }
    this.all.push(comment)
    return comment
  }
}

function readBody(body: string): unknown {
  try {
    return (JSON.parse(body) as { body?: unknown }).body
  } catch {
    return undefined
  }
}

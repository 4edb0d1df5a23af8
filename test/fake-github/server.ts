/**
 * A stand-in for the part of GitHub's REST API the action uses: commit statuses
 * (POST /repos/{owner}/{repo}/statuses/{sha}) and a pull request's comments (comments.ts), on
 * 127.0.0.1, with GitHub's checks and answers (401 Bad credentials, 404 for an unknown repository,
 * 422 for an unknown commit or a description over 140 characters), every request recorded, and
 * faults for the next requests.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { VirtualClock } from '../runner/virtual-clock.ts'
import { IssueComments, type CommentsOptions } from './comments.ts'

export type { IssueComment } from './comments.ts'

export type GitHubState = 'pending' | 'success' | 'failure' | 'error'

/** A status as GitHub stores it. */
export interface PostedStatus {
  owner: string
  repo: string
  sha: string
  state: GitHubState
  context: string
  description?: string
  target_url?: string
  /** On the stand-in's clock. */
  at: number
}

export interface GitHubRequest {
  method: string
  path: string
  /** The query string, `?page=2…`, or ''. */
  search: string
  /** The Authorization header as sent. */
  authorization?: string
  body: string
  at: number
}

/** What the next requests (of the kind `only` names, if given) get instead of GitHub's answer. */
export type GitHubFault = { only?: RegExp } & (
  | { kind: 'respond'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Never answers. */
  | { kind: 'hang' }
  /** Answers 307 to this URL, which a client must not follow with the token. */
  | { kind: 'redirect'; location: string }
)

export interface FakeGitHubOptions {
  /** The only token accepted (as `token X` or `Bearer X`), besides readOnlyToken. */
  token: string
  /** A token that reads but may not write, as a pull request from a fork gets. */
  readOnlyToken?: string
  /** The pull requests that exist in every repository; default [7]. */
  pulls?: CommentsOptions['pulls']
  /** Where the Link header of a comment listing points; default the stand-in itself. */
  linkBase?: string
  /** The repositories that exist, as owner/repo; default ['acme/data']. */
  repositories?: string[]
  /** The commits that exist; default any full SHA. */
  commits?: string[]
  /** Where the API is served: '' as on github.com (the default), '/api/v3' as on GitHub Enterprise Server. */
  prefix?: string
  now?: () => number
  /**
   * The virtual clock of the client: a hung request is parked on it until the client gives up,
   * so its time limit ends in virtual time (and `now` is the clock's, unless given).
   */
  clock?: Pick<VirtualClock, 'now' | 'park' | 'serve' | 'ticketHeader'>
}

const STATES: readonly string[] = ['pending', 'success', 'failure', 'error']
const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/

export class FakeGitHub {
  readonly apiUrl: string
  readonly requests: GitHubRequest[] = []
  readonly statuses: PostedStatus[] = []
  /** A pull request's comments. */
  readonly comments: IssueComments
  readonly #server: Server
  readonly #options: FakeGitHubOptions
  readonly #faults: GitHubFault[] = []

  private constructor(server: Server, apiUrl: string, options: FakeGitHubOptions) {
    this.#server = server
    this.apiUrl = apiUrl
    this.#options = options
    this.comments = new IssueComments({
      pulls: options.pulls,
      readOnlyToken: options.readOnlyToken,
      linkBase: () => options.linkBase ?? apiUrl,
      now: () => this.#now()
    })
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      void this.#handle(req, res)
    })
  }

  static async start(options: FakeGitHubOptions): Promise<FakeGitHub> {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    options.clock?.serve(`http://127.0.0.1:${port}`)
    return new FakeGitHub(server, `http://127.0.0.1:${port}${options.prefix ?? ''}`, options)
  }

  /** The next `times` requests to /repos/ (those whose `METHOD path` matches fault.only) get `fault`. */
  fail(fault: GitHubFault, times = 1): void {
    for (let i = 0; i < times; i++) this.#faults.push(fault)
  }

  /** Forgets every request, status and fault still queued: a fresh GitHub for the next test. */
  reset(): void {
    this.requests.length = 0
    this.statuses.length = 0
    this.comments.all.length = 0
    this.#faults.length = 0
  }

  /** The statuses on one commit, oldest first, as [context, state, description]. */
  on(sha: string): [string, GitHubState, string | undefined][] {
    return this.statuses
      .filter((s) => s.sha === sha)
      .map((s) => [s.context, s.state, s.description])
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve())
      this.#server.closeAllConnections()
    })
  }

  /** Holds the request unanswered until the client goes; parked on the clock meanwhile. */
  async #hang(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const clock = this.#options.clock
    if (clock === undefined) return
    const gone = new AbortController()
    res.once('close', () => gone.abort())
    const ticket = req.headers[clock.ticketHeader]
    await clock.park(typeof ticket === 'string' ? ticket : undefined, undefined, gone.signal)
  }

  /** The first queued fault for this request, taken off the queue. */
  #takeFault(request: string): GitHubFault | undefined {
    const i = this.#faults.findIndex((f) => f.only === undefined || f.only.test(request))
    return i < 0 ? undefined : this.#faults.splice(i, 1)[0]
  }

  #now(): number {
    return (this.#options.now ?? this.#options.clock?.now)?.() ?? Date.now()
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    const full = new URL(req.url ?? '/', this.apiUrl)
    const url = full.pathname
    const prefix = this.#options.prefix ?? ''
    const path = url.startsWith(`${prefix}/`) ? url.slice(prefix.length) : `/not-under-prefix${url}`
    const method = req.method ?? 'GET'
    this.requests.push({
      method,
      path,
      search: full.search,
      authorization: req.headers.authorization,
      body,
      at: this.#now()
    })

    const match = /^\/repos\/([^/]+)\/([^/]+)\/statuses\/([^/]+)$/.exec(path)
    const fault = path.startsWith('/repos/') ? this.#takeFault(`${method} ${path}`) : undefined
    if (fault?.kind === 'hang') return this.#hang(req, res)
    if (fault?.kind === 'redirect') {
      res.writeHead(307, { location: fault.location }).end()
      return
    }
    if (fault?.kind === 'respond') return send(res, fault.status, fault.body ?? {}, fault.headers)

    const token = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1]
    if (token === undefined || ![this.#options.token, this.#options.readOnlyToken].includes(token))
      return send(res, 401, { message: 'Bad credentials', status: '401' })
    const repositories = this.#options.repositories ?? ['acme/data']
    const repository = /^\/repos\/([^/]+\/[^/]+)\//.exec(path)?.[1] ?? ''
    if (!repositories.includes(repository))
      return send(res, 404, { message: 'Not Found', status: '404' })
    const comments = this.comments.handle(method, path, full.searchParams, body, token)
    if (comments !== undefined) return send(res, comments.status, comments.body, comments.headers)
    if (token === this.#options.readOnlyToken && method !== 'GET')
      return send(res, 403, { message: 'Resource not accessible by integration', status: '403' })
    if (!match || method !== 'POST') return send(res, 404, { message: 'Not Found', status: '404' })
    const [, owner, repo, sha] = match as unknown as [string, string, string, string]
    if (!FULL_SHA.test(sha) || (this.#options.commits && !this.#options.commits.includes(sha)))
      return send(res, 422, { message: `No commit found for SHA: ${sha}`, status: '422' })

    let input: Record<string, unknown>
    try {
      input = JSON.parse(body) as Record<string, unknown>
    } catch {
      return send(res, 400, { message: 'Problems parsing JSON', status: '400' })
    }
    const invalid =
      typeof input.state !== 'string' || !STATES.includes(input.state)
        ? 'state'
        : typeof input.context !== 'string' || input.context === ''
          ? 'context'
          : input.description !== undefined &&
              (typeof input.description !== 'string' || input.description.length > 140)
            ? 'description'
            : input.target_url !== undefined && typeof input.target_url !== 'string'
              ? 'target_url'
              : undefined
    if (invalid !== undefined)
      return send(res, 422, {
        message: 'Validation Failed',
        errors: [{ resource: 'Status', field: invalid, code: 'invalid' }],
        status: '422'
      })
    const status: PostedStatus = {
      owner,
      repo,
      sha,
      state: input.state as GitHubState,
      context: input.context as string,
      description: input.description as string | undefined,
      target_url: input.target_url as string | undefined,
      at: this.#now()
    }
    this.statuses.push(status)
    send(res, 201, { id: this.statuses.length, ...status, created_at: new Date().toISOString() })
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  const payload = JSON.stringify(body)
  res
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(payload),
      ...headers
    })
    .end(payload)
}

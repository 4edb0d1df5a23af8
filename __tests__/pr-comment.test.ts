/**
 * The pull-request comment (pr-comment: true), in process against the stand-in Hex and the
 * stand-in GitHub on one virtual clock: one comment per workflow, job, step and projects, created
 * once and edited in place on later runs, never one per push; a matrix's jobs and two steps of one
 * job each keep their own; GitHub's refusals are one warning naming the permission; other events
 * send nothing; hostile text stays text; the GitHub token goes to GitHub's API only.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, it } from '@jest/globals'
import { commentMarker, renderComment } from '../src/action/comment-body.ts'
import { COMMENT_BUDGET_MS, MAX_PAGES, upsertComment } from '../src/github/comments.ts'
import { processRuntime } from '../src/lib/runtime.ts'
import { readSettings } from '../src/step/settings.ts'
import { markdownToHtml } from '../scripts/render-summary.ts'
import type { FakeHex } from '../test/fake-hex/server.ts'
import { FakeGitHub } from '../test/fake-github/server.ts'
import { resultOf } from '../test/runner/reports.ts'
import { VirtualClock } from '../test/runner/virtual-clock.ts'
import { assertTokensApart, clockOf, runAgainst, startHex } from './helpers/action.ts'
import { addProject, assertNoToken, warningAnnotations } from './helpers/e2e.ts'

const GITHUB_TOKEN = 'ghs_stand_in_comment_token_0123456789'
const READ_ONLY = 'ghs_stand_in_fork_token_0123456789'
const PR = 7

let fake: FakeHex
let github: FakeGitHub
let dir: string
beforeAll(async () => {
  fake = await startHex()
  github = await FakeGitHub.start({
    token: GITHUB_TOKEN,
    readOnlyToken: READ_ONLY,
    clock: clockOf(fake)
  })
  dir = mkdtempSync(join(tmpdir(), 'hex-comment-'))
})
afterAll(async () => {
  await github.close()
  await fake.close()
  rmSync(dir, { recursive: true, force: true })
})
afterEach(() => github.reset())

type Event = 'pull_request' | 'pull_request_target' | 'push' | 'schedule'

/** The runner's environment of one job's step, its event payload written where it says. */
function runnerEnv(
  event: Event = 'pull_request',
  job: { job?: string; step?: string; pr?: number } = {}
): Record<string, string> {
  const path = join(dir, `${event}-${job.pr ?? PR}.json`)
  const payload = event.startsWith('pull_request')
    ? {
        number: job.pr ?? PR,
        pull_request: { number: job.pr ?? PR, head: { sha: 'c'.repeat(40) } }
      }
    : { after: 'a'.repeat(40) }
  writeFileSync(path, JSON.stringify(payload))
  return {
    GITHUB_REPOSITORY: 'acme/data',
    GITHUB_API_URL: github.apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: path,
    GITHUB_SHA: 'b'.repeat(40),
    GITHUB_WORKFLOW: 'Refresh',
    GITHUB_WORKFLOW_REF: 'acme/data/.github/workflows/refresh.yml@refs/pull/7/merge',
    GITHUB_JOB: job.job ?? 'hex',
    GITHUB_ACTION: job.step ?? 'hex'
  }
}

/** The action in process with pr-comment on; neither token leaks. */
async function withComment(
  projectId: string,
  inputs: Record<string, string> = {},
  event: Event = 'pull_request',
  job: Parameters<typeof runnerEnv>[1] = {}
) {
  const result = await runAgainst(
    fake,
    projectId,
    { 'pr-comment': 'true', 'github-token': GITHUB_TOKEN, ...inputs },
    { env: runnerEnv(event, job) }
  )
  assertNoToken(result, GITHUB_TOKEN)
  assertNoToken(result, READ_ONLY)
  return result
}

const ERRORED = [{ status: 'RUNNING', ms: 2_000 }, { status: 'ERRORED' }]

/** [method, path] of each request the stand-in GitHub got. */
const calls = () => github.requests.map((r) => `${r.method} ${r.path}${r.search}`)

describe('the comment on a pull request', () => {
  it('is created once, with the marker, the status, the duration and the links', async () => {
    const projectId = addProject(fake)
    const result = await withComment(projectId)
    assert.equal(result.exitCode, 0)
    assert.deepEqual(calls(), [
      `GET /repos/acme/data/issues/${PR}/comments?per_page=100&page=1`,
      `POST /repos/acme/data/issues/${PR}/comments`
    ])
    const [comment] = github.comments.on(PR)
    const body = comment?.body ?? ''
    assert.equal(
      body.split('\n')[0],
      `<!-- hex-run-action pr-comment workflow=acme%2Fdata%2F.github%2Fworkflows%2Frefresh.yml job=hex step=hex projects=${projectId} -->`
    )
    assert.match(body, /^### ✅ Hex run completed$/m)
    assert.match(
      body,
      new RegExp(
        `^\\| Project ${projectId.slice(0, 8)} \\| ✅ COMPLETED \\| 150ms; queued 50ms, ran 150ms \\| \\[Open in Hex\\]\\(`,
        'm'
      )
    )
    assert.ok(body.includes(`(${result.outputs['run-url']})`), 'links to the run')
    assert.match(body, /\[workflow run\]\(https:\/\/github\.com\/acme\/data\/actions\/runs\/4242\)/)
    assert.match(
      result.log,
      new RegExp(`Pull-request comment created on acme/data#${PR}: ${comment?.html_url}`)
    )
  })

  it('is edited in place on the next run of the job, never added again', async () => {
    const projectId = addProject(fake, { lifecycle: ERRORED })
    github.comments.seed(PR, 'LGTM @octocat')
    await withComment(projectId)
    fake.addProject({ id: projectId, lifecycle: [{ status: 'COMPLETED' }] })
    const second = await withComment(projectId)
    const third = await withComment(projectId)
    const mine = github.comments.on(PR).filter((c) => c.user.type === 'Bot')
    assert.equal(mine.length, 1)
    assert.equal(github.comments.on(PR).length, 2, "the reviewer's comment stays as it was")
    assert.match(mine[0]?.body ?? '', /✅ COMPLETED/)
    assert.doesNotMatch(mine[0]?.body ?? '', /ERRORED/)
    assert.deepEqual(
      calls().filter((c) => !c.startsWith('GET')),
      [
        `POST /repos/acme/data/issues/${PR}/comments`,
        `PATCH /repos/acme/data/issues/comments/${mine[0]?.id}`,
        `PATCH /repos/acme/data/issues/comments/${mine[0]?.id}`
      ]
    )
    for (const result of [second, third])
      assert.match(result.log, /Pull-request comment updated on acme\/data#7/)
  })

  it('pull_request_target comments too', async () => {
    await withComment(addProject(fake), {}, 'pull_request_target')
    assert.equal(github.comments.on(PR).length, 1)
  })

  it("a matrix's jobs (one job ID, other projects) and two steps of one job each keep their own", async () => {
    const [a, b] = [addProject(fake), addProject(fake, { lifecycle: ERRORED })]
    // The matrix: job "hex" twice, each with its own project; then again, as on the next push.
    for (let round = 0; round < 2; round++) {
      await withComment(a)
      await withComment(b)
      // Another step of the same job, for the same project.
      await withComment(a, {}, 'pull_request', { step: 'hex-again' })
    }
    const bodies = github.comments.on(PR).map((c) => c.body)
    assert.equal(bodies.length, 3)
    assert.equal(new Set(bodies.map((body) => body.split('\n')[0])).size, 3)
    assert.match(bodies[0] ?? '', new RegExp(`Project ${a.slice(0, 8)} .*COMPLETED`))
    assert.match(bodies[1] ?? '', new RegExp(`Project ${b.slice(0, 8)} .*ERRORED`))
    assert.match(bodies[2] ?? '', /step=hex-again/)
    assert.equal(calls().filter((c) => c.startsWith('POST')).length, 3)
  })

  it('several projects in one step: one comment, a row each and what failed', async () => {
    const names = ['Sales refresh', 'Churn model']
    for (const [i, title] of names.entries())
      addProject(fake, { title, lifecycle: i === 1 ? ERRORED : undefined })
    const result = await withComment('', { 'project-name': names.join('\n'), 'project-id': '' })
    assert.equal(result.exitCode, 1)
    const body = github.comments.on(PR)[0]?.body ?? ''
    assert.match(body, /projects=Churn%20model,Sales%20refresh -->/)
    assert.match(body, /^### ❌ Hex runs: 1 of 2 succeeded$/m)
    assert.match(body, /^\| Sales refresh \| ✅ COMPLETED \|/m)
    assert.match(body, /^\| Churn model \| ❌ ERRORED \|/m)
    assert.match(body, /^- \*\*Churn model\*\*: Hex run .* ended ERRORED after 2\.0s/m)
  })

  it('finds its comment past the first page, asking by page number, never at the Link URL', async () => {
    const elsewhere = await FakeGitHub.start({ token: GITHUB_TOKEN })
    const linked = await FakeGitHub.start({
      token: GITHUB_TOKEN,
      linkBase: elsewhere.apiUrl,
      now: clockOf(fake).now
    })
    try {
      const projectId = addProject(fake)
      const env = { ...runnerEnv(), GITHUB_API_URL: linked.apiUrl }
      const inputs = { 'pr-comment': 'true', 'github-token': GITHUB_TOKEN }
      for (let i = 0; i < 230; i++) linked.comments.seed(PR, `comment ${i}`)
      await runAgainst(fake, projectId, inputs, { env })
      for (let i = 0; i < 30; i++) linked.comments.seed(PR, `later comment ${i}`)
      const again = await runAgainst(fake, projectId, inputs, { env })
      assert.match(again.log, /Pull-request comment updated/)
      assert.equal(linked.comments.on(PR).filter((c) => c.user.type === 'Bot').length, 1)
      assert.deepEqual(
        linked.requests.slice(-4).map((r) => `${r.method} ${r.search}`),
        [
          'GET ?per_page=100&page=1',
          'GET ?per_page=100&page=2',
          'GET ?per_page=100&page=3',
          'PATCH '
        ]
      )
      assert.deepEqual(elsewhere.requests, [])
    } finally {
      await linked.close()
      await elsewhere.close()
    }
  })

  it('a comment deleted since the listing is posted again', async () => {
    const projectId = addProject(fake)
    await withComment(projectId)
    github.fail({ kind: 'respond', status: 404, body: { message: 'Not Found' }, only: /^PATCH / })
    const result = await withComment(projectId)
    assert.match(result.log, /Pull-request comment created/)
    assert.deepEqual(warningAnnotations(result), [])
  })
})

describe('other events', () => {
  it.each(['push', 'schedule'] as const)(
    '%s: one notice that there is no pull request, and nothing sent to GitHub',
    async (event) => {
      const result = await withComment(addProject(fake), {}, event)
      assert.equal(result.exitCode, 0)
      const notices = result.log.split('\n').filter((l) => l.startsWith('::notice'))
      assert.deepEqual(notices, [
        `::notice title=No pull request to comment on::pr-comment is true, but this workflow run was started by a ${event} event, not a pull request: no comment is posted.`
      ])
      assert.deepEqual(github.requests, [])
    }
  )

  it('pr-comment false (the default): nothing sent, nothing said', async () => {
    const result = await runAgainst(fake, addProject(fake), {}, { env: runnerEnv() })
    assert.deepEqual(github.requests, [])
    assert.doesNotMatch(result.log, /comment/i)
  })
})

describe('when GitHub refuses', () => {
  it('a read-only token (a fork): one warning naming pull-requests: write and forks; the result stands', async () => {
    const result = await withComment(addProject(fake), { 'github-token': READ_ONLY })
    assert.equal(result.exitCode, 0)
    assert.equal(result.outputs.status, 'COMPLETED')
    const warnings = warningAnnotations(result)
    assert.equal(warnings.length, 1)
    assert.match(
      warnings[0] ?? '',
      /GitHub answered 403 \(Resource not accessible by integration\)/
    )
    assert.match(warnings[0] ?? '', /permissions: pull-requests: write/)
    assert.match(warnings[0] ?? '', /from a fork, GITHUB_TOKEN is read-only/)
    assert.match(warnings[0] ?? '', /not affected/)
    assert.match(result.log, /::warning title=Pull-request comment not posted::/)
    assert.deepEqual(github.comments.all, [])
  })

  it('a pull request GitHub does not show the token (404): the permission named', async () => {
    const result = await withComment(addProject(fake), {}, 'pull_request', { pr: 99 })
    const warnings = warningAnnotations(result)
    assert.equal(warnings.length, 1)
    assert.match(warnings[0] ?? '', /GitHub answered 404 \(Not Found\) for acme\/data/)
    assert.match(warnings[0] ?? '', /permissions: pull-requests: write.*"Pull requests: write"/)
  })

  it('a 422: GitHub did not take the comment', async () => {
    github.fail(
      { kind: 'respond', status: 422, body: { message: 'Validation Failed' }, only: /^POST / },
      2
    )
    const result = await withComment(addProject(fake))
    assert.equal(result.exitCode, 0)
    assert.match(
      warningAnnotations(result)[0] ?? '',
      /422 \(Validation Failed\): GitHub did not take/
    )
  })

  it('a 502 is tried once more, and the comment lands', async () => {
    github.fail({ kind: 'respond', status: 502, body: { message: 'Bad Gateway' } })
    const result = await withComment(addProject(fake))
    assert.deepEqual(warningAnnotations(result), [])
    assert.equal(github.comments.on(PR).length, 1)
  })

  it('GitHub unreachable: a warning, and the step as it was', async () => {
    const result = await runAgainst(
      fake,
      addProject(fake),
      { 'pr-comment': 'true', 'github-token': GITHUB_TOKEN },
      { env: { ...runnerEnv(), GITHUB_API_URL: 'http://127.0.0.1:9' } }
    )
    assert.equal(result.exitCode, 0)
    assert.match(warningAnnotations(result)[0] ?? '', /GitHub could not be reached/)
  })
})

describe('the budget and the token', () => {
  const target = (apiUrl: string) => ({
    apiUrl,
    token: GITHUB_TOKEN,
    owner: 'acme',
    repo: 'data',
    pullRequest: PR
  })
  const marker = commentMarker({ workflow: 'w', job: 'j', step: 's', projects: ['p'] })

  it(`a hung GitHub is given up within ${COMMENT_BUDGET_MS / 1000} s, retries included`, async () => {
    const clock = clockOf(fake)
    github.fail({ kind: 'hang' }, 5)
    const t0 = clock.now()
    const done = await upsertComment(target(github.apiUrl), marker, `${marker}\nx`, {
      fetch: clock.track(processRuntime.fetch),
      clock
    })
    assert.deepEqual(done, {
      ok: false,
      failure: { kind: 'unavailable', message: 'GitHub did not answer in time.' }
    })
    assert.ok(clock.now() - t0 <= COMMENT_BUDGET_MS, `${clock.now() - t0} ms`)
    assert.equal(github.requests.length, 2, 'one try and one retry')
  })

  it('GitHub Enterprise Server: the API under /api/v3', async () => {
    const enterprise = await FakeGitHub.start({ token: GITHUB_TOKEN, prefix: '/api/v3' })
    try {
      const clock = new VirtualClock()
      const options = { fetch: clock.track(processRuntime.fetch), clock }
      const first = await upsertComment(target(enterprise.apiUrl), marker, `${marker}\na`, options)
      const second = await upsertComment(target(enterprise.apiUrl), marker, `${marker}\nb`, options)
      assert.deepEqual([first.ok && first.done, second.ok && second.done], ['created', 'updated'])
      assert.deepEqual(
        enterprise.comments.on(PR).map((c) => c.body),
        [`${marker}\nb`]
      )
    } finally {
      await enterprise.close()
    }
  })

  it(`past ${MAX_PAGES} pages without its marker, no comment is added`, async () => {
    for (let i = 0; i < MAX_PAGES * 100 + 1; i++) github.comments.seed(PR, `comment ${i}`)
    const clock = new VirtualClock()
    const done = await upsertComment(target(github.apiUrl), marker, `${marker}\nx`, {
      fetch: clock.track(processRuntime.fetch),
      clock
    })
    assert.equal(done.ok, false)
    assert.match(!done.ok ? done.failure.message : '', /more than 1000 comments/)
    assert.equal(github.requests.length, MAX_PAGES)
    assert.equal(github.comments.on(PR).length, MAX_PAGES * 100 + 1)
  })

  it('the GitHub token goes to the GitHub API only, the Hex token to Hex only', async () => {
    const before = fake.requests.length
    await withComment(addProject(fake))
    assertTokensApart(github, fake, before, GITHUB_TOKEN)
  })

  it('a redirect is not followed: the token never reaches another host', async () => {
    const elsewhere = await FakeGitHub.start({ token: 'another' })
    try {
      github.fail(
        { kind: 'redirect', location: `${elsewhere.apiUrl}/repos/acme/data/issues/7/comments` },
        4
      )
      const result = await withComment(addProject(fake))
      assert.equal(result.exitCode, 0)
      assert.deepEqual(elsewhere.requests, [])
      assert.equal(warningAnnotations(result).length, 1)
    } finally {
      await elsewhere.close()
    }
  })
})

describe('hostile text', () => {
  const HOSTILE =
    'Sales @someone @acme/owners [click](https://evil.example) <img src=x onerror=alert(1)> --> | `x` **b** #1'

  it('a hostile project title and Hex message: no mention, link, HTML, broken row or marker', async () => {
    addProject(fake, { title: HOSTILE })
    fake.injectFault({
      method: 'POST',
      path: /\/runs$/,
      action: {
        kind: 'respond',
        status: 422,
        body: {
          reason: `Bad input @someone see https://evil.example --> <script>x</script> | done`
        }
      }
    })
    const result = await withComment('', { 'project-name': HOSTILE, 'project-id': '' })
    assert.equal(result.exitCode, 1)
    const body = github.comments.on(PR)[0]?.body ?? ''
    const [first, ...rest] = body.split('\n')
    assert.match(first ?? '', /^<!-- hex-run-action pr-comment [^<>\n]* -->$/)
    assert.ok(!rest.join('\n').includes('-->'), 'no second end of an HTML comment')
    assert.doesNotMatch(body, /(^|[^\w])@(someone|acme)/, 'no mention GitHub would notify')
    assert.doesNotMatch(body, /<(img|script)/i)
    const html = markdownToHtml(body)
    assert.doesNotMatch(html, /<(img|script)/i)
    assert.deepEqual(
      [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]),
      ['https://github.com/acme/data/actions/runs/4242'],
      "the workflow run's link, the only one"
    )
    // The table's rows have their four cells: no pipe of the title split one.
    const rows = rest.filter((l) => l.startsWith('| '))
    for (const row of rows) assert.equal(row.split(' | ').length, 4, row)
    // And a reader sees the text as it was.
    assert.ok(
      html.replace(/\u200d/g, '').includes('Sales @someone @acme/owners'),
      'the title reads as it was'
    )
  })

  it('a row says how long the run waited for a kernel and ran, where Hex said', () => {
    const render = (sample: Partial<Parameters<typeof resultOf>[0]>) =>
      renderComment(
        resultOf({
          projectId: 'p',
          projectTitle: 'Weekly revenue',
          status: 'COMPLETED',
          succeeded: true,
          runId: 'r',
          runUrl: 'https://app.hex.tech/app/projects/p/runs/r',
          elapsedMs: 190_000,
          ...sample
        }),
        { key: { workflow: 'w', job: 'j', step: 's', projects: ['p'] }, now: 0 }
      )
        .split('\n')
        .find((line) => line.startsWith('| Weekly revenue'))
    assert.match(
      render({ queuedMs: 182_000, runMs: 8_000 }) ?? '',
      /^\| Weekly revenue \| ✅ COMPLETED \| 3m 10s; queued 3m 2s, ran 8\.0s \| \[Open in Hex\]/
    )
    // Without Hex's state events, the duration alone, as before.
    assert.match(
      render({}) ?? '',
      /^\| Weekly revenue \| ✅ COMPLETED \| 3m 10s \| \[Open in Hex\]/
    )
  })

  it('renderComment redacts the secrets before anything else', () => {
    const body = renderComment(
      resultOf({
        projectId: 'p',
        status: 'ERRORED',
        succeeded: false,
        message: 'token hxtw_s3cret leaked'
      }),
      {
        key: { workflow: 'w', job: 'j', step: 's', projects: ['p'] },
        now: 0,
        secrets: ['hxtw_s3cret']
      }
    )
    assert.ok(!body.includes('hxtw_s3cret'))
    assert.match(body, /token \\\*\\\*\\\* leaked/)
  })
})

describe('the pr-comment input', () => {
  const read = (inputs: Record<string, string>, env: Record<string, string> = runnerEnv()) => {
    const all: Record<string, string> = {
      'project-id': '5a8591dd-4039-49df-9202-96385ba3eff8',
      'api-token': 'hxtw_x',
      ...inputs
    }
    return readSettings((name) => all[name] ?? '', env)
  }

  it('not a boolean: named with the values it takes, before any request', () => {
    const parsed = read({ 'pr-comment': 'yes' })
    assert.deepEqual(parsed.ok ? [] : parsed.errors, [
      "Input 'pr-comment' must be true or false, got 'yes'."
    ])
  })

  it('on without a token or outside a job: each problem named once, with commit-status on too', () => {
    const parsed = read(
      { 'pr-comment': 'true', 'commit-status': 'true' },
      { GITHUB_EVENT_NAME: 'pull_request' }
    )
    assert.deepEqual(parsed.ok ? [] : parsed.errors, [
      "Input 'github-token' is empty, and commit-status needs it to post statuses: leave it out (it defaults to ${{ github.token }}) and give the job `permissions: statuses: write`.",
      "Input 'commit-status' is true, but GITHUB_REPOSITORY is not set: statuses can only be posted from a GitHub Actions job.",
      "Input 'commit-status' is true, but GITHUB_API_URL is not set: statuses can only be posted from a GitHub Actions job.",
      "Input 'commit-status' is true, but no commit could be found to post on (the pull_request event's payload has no pull_request.head.sha): give it as 'sha'."
    ])
    const alone = read({ 'pr-comment': 'true' }, { GITHUB_REPOSITORY: 'acme/data' })
    assert.deepEqual(alone.ok ? [] : alone.errors, [
      "Input 'github-token' is empty, and pr-comment needs it to comment on the pull request: leave it out (it defaults to ${{ github.token }}) and give the job `permissions: pull-requests: write`.",
      "Input 'pr-comment' is true, but GITHUB_API_URL is not set: pull-request comments can only be posted from a GitHub Actions job."
    ])
  })

  it('the comment is named by the workflow file, the job, the step and the projects', () => {
    const parsed = read({ 'pr-comment': 'true', 'github-token': GITHUB_TOKEN })
    assert.ok(parsed.ok)
    assert.deepEqual(parsed.settings.prComment?.key, {
      workflow: 'acme/data/.github/workflows/refresh.yml',
      job: 'hex',
      step: 'hex',
      projects: ['5a8591dd-4039-49df-9202-96385ba3eff8']
    })
    assert.equal(parsed.settings.prComment?.pullRequest, PR)
    assert.equal(
      parsed.settings.prComment?.runUrl,
      'https://github.com/acme/data/actions/runs/4242'
    )
  })
})

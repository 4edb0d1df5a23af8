/**
 * The pieces of commit statuses on their own: which commit an event's status goes on, the inputs
 * and runner variables they need (each problem named before anything is sent), the words of a
 * final status, and the GitHub client's limits (a hung or unreachable API, GitHub Enterprise).
 */
import assert from 'node:assert/strict'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import { finalStatus, readOpenStatuses } from '../src/action/commit-status.ts'
import { readSettings } from '../src/step/settings.ts'
import { commitOf } from '../src/github/commit.ts'
import { DESCRIPTION_LIMIT, githubStatuses, STATUS_BUDGET_MS } from '../src/github/statuses.ts'
import type { RunFacts, RunOutcome } from '../src/runs/types.ts'
import { FakeGitHub } from '../test/fake-github/server.ts'
import { processRuntime } from '../src/lib/runtime.ts'
import { VirtualClock } from '../test/runner/virtual-clock.ts'

const SHA = 'f'.repeat(40)
const HEAD = '1'.repeat(40)
const TOKEN = 'ghs_settings_test_token'

describe('the commit a status goes on', () => {
  it('push and others: GITHUB_SHA', () => {
    assert.deepEqual(commitOf({ name: 'push', payload: {}, sha: SHA }), {
      ok: true,
      sha: SHA,
      from: 'GITHUB_SHA'
    })
    assert.equal(commitOf({ name: 'schedule', payload: undefined, sha: '' }).ok, false)
  })

  it("pull_request, pull_request_target and review events: the pull request's head", () => {
    for (const name of ['pull_request', 'pull_request_target', 'pull_request_review']) {
      const chosen = commitOf({
        name,
        payload: { pull_request: { head: { sha: HEAD } } },
        sha: SHA
      })
      assert.deepEqual(chosen, { ok: true, sha: HEAD, from: "the pull request's head" })
    }
    // Never the merge commit in GITHUB_SHA, even when the payload lacks the head.
    const without = commitOf({ name: 'pull_request', payload: {}, sha: SHA })
    assert.deepEqual(without, {
      ok: false,
      error: "the pull_request event's payload has no pull_request.head.sha"
    })
  })

  it("workflow_run: the triggering run's head", () => {
    const chosen = commitOf({
      name: 'workflow_run',
      payload: { workflow_run: { head_sha: HEAD } },
      sha: SHA
    })
    assert.equal(chosen.ok && chosen.sha, HEAD)
  })
})

describe('the commit-status inputs', () => {
  const runner = {
    HEX_API_TOKEN: 'hxtw_x',
    GITHUB_REPOSITORY: 'acme/data',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_SHA: SHA,
    GITHUB_API_URL: 'https://api.example.com'
  }
  const read = (
    inputs: Record<string, string>,
    env: Record<string, string> = runner,
    event = '{}'
  ) =>
    readSettings(
      (name) =>
        (
          ({ 'project-id': '5a8591dd-4039-49df-9202-96385ba3eff8', ...inputs }) as Record<
            string,
            string
          >
        )[name] ?? '',
      { GITHUB_EVENT_PATH: '/event.json', ...env },
      () => event
    )
  const errors = (...args: Parameters<typeof read>) => {
    const parsed = read(...args)
    return parsed.ok ? [] : parsed.errors
  }

  it('off by default: no status settings, and the GitHub token is not needed', () => {
    const parsed = read({})
    assert.ok(parsed.ok)
    assert.equal(parsed.settings.commitStatus, undefined)
  })

  it('on: the repository, the API and the commit from the runner', () => {
    const parsed = read(
      { 'commit-status': 'true', 'github-token': TOKEN },
      {
        ...runner,
        GITHUB_API_URL: 'https://ghes.example.com/api/v3/',
        GITHUB_EVENT_NAME: 'pull_request'
      },
      JSON.stringify({ pull_request: { head: { sha: HEAD } } })
    )
    assert.ok(parsed.ok)
    assert.deepEqual(parsed.settings.commitStatus, {
      target: {
        apiUrl: 'https://ghes.example.com/api/v3',
        owner: 'acme',
        repo: 'data',
        sha: HEAD,
        token: TOKEN
      },
      shaFrom: "the pull request's head",
      context: ''
    })
  })

  it('each problem named, before anything is sent', () => {
    assert.deepEqual(errors({ 'status-context': 'hex/x', sha: SHA }), [
      "Inputs 'status-context' and 'sha' only apply with commit-status: true: set commit-status: true, or remove them."
    ])
    assert.match(
      errors({ 'commit-status': 'true' }).join(),
      /Input 'github-token' is empty.*permissions: statuses: write/
    )
    assert.match(
      errors({ 'commit-status': 'true', 'github-token': TOKEN, sha: 'abc1234' }).join(),
      /Input 'sha' must be a full commit SHA \(40 hexadecimal digits, or 64 in a SHA-256 repository\).*got 'abc1234'/
    )
    assert.match(
      errors({ 'commit-status': 'true', 'github-token': TOKEN }, { HEX_API_TOKEN: 'x' }).join(),
      /GITHUB_REPOSITORY is not set: statuses can only be posted from a GitHub Actions job/
    )
    assert.match(
      errors(
        { 'commit-status': 'true', 'github-token': TOKEN },
        { ...runner, GITHUB_API_URL: 'http://ghes.example.com/api/v3' }
      ).join(),
      /GITHUB_API_URL is 'http:\/\/ghes.example.com\/api\/v3', not an https:\/\/ URL/
    )
    assert.match(
      errors(
        { 'commit-status': 'true', 'github-token': TOKEN },
        { ...runner, GITHUB_EVENT_NAME: 'pull_request' },
        'not json'
      ).join(),
      /no commit could be found to post on \(the pull_request event's payload has no pull_request.head.sha\): give it as 'sha'/
    )
    assert.match(
      errors({ 'commit-status': 'yes' }).join(),
      /Input 'commit-status' must be true or false/
    )
  })
})

describe('the words of a final status', () => {
  const run: RunFacts = {
    projectId: 'p',
    runId: 'r',
    runUrl: 'https://app.hex.tech/acme/app/p/latest',
    statusUrl: 'https://app.hex.tech/api/v1/projects/p/runs/r',
    startedAt: '2026-11-30T00:00:00Z',
    elapsedMs: 250_000
  }
  const target = { projectId: 'p' }
  const cases: [RunOutcome, string, string][] = [
    [{ target, kind: 'ended', status: 'COMPLETED', run }, 'success', 'COMPLETED in 4m 10s'],
    [{ target, kind: 'ended', status: 'KILLED', run }, 'failure', 'KILLED after 4m 10s'],
    [
      { target, kind: 'ended', status: 'UNABLE_TO_ALLOCATE_KERNEL', run },
      'failure',
      'UNABLE_TO_ALLOCATE_KERNEL after 4m 10s'
    ],
    [
      { target, kind: 'timed-out', run, cancel: { kind: 'left-going' } },
      'error',
      'TIMEOUT: not finished within 1h 0m 0s; left going in Hex'
    ],
    [
      { target, kind: 'stopped', by: 'fail-fast', phase: 'going', run },
      'error',
      'CANCELLED after 4m 10s: another run failed (fail-fast)'
    ],
    [
      { target, kind: 'failed', message: 'Hex answered 500', run },
      'error',
      'ERROR after 4m 10s: the step failed before the run ended'
    ]
  ]
  it.each(cases.map(([o, s, d]) => [o, s, d] as const))(
    '%#: %s, %s',
    (outcome, state, description) => {
      const status = finalStatus(outcome, 3_600_000)
      assert.deepEqual(status, { state, description })
      assert.ok(status.description.length <= DESCRIPTION_LIMIT)
    }
  )
})

describe('the statuses a main step left open, read back by the post step', () => {
  it('keeps what fits, drops what does not, and reads damaged state as none', () => {
    const good = { context: 'hex/p', runId: 'r', final: { state: 'failure', description: 'x' } }
    const state = JSON.stringify([
      good,
      { context: 'hex/q', runId: 'r2', targetUrl: 'https://app.hex.tech/x' },
      { context: 'hex/bad-final', runId: 'r', final: { state: 'green', description: 'x' } },
      { context: 3, runId: 'r' },
      ['not', 'an', 'object'],
      null
    ])
    assert.deepEqual(
      readOpenStatuses(state).map((s) => s.context),
      ['hex/p', 'hex/q']
    )
    for (const damaged of ['', '{not json', '{"context":"hex/p"}'])
      assert.deepEqual(readOpenStatuses(damaged), [])
  })
})

describe('the GitHub client', () => {
  let github: FakeGitHub
  let enterprise: FakeGitHub
  beforeAll(async () => {
    github = await FakeGitHub.start({ token: TOKEN })
    enterprise = await FakeGitHub.start({ token: TOKEN, prefix: '/api/v3' })
  })
  afterAll(async () => {
    await github.close()
    await enterprise.close()
  })
  const status = { state: 'pending' as const, context: 'hex/p', description: 'Hex run started' }
  const target = (apiUrl: string) => ({
    apiUrl,
    owner: 'acme',
    repo: 'data',
    sha: SHA,
    token: TOKEN
  })

  /** A virtual clock that holds still while each request is in flight, and its fetch. */
  const onTheClock = () => {
    const clock = new VirtualClock()
    return { fetch: clock.track(globalThis.fetch), clock }
  }

  it('GitHub Enterprise Server: the API under /api/v3', async () => {
    const clock = new VirtualClock()
    const statuses = githubStatuses(target(enterprise.apiUrl), {
      fetch: clock.track(globalThis.fetch),
      clock
    })
    assert.deepEqual(await statuses.post(status), { ok: true })
    assert.deepEqual(enterprise.on(SHA), [['hex/p', 'pending', 'Hex run started']])
  })

  it('a description over 140 characters is cut to fit, not refused', async () => {
    const clock = new VirtualClock()
    const statuses = githubStatuses(target(github.apiUrl), {
      fetch: clock.track(globalThis.fetch),
      clock
    })
    assert.deepEqual(await statuses.post({ ...status, description: 'x'.repeat(300) }), { ok: true })
    assert.equal(github.statuses.at(-1)?.description?.length, DESCRIPTION_LIMIT)
  })

  it('a hung API: given up after the request timeout, tried once more, within the budget', async () => {
    github.reset()
    github.fail({ kind: 'hang' }, 2)
    // Real time: a hung request is one the stand-in GitHub holds while time passes.
    const clock = { now: Date.now, sleep: processRuntime.sleep, timeout: processRuntime.timeout }
    const statuses = githubStatuses(target(github.apiUrl), {
      fetch: globalThis.fetch,
      clock,
      requestTimeoutMs: 50
    })
    const t0 = clock.now()
    const result = await statuses.post(status)
    assert.deepEqual(result, {
      ok: false,
      failure: { kind: 'unavailable', message: 'GitHub did not answer in time.' }
    })
    assert.equal(github.requests.filter((r) => r.method === 'POST').length, 2)
    assert.ok(clock.now() - t0 <= STATUS_BUDGET_MS)
  })

  it('an API that cannot be reached: what failed, in words', async () => {
    const closed = await FakeGitHub.start({ token: TOKEN })
    const apiUrl = closed.apiUrl
    await closed.close()
    const statuses = githubStatuses(target(apiUrl), onTheClock())
    const result = await statuses.post(status)
    assert.equal(result.ok, false)
    assert.match(
      !result.ok ? result.failure.message : '',
      /^GitHub could not be reached: .*ECONNREFUSED/
    )
  })

  it('a 401: the token is named', async () => {
    const statuses = githubStatuses({ ...target(github.apiUrl), token: 'ghs_wrong' }, onTheClock())
    const result = await statuses.post(status)
    assert.deepEqual(result, {
      ok: false,
      failure: {
        kind: 'permission',
        message: 'GitHub answered 401 (Bad credentials): the token in github-token is not valid.'
      }
    })
  })
})

/**
 * Commit statuses (commit-status: true), in process against the stand-in Hex and a stand-in GitHub
 * API on 127.0.0.1: which commit, which statuses in which order, the post step finishing what a
 * killed main step left pending, GitHub's refusals, and each token going only to its own host.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, it } from '@jest/globals'
import type { FakeHex } from '../test/fake-hex/server.ts'
import { FakeGitHub } from '../test/fake-github/server.ts'
import { assertTokensApart, clockOf, runAgainst, startHex } from './helpers/action.ts'
import { addProject, assertNoToken, warningAnnotations } from './helpers/e2e.ts'

const GITHUB_TOKEN = 'ghs_stand_in_github_token_0123456789'
const PUSH_SHA = 'a'.repeat(40)
const MERGE_SHA = 'b'.repeat(40)
const HEAD_SHA = 'c'.repeat(40)
const RUN_HEAD_SHA = 'd'.repeat(40)

let fake: FakeHex
let github: FakeGitHub
let dir: string
beforeAll(async () => {
  fake = await startHex()
  github = await FakeGitHub.start({ token: GITHUB_TOKEN, now: clockOf(fake).now })
  dir = mkdtempSync(join(tmpdir(), 'hex-status-'))
})
afterAll(async () => {
  await github.close()
  await fake.close()
  rmSync(dir, { recursive: true, force: true })
})
afterEach(() => github.reset())

/** The runner's environment for an event, its payload written where GITHUB_EVENT_PATH says. */
function runnerEnv(
  event: 'push' | 'pull_request' | 'workflow_run',
  apiUrl = github.apiUrl
): Record<string, string> {
  const payloads = {
    push: { after: PUSH_SHA },
    pull_request: { pull_request: { number: 7, head: { sha: HEAD_SHA } } },
    workflow_run: { workflow_run: { head_sha: RUN_HEAD_SHA } }
  }
  const path = join(dir, `${event}.json`)
  writeFileSync(path, JSON.stringify(payloads[event]))
  return {
    GITHUB_REPOSITORY: 'acme/data',
    GITHUB_API_URL: apiUrl,
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: path,
    GITHUB_SHA: event === 'pull_request' ? MERGE_SHA : PUSH_SHA
  }
}

const ON = { 'commit-status': 'true', 'github-token': GITHUB_TOKEN }

/** The action in process with commit statuses on; the GitHub token must not leak either. */
async function withStatuses(
  projectId: string,
  inputs: Record<string, string> = {},
  event: 'push' | 'pull_request' | 'workflow_run' = 'push',
  options: {
    snapshotWhen?: RegExp
    stopWhen?: RegExp
    state?: Record<string, string>
    apiUrl?: string
  } = {}
) {
  const result = await runAgainst(
    fake,
    projectId,
    { ...ON, ...inputs },
    { env: runnerEnv(event, options.apiUrl), ...options }
  )
  assertNoToken(result, GITHUB_TOKEN)
  return result
}

const ERRORED = [{ status: 'RUNNING', ms: 2_000 }, { status: 'ERRORED' }]
const FOREVER = [{ status: 'RUNNING' }]

describe('commit statuses', () => {
  it('push: pending with the run link, then success, on GITHUB_SHA', async () => {
    const projectId = addProject(fake, { title: 'Nightly refresh' })
    const result = await withStatuses(projectId)
    assert.equal(result.exitCode, 0)
    // The title (GetProject's, read while the run went) and the times from the state events.
    assert.deepEqual(github.on(PUSH_SHA), [
      [`hex/${projectId}`, 'pending', 'Hex run started'],
      [
        `hex/${projectId}`,
        'success',
        'Nightly refresh: COMPLETED in 150ms (queued 50ms, ran 150ms)'
      ]
    ])
    const [pending, success] = github.statuses
    assert.equal(pending?.target_url, result.outputs['run-url'])
    assert.equal(success?.target_url, result.outputs['run-url'])
    assert.match(result.log, /Commit statuses go on acme\/data@aaaaaaaaaaaa \(GITHUB_SHA\)/)
    assert.match(result.log, new RegExp(`Commit status hex/${projectId} on aaaaaaa: success`))
  })

  it("retry-unallocated: pending through every attempt, then the last run's end, linking to it", async () => {
    const projectId = addProject(fake, { unallocated: { runs: 1 } })
    const result = await withStatuses(projectId, { 'retry-unallocated': '1' })
    assert.equal(result.exitCode, 0)
    assert.deepEqual(
      github.on(PUSH_SHA).map(([, state, description]) => [state, description]),
      [
        ['pending', 'Hex run started'],
        ['pending', 'Hex run started (attempt 2)'],
        ['success', `Project ${projectId.slice(0, 8)}: COMPLETED in 150ms (queued 50ms, ran 150ms)`]
      ]
    )
    assert.equal(github.statuses.at(-1)?.target_url, result.outputs['run-url'])
  })

  it('if-running: skip gives the context its end, a success linking to the run in progress', async () => {
    const projectId = addProject(fake, { lifecycle: [{ status: 'COMPLETED' }] })
    const other = fake.startElsewhere(projectId, {
      lifecycle: [{ status: 'RUNNING', ms: 600_000 }, { status: 'COMPLETED' }]
    })
    const result = await withStatuses(projectId, { 'if-running': 'skip' })
    assert.equal(result.exitCode, 0)
    assert.equal(result.outputs.status, 'SKIPPED')
    // A required check on the context must not wait for ever on a step that started nothing.
    assert.deepEqual(
      github.on(PUSH_SHA).map(([, state, description]) => [state, description]),
      [['success', 'SKIPPED: a run was in progress; none started']]
    )
    assert.match(github.statuses.at(-1)?.target_url ?? '', new RegExp(`/runs/${other.id}$`))
  })

  it("pull_request: on the pull request's head, not the merge commit; ERRORED is failure", async () => {
    const projectId = addProject(fake, { lifecycle: ERRORED })
    const result = await withStatuses(projectId, {}, 'pull_request')
    assert.equal(result.exitCode, 1)
    assert.deepEqual(github.on(MERGE_SHA), [])
    assert.deepEqual(
      github.on(HEAD_SHA).map(([, state, description]) => [state, description]),
      [
        ['pending', 'Hex run started'],
        ['failure', `Project ${projectId.slice(0, 8)}: ERRORED after 2.0s (ran 2.0s)`]
      ]
    )
  })

  it("workflow_run: on the triggering run's head; a timeout is error, and says the run was cancelled", async () => {
    const projectId = addProject(fake, { lifecycle: FOREVER })
    const result = await withStatuses(projectId, { timeout: '30s' }, 'workflow_run')
    assert.equal(result.outputs.status, 'TIMEOUT')
    assert.deepEqual(
      github.on(RUN_HEAD_SHA).map(([, state, description]) => [state, description]),
      [
        ['pending', 'Hex run started'],
        [
          'error',
          `Project ${projectId.slice(0, 8)}: TIMEOUT: not finished within 30.0s; cancelled in Hex`
        ]
      ]
    )
  })

  it('the sha input overrides the event; status-context names the status', async () => {
    const sha = 'e'.repeat(40)
    const projectId = addProject(fake)
    await withStatuses(projectId, { sha, 'status-context': 'data/nightly' }, 'pull_request')
    assert.deepEqual(github.on(HEAD_SHA), [])
    assert.deepEqual(
      github.on(sha).map(([context, state]) => [context, state]),
      [
        ['data/nightly', 'pending'],
        ['data/nightly', 'success']
      ]
    )
  })

  it('several projects: one status each, named by title; a given context gets the title appended', async () => {
    const names = ['Sales refresh', 'Churn model']
    for (const [i, title] of names.entries())
      addProject(fake, { title, lifecycle: i === 1 ? ERRORED : undefined })
    await withStatuses('', { 'project-name': names.join('\n'), 'project-id': '' })
    const final = (context: string) =>
      github.statuses.filter((s) => s.context === context).map((s) => s.state)
    assert.deepEqual(final('hex/Sales refresh'), ['pending', 'success'])
    assert.deepEqual(final('hex/Churn model'), ['pending', 'failure'])

    github.statuses.length = 0
    await withStatuses('', {
      'project-name': names.join('\n'),
      'project-id': '',
      'status-context': 'deploy-gate'
    })
    assert.deepEqual([...new Set(github.statuses.map((s) => s.context))].sort(), [
      'deploy-gate/Churn model',
      'deploy-gate/Sales refresh'
    ])
  })

  it('wait: false leaves the status pending; a later step with run-id finishes it', async () => {
    const projectId = addProject(fake, {
      lifecycle: [{ status: 'RUNNING', ms: 5_000 }, { status: 'COMPLETED' }]
    })
    const first = await withStatuses(projectId, { wait: 'false' })
    assert.deepEqual(
      github.on(PUSH_SHA).map(([, state]) => state),
      ['pending']
    )
    assert.equal(first.stateValues.statuses, '[]', 'the post step has nothing to finish')

    const later = await withStatuses(projectId, { 'run-id': first.outputs['run-id'] ?? '' })
    assert.equal(later.outputs.status, 'COMPLETED')
    assert.deepEqual(github.on(PUSH_SHA), [
      [`hex/${projectId}`, 'pending', 'Hex run started'],
      [`hex/${projectId}`, 'pending', 'Waiting for the Hex run'],
      [
        `hex/${projectId}`,
        'success',
        `Project ${projectId.slice(0, 8)}: COMPLETED in 5.0s (ran 5.0s)`
      ]
    ])
  })

  it('a workflow cancel: the main step finishes the status as error', async () => {
    const projectId = addProject(fake, { lifecycle: FOREVER })
    // Stopped as the runner stops it, once the pending status is on the commit.
    const result = await withStatuses(projectId, {}, 'push', { stopWhen: /: pending \(/ })
    assert.equal(result.outputs.status, 'CANCELLED')
    assert.deepEqual(
      github.on(PUSH_SHA).map(([, state, d]) => [state, d]),
      [
        ['pending', 'Hex run started'],
        // Stopped before the title read (after the first status read) could answer: no title.
        ['error', 'CANCELLED after 0ms: the workflow was cancelled']
      ]
    )
  })

  it('a dry run posts nothing', async () => {
    const projectId = addProject(fake)
    const result = await withStatuses(projectId, { 'dry-run': 'true' })
    assert.equal(result.outputs.status, 'DRY_RUN')
    assert.deepEqual(github.requests, [])
  })
})

describe('a main step killed with a status pending: the post step finishes it', () => {
  it('with the run cancelled: error, "the workflow was cancelled"', async () => {
    const projectId = addProject(fake, {
      lifecycle: [{ status: 'RUNNING', ms: 60_000 }, { status: 'COMPLETED' }]
    })
    // The state as a main step killed right after posting pending leaves it; this one goes on
    // to time out (leaving the run going, as a killed step would).
    const main = await withStatuses(
      projectId,
      { timeout: '10s', 'cancel-on-timeout': 'false' },
      'push',
      { snapshotWhen: /: pending \(/ }
    )
    const state = main.stateAt as Record<string, string>
    assert.deepEqual(JSON.parse(state.statuses ?? ''), [
      {
        context: `hex/${projectId}`,
        runId: main.outputs['run-id'],
        targetUrl: main.outputs['run-url']
      }
    ])
    github.statuses.length = 0

    const post = await withStatuses(projectId, { timeout: '10s' }, 'push', { state })
    assert.equal(post.exitCode, 0)
    assert.deepEqual(github.on(PUSH_SHA), [
      [
        `hex/${projectId}`,
        'error',
        'CANCELLED: the workflow was cancelled; the Hex run was cancelled'
      ]
    ])
  })

  it('with the run ended meanwhile: its real end', async () => {
    const projectId = addProject(fake, {
      lifecycle: [{ status: 'RUNNING', ms: 3_000 }, { status: 'COMPLETED' }]
    })
    const main = await withStatuses(projectId, {}, 'push', { snapshotWhen: /: pending \(/ })
    github.statuses.length = 0
    await withStatuses(projectId, {}, 'push', { state: main.stateAt as Record<string, string> })
    assert.deepEqual(
      github.on(PUSH_SHA).map(([, state, d]) => [state, d]),
      [['success', 'COMPLETED (seen after the step was stopped)']]
    )
  })

  it('with its end decided: that end (posted again, if it had landed)', async () => {
    const projectId = addProject(fake, { lifecycle: ERRORED })
    const main = await withStatuses(projectId, {}, 'push', { snapshotWhen: /: failure \(/ })
    const state = main.stateAt as Record<string, string>
    const [open] = JSON.parse(state.statuses ?? '') as { final?: { state: string } }[]
    assert.equal(open?.final?.state, 'failure')
    github.statuses.length = 0
    await withStatuses(projectId, {}, 'push', { state })
    assert.deepEqual(
      github.on(PUSH_SHA).map(([, state]) => state),
      ['failure']
    )
  })
})

describe('when GitHub refuses', () => {
  it('403 "Resource not accessible by integration": one warning naming statuses: write; the result stands', async () => {
    const projectId = addProject(fake)
    github.fail(
      { kind: 'respond', status: 403, body: { message: 'Resource not accessible by integration' } },
      5
    )
    const result = await withStatuses(projectId)
    assert.equal(result.exitCode, 0)
    assert.equal(result.outputs.status, 'COMPLETED')
    const warnings = warningAnnotations(result)
    assert.equal(warnings.length, 1)
    assert.match(warnings[0] ?? '', /permissions: statuses: write/)
    assert.match(warnings[0] ?? '', /not affected/)
    // Refused once, not asked again for the run's end.
    assert.equal(github.requests.length, 1)
  })

  it('a 502 is tried once more, and the status lands', async () => {
    const projectId = addProject(fake)
    github.fail({ kind: 'respond', status: 502, body: { message: 'Bad Gateway' } })
    const result = await withStatuses(projectId)
    assert.deepEqual(warningAnnotations(result), [])
    assert.deepEqual(
      github.on(PUSH_SHA).map(([, state]) => state),
      ['pending', 'success']
    )
  })

  it('a commit GitHub does not know (422): one warning naming the sha input', async () => {
    const projectId = addProject(fake)
    github.fail(
      { kind: 'respond', status: 422, body: { message: `No commit found for SHA: ${PUSH_SHA}` } },
      2
    )
    const result = await withStatuses(projectId)
    assert.equal(result.exitCode, 0)
    const warnings = warningAnnotations(result)
    assert.equal(warnings.length, 1)
    assert.match(warnings[0] ?? '', /Set sha to one of its commits/)
  })
})

describe('tokens', () => {
  it('the GitHub token goes to the GitHub API only, the Hex token to Hex only', async () => {
    const projectId = addProject(fake)
    const before = fake.requests.length
    await withStatuses(projectId)
    assertTokensApart(github, fake, before, GITHUB_TOKEN)
  })

  it('a redirect is not followed: the token never reaches another host', async () => {
    const elsewhere = await FakeGitHub.start({ token: 'another' })
    try {
      const projectId = addProject(fake)
      github.fail(
        { kind: 'redirect', location: `${elsewhere.apiUrl}/repos/acme/data/statuses/${PUSH_SHA}` },
        4
      )
      const result = await withStatuses(projectId)
      assert.equal(result.exitCode, 0)
      assert.deepEqual(elsewhere.requests, [])
      assert.equal(warningAnnotations(result).length, 1)
    } finally {
      await elsewhere.close()
    }
  })
})

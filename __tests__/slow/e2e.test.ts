/**
 * End-to-end: the bundled dist/index.js, run as a runner runs it (a Node 24 process, INPUT_*
 * variables, the GITHUB_OUTPUT, GITHUB_STATE and GITHUB_STEP_SUMMARY files), against the stand-in
 * Hex server on real time. Only what a real process shows is tested here: the bundle itself, the
 * runner's signals, a main step killed outright and the post step after it, and a proxy taken from
 * the process's environment. Everything else runs in process on a virtual clock, in __tests__/
 * (action.test.ts, faults.test.ts, several.test.ts, proxy.test.ts).
 */
import assert from 'node:assert/strict'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import type { LedgerEntry } from '../../src/action/ledger.ts'
import { FakeGitHub } from '../../test/fake-github/server.ts'
import { FakeHex, type LifecycleStep } from '../../test/fake-hex/server.ts'
import { ForwardProxy } from '../../test/runner/forward-proxy.ts'
import type { ActionResult, RunActionOptions } from '../../test/runner/run-action.ts'
import {
  addProject,
  assertNoToken,
  errorAnnotations,
  requestsFor,
  RUN_TOKEN,
  runAgainst,
  signalWhen,
  until
} from '../helpers/e2e.ts'

const FOREVER: LifecycleStep[] = [{ status: 'RUNNING' }]

let fake: FakeHex
beforeAll(async () => {
  fake = await FakeHex.start()
})
afterAll(async () => {
  await fake.close()
})

function run(
  projectId: string,
  inputs: Record<string, string> = {},
  options: Omit<RunActionOptions, 'inputs'> = {}
): Promise<ActionResult> {
  return runAgainst(fake, projectId, inputs, options)
}

const methods = (projectId: string, method: string) =>
  requestsFor(fake, projectId).filter((r) => r.method === method)

/** The run's status reads (not the read of the project's history). */
const statusReads = (projectId: string) =>
  methods(projectId, 'GET').filter((r) => r.path.startsWith(`/api/v1/projects/${projectId}/runs/`))

/** For `onSpawn`: sends the step `signal` once the run has been polled `reads` times. */
function whenPolled(projectId: string, signal: NodeJS.Signals, reads = 1) {
  return signalWhen(() => statusReads(projectId).length >= reads, 'the run to be polled', signal)
}

/** The runs the main step left in its state for the post step. */
function ledgerOf(result: ActionResult): LedgerEntry[] {
  return JSON.parse(result.stateValues.runs ?? '[]') as LedgerEntry[]
}

describe('the bundled action', () => {
  it.concurrent(
    'a run to COMPLETED: outputs, summary and state files, exit 0, a quiet stderr',
    async () => {
      const projectId = addProject(fake, {
        lifecycle: [{ status: 'RUNNING', ms: 300 }, { status: 'COMPLETED' }],
        version: 7
      })
      const result = await run(projectId, { 'input-params': '{"region": "emea"}' })
      assert.equal(result.exitCode, 0, result.log)
      const [runRecord] = fake.runs(projectId)
      const sent = requestsFor(fake, projectId)
      assert.equal(sent[0]?.method, 'POST')
      assert.equal(sent[0]?.headers.authorization, `Bearer ${RUN_TOKEN}`)
      assert.ok(sent.slice(1).every((r) => r.method === 'GET'))
      const o = result.outputs
      assert.equal(o['run-id'], runRecord?.id)
      assert.equal(o.status, 'COMPLETED')
      assert.equal(o['project-version'], '7')
      assert.match(o['elapsed-seconds'] ?? '', /^\d+$/)
      assert.match(result.stdout, /COMPLETED in/)
      assert.match(result.summary, /### ✅ Hex run completed/)
      assert.ok(result.summary.includes(`(${o['run-url']})`), 'summary links the run')
      assert.deepEqual(ledgerOf(result), [{ projectId, runId: runRecord?.id, fate: 'settled' }])
      assert.deepEqual(errorAnnotations(result), [])
      // Nothing stray on stderr (a library's process warning would show in every job log).
      assert.equal(result.stderr, '')
    }
  )

  it.concurrent('a run that errors: exit 1 and one error annotation linking the run', async () => {
    const projectId = addProject(fake, {
      lifecycle: [{ status: 'RUNNING', ms: 150 }, { status: 'ERRORED' }]
    })
    const result = await run(projectId)
    assert.equal(result.exitCode, 1)
    assert.equal(result.outputs.status, 'ERRORED')
    const errors = errorAnnotations(result)
    assert.equal(errors.length, 1, result.log)
    assert.ok(errors[0]?.includes(result.outputs['run-url'] ?? '-'), 'the error links the run')
    assert.match(result.stdout, /^::error title=Hex run ERRORED::/m)
  })
})

describe("the runner's signals", () => {
  it.concurrent(
    'SIGINT mid-run: cancels the run in Hex, reports CANCELLED and exits non-zero',
    async () => {
      const projectId = addProject(fake, { lifecycle: FOREVER })
      const result = await run(
        projectId,
        {},
        {
          onSpawn: whenPolled(projectId, 'SIGINT', 2)
        }
      )
      assert.notEqual(result.exitCode, 0)
      assert.equal(result.outputs.status, 'CANCELLED')
      const [runRecord] = fake.runs(projectId)
      assert.equal(result.outputs['run-id'], runRecord?.id)
      assert.equal(runRecord?.status, 'KILLED')
      assert.equal(methods(projectId, 'DELETE').length, 1)
      assert.match(result.stdout, /Received SIGINT: stopping\./)
      assert.match(result.summary, /Hex run cancelled/)
      assert.match(result.summary, /The run was cancelled in Hex/)
      assert.deepEqual(ledgerOf(result), [{ projectId, runId: runRecord?.id, fate: 'settled' }])
    }
  )

  it.concurrent(
    'SIGTERM during the trigger: the run it started is cancelled, not left behind',
    async () => {
      const projectId = addProject(fake, { lifecycle: FOREVER })
      fake.injectFault({
        method: 'POST',
        path: `/api/v1/projects/${projectId}/runs`,
        action: { kind: 'delay', ms: 800 }
      })
      const result = await run(
        projectId,
        {},
        {
          onSpawn: signalWhen(
            () => methods(projectId, 'POST').length === 1,
            'the trigger',
            'SIGTERM'
          )
        }
      )
      assert.notEqual(result.exitCode, 0)
      assert.equal(result.outputs.status, 'CANCELLED')
      assert.equal(fake.runs(projectId)[0]?.status, 'KILLED')
      assert.equal(methods(projectId, 'POST').length, 1)
    }
  )
})

describe('the post step after a main step killed outright (SIGKILL)', () => {
  it.concurrent('cancels the run the main step left going', async () => {
    const projectId = addProject(fake, { lifecycle: FOREVER })
    const main = await run(
      projectId,
      {},
      {
        onSpawn: whenPolled(projectId, 'SIGKILL')
      }
    )
    assert.equal(main.signal, 'SIGKILL')
    const runId = fake.runs(projectId)[0]?.id
    assert.deepEqual(ledgerOf(main), [{ projectId, runId, fate: 'open' }])
    assert.equal(fake.runs(projectId)[0]?.status, 'RUNNING')

    const post = await run(projectId, {}, { state: main.stateValues })
    assert.equal(post.exitCode, 0, post.log)
    assert.equal(fake.runs(projectId)[0]?.status, 'KILLED')
    assert.equal(methods(projectId, 'DELETE').length, 1)
    assert.match(post.stdout, new RegExp(`Cancelled Hex run ${runId}: the main step was stopped`))
    assert.match(post.summary, /Cancelled Hex run/)
  })

  it.concurrent('does not cancel a run that ended meanwhile, nor fail', async () => {
    // Long enough that the kill lands while it runs, on a loaded machine too.
    const projectId = addProject(fake, {
      lifecycle: [{ status: 'RUNNING', ms: 1_500 }, { status: 'COMPLETED' }]
    })
    const main = await run(
      projectId,
      {},
      {
        onSpawn: whenPolled(projectId, 'SIGKILL')
      }
    )
    await until(() => fake.runs(projectId)[0]?.status === 'COMPLETED', 'the run to end')
    const post = await run(projectId, {}, { state: main.stateValues })
    assert.equal(post.exitCode, 0)
    assert.equal(methods(projectId, 'DELETE').length, 0)
    assert.match(post.stdout, /already ended COMPLETED: nothing to cancel/)
  })

  it.concurrent('cancels every run of several that the main step left going', async () => {
    const ids = [
      addProject(fake, { lifecycle: FOREVER }),
      addProject(fake, { lifecycle: FOREVER }),
      addProject(fake, { lifecycle: FOREVER })
    ]
    const main = await run(
      ids.join('\n'),
      {},
      {
        onSpawn: signalWhen(
          () => ids.every((id) => statusReads(id).length >= 1),
          'all three runs to be polled',
          'SIGKILL'
        )
      }
    )
    assert.equal(main.signal, 'SIGKILL')
    const onlyRun = (id: string) => {
      const runs = fake.runs(id)
      assert.equal(runs.length, 1, `one run of ${id}`)
      return runs[0] as NonNullable<(typeof runs)[0]>
    }
    const byProject = (a: LedgerEntry, b: LedgerEntry) => a.projectId.localeCompare(b.projectId)
    assert.deepEqual(
      [...ledgerOf(main)].sort(byProject),
      ids
        .map((projectId) => ({ projectId, runId: onlyRun(projectId).id, fate: 'open' as const }))
        .sort(byProject)
    )
    for (const id of ids) {
      assert.equal(onlyRun(id).status, 'RUNNING')
      assert.equal(methods(id, 'DELETE').length, 0)
    }

    const post = await run(ids.join('\n'), {}, { state: main.stateValues })
    assert.equal(post.exitCode, 0, post.log)
    for (const id of ids) {
      const record = onlyRun(id)
      assert.equal(record.status, 'KILLED', `run of ${id} cancelled`)
      const deletes = methods(id, 'DELETE')
      assert.equal(deletes.length, 1)
      assert.equal(deletes[0]?.path, `/api/v1/projects/${id}/runs/${record.id}`)
      assert.equal(methods(id, 'POST').length, 1, 'the post step triggers nothing')
      assert.match(
        post.stdout,
        new RegExp(`Cancelled Hex run ${record.id}: the main step was stopped`)
      )
    }
    assert.equal(post.summary.match(/Cancelled Hex run/g)?.length, 3, post.summary)
  })
})

describe('commit statuses from the bundle (Octokit loaded from its own chunk)', () => {
  it.concurrent(
    'pending from the main step; killed, the post step finishes it as error',
    async () => {
      const token = 'ghs_e2e_github_token_0123456789'
      const sha = '0123456789abcdef0123456789abcdef01234567'
      const github = await FakeGitHub.start({ token })
      try {
        const projectId = addProject(fake, { lifecycle: FOREVER })
        const options = {
          env: {
            GITHUB_REPOSITORY: 'acme/data',
            GITHUB_API_URL: github.apiUrl,
            GITHUB_EVENT_NAME: 'push',
            GITHUB_SHA: sha
          }
        }
        const inputs = { 'commit-status': 'true', 'github-token': token }
        const main = await run(projectId, inputs, {
          ...options,
          onSpawn: signalWhen(() => github.statuses.length > 0, 'the pending status', 'SIGKILL')
        })
        assert.equal(main.signal, 'SIGKILL')
        const post = await run(projectId, inputs, { ...options, state: main.stateValues })
        assert.equal(post.exitCode, 0, post.log)
        for (const result of [main, post]) assertNoToken(result, token)
        assert.deepEqual(github.on(sha), [
          [`hex/${projectId}`, 'pending', 'Hex run started'],
          [
            `hex/${projectId}`,
            'error',
            'CANCELLED: the workflow was cancelled; the Hex run was cancelled'
          ]
        ])
        assert.equal(fake.runs(projectId)[0]?.status, 'KILLED')
      } finally {
        await github.close()
      }
    }
  )
})

describe("a proxy from the runner's environment", () => {
  it.concurrent(
    "sends Hex's requests and the commit statuses through HTTP_PROXY, each token inside its tunnel",
    async () => {
      const token = 'ghs_e2e_proxy_github_token_0123456789'
      const sha = '9'.repeat(40)
      const proxy = await ForwardProxy.start()
      const github = await FakeGitHub.start({ token })
      try {
        const projectId = addProject(fake, {
          lifecycle: [{ status: 'RUNNING', ms: 300 }, { status: 'COMPLETED' }]
        })
        const result = await run(
          projectId,
          { 'commit-status': 'true', 'github-token': token },
          {
            env: {
              HTTP_PROXY: proxy.url,
              GITHUB_REPOSITORY: 'acme/data',
              GITHUB_API_URL: github.apiUrl,
              GITHUB_EVENT_NAME: 'push',
              GITHUB_SHA: sha
            }
          }
        )
        assert.equal(result.exitCode, 0, result.log)
        assert.equal(result.outputs.status, 'COMPLETED')
        assertNoToken(result, token)
        assert.deepEqual(
          github.on(sha).map(([, state]) => state),
          ['pending', 'success']
        )
        const hosts = new Set(
          proxy.seen.map((s) => (s.method === 'CONNECT' ? s.target : new URL(s.target).host))
        )
        assert.deepEqual(
          [...hosts].sort(),
          [new URL(fake.origin).host, new URL(github.apiUrl).host].sort(),
          "Hex's requests and the statuses went through the proxy"
        )
        for (const s of proxy.seen)
          for (const secret of [token, RUN_TOKEN])
            assert.ok(!JSON.stringify(s.headers).includes(secret), 'a token reached the proxy')
      } finally {
        await github.close()
        await proxy.close()
      }
    }
  )
})

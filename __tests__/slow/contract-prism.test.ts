/**
 * Contract tests, part (b) (parts (a) and (c) are ../contract.test.ts): the action's requests fit
 * contract/hex-api.yaml. Prism, spawned, mocks the contract with request validation on, and the
 * action's source runs against it in process (on a virtual clock: Prism answers every run
 * COMPLETED at once), so the requests checked are the ones the code sends today.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import { CONTRACT_FILE, loadDescription, serverUrls, type Json } from '../../contract/compare.ts'
import { HexApiError } from '../../src/hex/errors.ts'
import { HexClient } from '../../src/hex/client.ts'
import { HexSession } from '../../src/hex/session.ts'
import { readHistory } from '../../src/runs/history.ts'
import { findInProgress } from '../../src/runs/in-progress.ts'
import type { RunProjectRequest } from '../../src/hex/types.ts'
import { runInProcess } from '../../test/runner/in-process.ts'
import { VirtualClock } from '../../test/runner/virtual-clock.ts'
import {
  logViolations,
  startPrism,
  type ForwardedRequest,
  type PrismMock
} from '../helpers/contract-prism.ts'
import { exampleOf } from '../helpers/contract-schema.ts'
import { errorAnnotations } from '../helpers/e2e.ts'

const contract = await loadDescription(CONTRACT_FILE)

/** Every field Hex's ProjectRunNotification takes, each kind of recipient once. */
const EVERY_NOTIFICATION = [
  { type: 'FAILURE', includeSuccessScreenshot: false, slackChannelIds: ['C0123456'] },
  {
    type: 'ALL',
    includeSuccessScreenshot: true,
    screenshotFormat: 'pdf',
    userIds: ['7f3e9a12-0c4b-4d8e-a5f6-1b2c3d4e5f60'],
    groupIds: ['1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'],
    subject: 'Nightly refresh',
    body: 'The run has ended.'
  },
  { type: 'SUCCESS', includeSuccessScreenshot: false }
]

/** The contract's server path (/api): the action's api-url is the host plus it. */
const SERVER_PATH = new URL(serverUrls(contract)[0] ?? 'https://app.hex.tech/api').pathname.replace(
  /\/+$/,
  ''
)
const TOKEN = 'hxtw_contract_test_token'
const started = exampleOf(contract, 'RunProject', 201)
const status = exampleOf(contract, 'GetRunStatus', 200)
/**
 * Prism answers from the contract's examples, which name one project: the client refuses an answer
 * about another project than it asked about, so the tests that read an answer ask about this one.
 */
const EXAMPLE_PROJECT_ID = String(started.projectId)

function violationsOf(requests: ForwardedRequest[]): string[] {
  return requests.flatMap((r) => [
    ...(r.status >= 400 ? [`${r.method} ${r.path} answered ${r.status}`] : []),
    ...r.violations.map((v) => `${r.method} ${r.path}: ${v.message ?? JSON.stringify(v)}`)
  ])
}

describe("(b) the action's requests fit the contract (Prism mock, request validation on)", () => {
  let prism: PrismMock

  beforeAll(async () => {
    prism = await startPrism(CONTRACT_FILE, SERVER_PATH)
  })
  afterAll(async () => {
    await prism?.close()
  })

  /**
   * Runs the action's main step in process for a project of its own, so requests and log lines can
   * be told apart, on a virtual clock of its own: Prism is not on it, but its runs are COMPLETED
   * from the first read, so the waits between reads need no real time.
   */
  async function runAgainstPrism(inputs: Record<string, string>) {
    const projectId = EXAMPLE_PROJECT_ID
    const before = prism.requests.length
    const result = await runInProcess({
      inputs: {
        'project-id': projectId,
        'api-token': TOKEN,
        'api-url': `${prism.origin}${SERVER_PATH}`,
        ...inputs
      },
      clock: new VirtualClock()
    })
    const sent = prism.requests.slice(before).filter((r) => r.path.includes(projectId))
    return { result, sent, projectId }
  }

  function assertAccepted(sent: ForwardedRequest[], projectId: string): void {
    assert.ok(sent.length > 0, 'no request reached Prism')
    assert.deepEqual(violationsOf(sent), [], 'Prism refused a request')
    assert.deepEqual(logViolations(prism.log(), projectId), [], "violations in Prism's log")
  }

  it('Prism starts', () => {
    console.info(`Prism took ${Math.round(prism.startupMs)} ms to start listening`)
  })

  const variations: Array<{ name: string; inputs: Record<string, string>; body: Json }> = [
    {
      name: 'the defaults',
      inputs: {},
      body: { updatePublishedResults: false, useCachedSqlResults: true }
    },
    {
      name: 'input params, updating published results, fresh SQL',
      inputs: {
        'input-params':
          '{"region": "emea", "n": 3, "flags": [true], "window": {"days": 7, "to": null}}',
        'update-published-results': 'true',
        'use-cached-sql-results': 'false'
      },
      body: {
        updatePublishedResults: true,
        useCachedSqlResults: false,
        inputParams: { region: 'emea', n: 3, flags: [true], window: { days: 7, to: null } }
      }
    },
    {
      name: 'a saved view and every kind of notification',
      inputs: {
        'view-id': 'c3a7e1f0-5b2d-4e8a-9f61-0d4b7c2a8e15',
        notifications: JSON.stringify(EVERY_NOTIFICATION)
      },
      body: {
        updatePublishedResults: false,
        useCachedSqlResults: true,
        viewId: 'c3a7e1f0-5b2d-4e8a-9f61-0d4b7c2a8e15',
        notifications: EVERY_NOTIFICATION
      }
    }
  ]

  describe('a run to COMPLETED', () => {
    for (const variation of variations) {
      it(`with ${variation.name}`, async () => {
        const { result, sent, projectId } = await runAgainstPrism(variation.inputs)
        assert.equal(result.exitCode, 0, result.log)
        assert.deepEqual(errorAnnotations(result), [])
        assertAccepted(sent, projectId)
        const [trigger, ...reads] = sent
        assert.equal(trigger?.method, 'POST')
        assert.equal(trigger?.path, `${SERVER_PATH}/v1/projects/${projectId}/runs`)
        assert.deepEqual(trigger?.body, variation.body)
        // The run's status; the contract's example is already COMPLETED, so the project's
        // history, which only a run still going needs, is not read (its query is checked below).
        const runsPath = `${SERVER_PATH}/v1/projects/${projectId}/runs`
        assert.equal(reads.filter((r) => r.method === 'GET' && r.path === runsPath).length, 0)
        // The project's title, once (GetProject), beside the status reads.
        const projectPath = `${SERVER_PATH}/v1/projects/${projectId}`
        assert.equal(reads.filter((r) => r.method === 'GET' && r.path === projectPath).length, 1)
        const polls = reads.filter((r) => r.path !== runsPath && r.path !== projectPath)
        assert.ok(polls.length >= 1, 'no status request')
        for (const poll of polls) {
          assert.equal(poll.method, 'GET')
          assert.equal(
            poll.path,
            `${SERVER_PATH}/v1/projects/${projectId}/runs/${String(started.runId)}`
          )
          // Asked with its state events, as Hex's description has it.
          assert.equal(poll.headers?.['enable-expanded-stats'], 'true')
        }
        // Answered from the contract's examples.
        assert.equal(result.outputs['run-id'], started.runId)
        assert.equal(result.outputs.status, status.status)
        assert.equal(result.outputs['project-version'], status.projectVersion)
        assert.equal(result.outputs['started-at'], status.startTime)
        // The title from GetProject's example; the times from the status example's stateEvents.
        assert.equal(result.outputs['project-title'], exampleOf(contract, 'GetProject', 200).title)
        assert.equal(result.outputs['queued-seconds'], '4')
        assert.equal(result.outputs['run-seconds'], '76')
      })
    }

    it('with dry-run', async () => {
      const { result, sent, projectId } = await runAgainstPrism({ 'dry-run': 'true' })
      assert.equal(result.exitCode, 0, result.log)
      assertAccepted(sent, projectId)
      assert.deepEqual(
        sent.map((r) => [r.method, r.body]),
        [['POST', { updatePublishedResults: false, useCachedSqlResults: true, dryRun: true }]]
      )
      assert.equal(result.outputs.status, 'DRY_RUN')
    })

    it('with if-running: skip (the example lists a RUNNING run, so nothing is started)', async () => {
      const { result, sent, projectId } = await runAgainstPrism({ 'if-running': 'skip' })
      assert.equal(result.exitCode, 0, result.log)
      assertAccepted(sent, projectId)
      assert.deepEqual(
        sent.map((r) => [r.method, r.query.statusFilter, r.query.runTriggerFilter]),
        [
          ['GET', 'PENDING', 'ALL'],
          ['GET', 'RUNNING', 'ALL']
        ]
      )
      assert.equal(result.outputs.status, 'SKIPPED')
    })

    // The action checks each notification's fields against Hex's ProjectRunNotification
    // (src/action/settings.ts parseNotifications) and passes it to Hex as given
    // (src/action/plan.ts runRequest): what it sends must fit, and this input it refuses.
    it('notifications the action accepts are ones Hex accepts (screenshotFormat, recipient lists)', async () => {
      const { result, sent } = await runAgainstPrism({
        notifications: JSON.stringify([
          {
            type: 'FAILURE',
            includeSuccessScreenshot: true,
            screenshotFormat: 'jpg',
            slackChannelIds: 'C0123456'
          }
        ])
      })
      assert.deepEqual(
        violationsOf(sent),
        [],
        `The action accepted the notifications input and sent what Hex's description refuses ` +
          `(ProjectRunNotification: screenshotFormat is png or pdf, slackChannelIds/userIds/groupIds ` +
          `are arrays of strings, subject and body strings). It should refuse such input before ` +
          `sending anything, as it does for type and includeSuccessScreenshot.\n${result.log}`
      )
      assert.deepEqual(sent, [], result.log)
      assert.equal(result.exitCode, 1, result.log)
      const errors = errorAnnotations(result).join('\n')
      assert.match(errors, /"screenshotFormat": it must be "png" or "pdf"/)
      assert.match(errors, /"slackChannelIds": it must be an array of strings/)
    })
  })

  describe('the client called directly', () => {
    const client = () =>
      new HexClient({ apiBase: `${prism.origin}${SERVER_PATH}/v1`, token: TOKEN })

    it('cancelRun (CancelRun, 204)', async () => {
      const projectId = randomUUID()
      await client().cancelRun(projectId, String(started.runId))
      const sent = prism.requests.filter((r) => r.path.includes(projectId))
      assertAccepted(sent, projectId)
      assert.deepEqual(
        sent.map((r) => [r.method, r.status]),
        [['DELETE', 204]]
      )
    })

    it('listApiRuns (GetProjectRuns, 200)', async () => {
      const projectId = EXAMPLE_PROJECT_ID
      const before = prism.requests.length
      const runs = await client().listApiRuns(projectId, 25)
      const sent = prism.requests.slice(before).filter((r) => r.path.includes(projectId))
      assertAccepted(sent, projectId)
      assert.deepEqual(sent[0]?.query, { limit: '25', runTriggerFilter: 'API' })
      const example = exampleOf(contract, 'GetProjectRuns', 200)
      const [first] = example.runs as Json[]
      assert.equal(runs[0]?.runId, first?.runId)
      assert.equal(runs[0]?.status, first?.status)
    })

    it("the history read's query (GetProjectRuns with status and trigger filters, 200)", async () => {
      const projectId = EXAMPLE_PROJECT_ID
      const before = prism.requests.length
      const clock = new VirtualClock()
      const session = new HexSession({ client: client(), clock, deadline: clock.now() + 10_000 })
      const read = await readHistory(session, projectId)
      const sent = prism.requests.slice(before).filter((r) => r.path.includes(projectId))
      assertAccepted(sent, projectId)
      assert.deepEqual(sent[0]?.query, {
        limit: '20',
        runTriggerFilter: 'API',
        statusFilter: 'COMPLETED'
      })
      // Read and summed up (the example holds too few runs to predict from), not failed.
      assert.match(read.kind === 'known' ? 'known' : read.why, /known|completed API-triggered run/)
    })

    it("if-running's reads (GetProjectRuns with statusFilter PENDING, then RUNNING, every trigger)", async () => {
      const projectId = EXAMPLE_PROJECT_ID
      const before = prism.requests.length
      const clock = new VirtualClock()
      const session = new HexSession({ client: client(), clock, deadline: clock.now() + 10_000 })
      await findInProgress(session, projectId)
      const sent = prism.requests.slice(before).filter((r) => r.path.includes(projectId))
      assertAccepted(sent, projectId)
      // Prism answers the example (one RUNNING run) whatever the filter: the first read's answer
      // is checked against its filter, so PENDING finds none and RUNNING is read next.
      assert.deepEqual(
        sent.map((r) => r.query),
        [
          { limit: '10', runTriggerFilter: 'ALL', statusFilter: 'PENDING' },
          { limit: '10', runTriggerFilter: 'ALL', statusFilter: 'RUNNING' }
        ]
      )
    })

    it('getRun and runProject (GetRunStatus 200, RunProject 201)', async () => {
      const projectId = EXAMPLE_PROJECT_ID
      const before = prism.requests.length
      const run = await client().runProject(projectId, { updatePublishedResults: false })
      const state = await client().getRun(projectId, run.runId)
      assertAccepted(
        prism.requests.slice(before).filter((r) => r.path.includes(projectId)),
        projectId
      )
      assert.equal(run.projectVersion, String(started.projectVersion))
      assert.equal(state.status, 'COMPLETED')
      assert.equal(state.elapsedMs, status.elapsedTime)
    })

    it('Prism does refuse a request that breaks the contract (so the checks above mean something)', async () => {
      const projectId = randomUUID()
      const bad = { updatePublishedResults: 'yes' } as unknown as RunProjectRequest
      await assert.rejects(client().runProject(projectId, bad), (error: unknown) => {
        assert.ok(error instanceof HexApiError)
        assert.equal(error.status, 422)
        return true
      })
      // The client itself refuses a run ID that is not a UUID; a well-formed one of another
      // shape of request breaks the contract instead: a body Prism refuses.
      await assert.rejects(client().cancelRun(projectId, 'not-a-uuid'), /must be a UUID/)
      await assert.rejects(client().runProject(projectId, bad), HexApiError)
      const sent = prism.requests.filter((r) => r.path.includes(projectId))
      assert.equal(violationsOf(sent).length >= 2, true, violationsOf(sent).join('\n'))
      assert.ok(logViolations(prism.log(), projectId).length >= 2, prism.log())
    })
  })
})

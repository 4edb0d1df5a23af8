/**
 * Contract tests: contract/hex-api.yaml is the project's own description of the part of the Hex
 * API the action uses, and three things are held to it.
 *
 * (a) It agrees with Hex's published description, read from ../shared/hex-api/openapi.json beside
 *     the repository (skipped with a notice where that is absent; scripts/check-contract.ts runs
 *     the same comparison against Hex's live description).
 * (b) The action's requests fit it: Prism mocks the contract with request validation on, and the
 *     action's source runs against it in process (on a virtual clock: Prism answers every run
 *     COMPLETED at once), so the requests checked are the ones the code sends today.
 * (c) The stand-in Hex server's answers fit it, status by status.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import {
  asObject,
  compareDescriptions,
  CONTRACT_FILE,
  formatFinding,
  HEX_DESCRIPTION_URL,
  loadDescription,
  operationsOf,
  serverUrls,
  type Finding,
  type Json
} from '../contract/compare.ts'
import { HexApiError } from '../src/hex/errors.ts'
import { HexClient } from '../src/hex/client.ts'
import { HexSession } from '../src/hex/session.ts'
import { readHistory } from '../src/runs/history.ts'
import type { RunProjectRequest } from '../src/hex/types.ts'
import { DEFAULT_PROJECT_ID, FakeHex } from '../test/fake-hex/server.ts'
import {
  logViolations,
  startPrism,
  type ForwardedRequest,
  type PrismMock
} from './helpers/contract-prism.ts'
import { exampleOf, ResponseValidator } from './helpers/contract-schema.ts'
import { errorAnnotations, READ_TOKEN, RUN_TOKEN, UNKNOWN_TOKEN } from './helpers/e2e.ts'
import { runInProcess } from '../test/runner/in-process.ts'
import { VirtualClock } from '../test/runner/virtual-clock.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** Where CI puts Hex's description: shared/ lies beside the clone. */
const HEX_FILE = resolve(ROOT, '../shared/hex-api/openapi.json')
const SKIP_NO_HEX =
  `Hex's description is not at ${HEX_FILE} (../shared/hex-api/openapi.json beside the repository), ` +
  `so the contract is not compared with it. Compare with Hex's live description: ` +
  `npm run contract (reads ${HEX_DESCRIPTION_URL}), or pass a file or URL: npm run contract -- <file-or-url>.`

const contract = await loadDescription(CONTRACT_FILE)
const hex = existsSync(HEX_FILE) ? await loadDescription(HEX_FILE) : undefined

const disagreements = (findings: Finding[]) => findings.filter((f) => f.kind === 'disagreement')

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

describe("(a) contract/hex-api.yaml agrees with Hex's description", () => {
  const findings = hex ? compareDescriptions(contract, hex) : []
  const scopes = ['document', ...operationsOf(contract).map((o) => o.key)]
  // Without Hex's description each test is skipped, the reason in its name.
  const test = hex === undefined ? it.skip : it
  const skipped = hex === undefined ? ` (skipped: ${SKIP_NO_HEX})` : ''
  for (const scope of scopes) {
    test(`${scope === 'document' ? 'servers and auth' : scope}${skipped}`, () => {
      const mine = findings.filter((f) => f.operation === scope)
      // What the contract marks as missing from Hex's description is expected; anything else is news.
      const notes = mine.filter((f) => f.kind === 'note')
      const marked = notes.filter((f) => f.message.includes('as the contract says'))
      if (marked.length > 0)
        console.info(
          `${scope}: not in Hex's description, as the contract marks: ${marked.map((f) => f.where).join(', ')}`
        )
      for (const note of notes.filter((f) => !marked.includes(f))) console.info(formatFinding(note))
      assert.deepEqual(disagreements(mine).map(formatFinding), [])
    })
  }
})

describe('the comparison itself', () => {
  it('finds no disagreement between the contract and itself', () => {
    assert.deepEqual(disagreements(compareDescriptions(contract, contract)).map(formatFinding), [])
  })

  it('catches a missing path, a changed type, enum, status, required field or server', () => {
    // A "Hex description" that differs from the contract in known ways.
    const changed = structuredClone(contract)
    const schemas = asObject(asObject(changed.components)?.schemas) as Record<string, Json>
    const paths = asObject(changed.paths) as Record<string, Json>
    delete paths['/v1/projects']
    ;(asObject(schemas.RunState?.properties)?.projectVersion as Json).type = 'integer'
    ;(schemas.RunStatus as Json).enum = ['PENDING', 'RUNNING', 'COMPLETED', 'ERRORED', 'QUEUED']
    ;(schemas.Notification?.required as string[]).push('userIds')
    const runProject = asObject(paths['/v1/projects/{projectId}/runs']?.post) as Json
    delete (asObject(runProject.responses) as Json)['503']
    changed.servers = [{ url: 'https://eu.hex.tech/api' }]

    const found = disagreements(compareDescriptions(contract, changed)).map(formatFinding)
    const expected = [
      "disagreement: document: servers: https://app.hex.tech/api is not among Hex's servers (https://eu.hex.tech/api)",
      "disagreement: GET /v1/projects: path: Hex's description has no GET /v1/projects",
      'disagreement: GET /v1/projects/{projectId}/runs/{runId}: response 200 body.projectVersion: type string; Hex: integer',
      'disagreement: GET /v1/projects/{projectId}/runs/{runId}: response 200 body.status: enum value "KILLED", "UNABLE_TO_ALLOCATE_KERNEL" not in Hex\'s enum',
      'disagreement: GET /v1/projects/{projectId}/runs/{runId}: response 200 body.status: Hex\'s enum also has "QUEUED"; the contract does not',
      'disagreement: POST /v1/projects/{projectId}/runs: request body.notifications[].userIds: Hex requires it; the contract does not',
      "disagreement: POST /v1/projects/{projectId}/runs: response 503: Hex's description lists no 503 for this operation"
    ]
    for (const line of expected)
      assert.ok(found.includes(line), `not caught: ${line}\n${found.join('\n')}`)
  })
})

// ---------------------------------------------------------------------------------------------

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
        const polls = reads.filter((r) => r.path !== runsPath)
        assert.ok(polls.length >= 1, 'no status request')
        for (const poll of polls) {
          assert.equal(poll.method, 'GET')
          assert.equal(
            poll.path,
            `${SERVER_PATH}/v1/projects/${projectId}/runs/${String(started.runId)}`
          )
        }
        // Answered from the contract's examples.
        assert.equal(result.outputs['run-id'], started.runId)
        assert.equal(result.outputs.status, status.status)
        assert.equal(result.outputs['project-version'], status.projectVersion)
        assert.equal(result.outputs['started-at'], status.startTime)
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

// ---------------------------------------------------------------------------------------------

interface Answer {
  status: number
  contentType: string | null
  text: string
}

describe("(c) the stand-in server's answers fit the contract", () => {
  const validator = new ResponseValidator(contract)
  /** 401 in Hex's JSON error shape. */
  let fake: FakeHex
  /** No kernel free (503), 401 as bare text. */
  let full: FakeHex
  const WAITING = randomUUID() // PENDING for good
  const GOING = randomUUID() // RUNNING for good
  const INSTANT = randomUUID() // COMPLETED at once
  const UNPUBLISHED = randomUUID()
  const WITH_PARAMS = randomUUID()

  beforeAll(async () => {
    fake = await FakeHex.start({ unauthorizedStyle: 'json' })
    full = await FakeHex.start({ maxRunningKernels: 0 })
    fake.addProject({
      id: WAITING,
      lifecycle: [{ status: 'PENDING', ms: 600_000 }, { status: 'COMPLETED' }]
    })
    fake.addProject({
      id: GOING,
      lifecycle: [{ status: 'RUNNING', ms: 600_000 }, { status: 'COMPLETED' }]
    })
    fake.addProject({ id: INSTANT, lifecycle: [{ status: 'COMPLETED' }], version: 4 })
    fake.addProject({ id: UNPUBLISHED, published: false })
    fake.addProject({ id: WITH_PARAMS, params: { region: 'string', n: 'number' } })
  })
  afterAll(async () => {
    await fake?.close()
    await full?.close()
  })

  async function call(
    server: FakeHex,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: { token?: string | null; body?: unknown } = {}
  ): Promise<Answer> {
    const token = options.token === undefined ? RUN_TOKEN : options.token
    const headers: Record<string, string> = { accept: 'application/json' }
    if (token !== null) headers.authorization = `Bearer ${token}`
    if (options.body !== undefined) headers['content-type'] = 'application/json'
    const response = await fetch(`${server.apiBase}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body)
    })
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      text: await response.text()
    }
  }

  /** The answer has the status expected and fits what Hex documents for it, per the contract. */
  function assertFits(operationId: string, expected: number, answer: Answer): void {
    assert.equal(answer.status, expected, answer.text)
    assert.deepEqual(
      validator.check(operationId, answer.status, answer.contentType, answer.text, {
        documentedOnly: true
      }),
      [],
      `${operationId} ${answer.status}: ${answer.text}`
    )
  }

  async function startRun(projectId: string): Promise<string> {
    const answer = await call(fake, 'POST', `/projects/${projectId}/runs`, { body: {} })
    assert.equal(answer.status, 201, answer.text)
    return String((JSON.parse(answer.text) as Json).runId)
  }

  const unknown = randomUUID()

  describe('RunProject', () => {
    it('201', async () => {
      const body = {
        inputParams: { anything: 1 },
        updatePublishedResults: true,
        useCachedSqlResults: false,
        notifications: [{ type: 'ALL', includeSuccessScreenshot: true, userIds: ['u1'] }]
      }
      assertFits('RunProject', 201, await call(fake, 'POST', `/projects/${INSTANT}/runs`, { body }))
    })
    it('400', async () => {
      const body = { dryRun: 'yes' }
      assertFits('RunProject', 400, await call(fake, 'POST', `/projects/${INSTANT}/runs`, { body }))
    })
    it('401 (JSON)', async () => {
      const answer = await call(fake, 'POST', `/projects/${INSTANT}/runs`, {
        token: UNKNOWN_TOKEN,
        body: {}
      })
      assertFits('RunProject', 401, answer)
    })
    it('401 (bare text)', async () => {
      assertFits(
        'RunProject',
        401,
        await call(full, 'POST', `/projects/${DEFAULT_PROJECT_ID}/runs`, { token: null })
      )
    })
    it('403', async () => {
      const answer = await call(fake, 'POST', `/projects/${INSTANT}/runs`, {
        token: READ_TOKEN,
        body: {}
      })
      assertFits('RunProject', 403, answer)
    })
    it('404', async () => {
      assertFits(
        'RunProject',
        404,
        await call(fake, 'POST', `/projects/${unknown}/runs`, { body: {} })
      )
    })
    it('422 for an unpublished project', async () => {
      assertFits(
        'RunProject',
        422,
        await call(fake, 'POST', `/projects/${UNPUBLISHED}/runs`, { body: {} })
      )
    })
    it('422 for input parameters that do not fit: a shape the contract accepts', async () => {
      const body = { inputParams: { region: 3, unknownInput: true } }
      const answer = await call(fake, 'POST', `/projects/${WITH_PARAMS}/runs`, { body })
      assert.equal(answer.status, 422)
      assert.deepEqual(validator.check('RunProject', 422, answer.contentType, answer.text), [])
    })
    it("422 for input parameters that do not fit: the shape Hex's current description documents", async () => {
      const body = { inputParams: { region: 3, unknownInput: true } }
      const answer = await call(fake, 'POST', `/projects/${WITH_PARAMS}/runs`, { body })
      assert.equal(answer.status, 422)
      assert.deepEqual(
        validator.check('RunProject', 422, answer.contentType, answer.text, {
          documentedOnly: true
        }),
        [],
        `Hex's current description gives RunProject's 422 one shape, {code, message, issues} ` +
          `(error.UNPROCESSABLE_CONTENT). The stand-in (test/fake-hex/run-routes.ts runProject, ` +
          `from validate.ts checkInputParams) answers unfit input parameters with ` +
          `{traceId, invalid, notFound}, the InvalidParamPayload of Hex's 2023 and mid-2025 ` +
          `descriptions: ${answer.text}`
      )
    })
    it('503', async () => {
      assertFits(
        'RunProject',
        503,
        await call(full, 'POST', `/projects/${DEFAULT_PROJECT_ID}/runs`, { body: {} })
      )
    })
  })

  describe('GetRunStatus', () => {
    for (const [label, projectId] of [
      ['PENDING', WAITING],
      ['RUNNING', GOING],
      ['COMPLETED', INSTANT]
    ] as const) {
      it(`200 ${label}`, async () => {
        const runId = await startRun(projectId)
        const answer = await call(fake, 'GET', `/projects/${projectId}/runs/${runId}`)
        assertFits('GetRunStatus', 200, answer)
        assert.equal((JSON.parse(answer.text) as Json).status, label)
      })
    }
    it('200 KILLED', async () => {
      const runId = await startRun(GOING)
      assert.equal((await call(fake, 'DELETE', `/projects/${GOING}/runs/${runId}`)).status, 204)
      const answer = await call(fake, 'GET', `/projects/${GOING}/runs/${runId}`)
      assertFits('GetRunStatus', 200, answer)
      assert.equal((JSON.parse(answer.text) as Json).status, 'KILLED')
    })
    it('401', async () => {
      const runId = await startRun(INSTANT)
      const answer = await call(fake, 'GET', `/projects/${INSTANT}/runs/${runId}`, {
        token: UNKNOWN_TOKEN
      })
      assertFits('GetRunStatus', 401, answer)
    })
    it('404', async () => {
      assertFits(
        'GetRunStatus',
        404,
        await call(fake, 'GET', `/projects/${INSTANT}/runs/${unknown}`)
      )
    })
  })

  describe('CancelRun', () => {
    it('204', async () => {
      const runId = await startRun(GOING)
      assertFits('CancelRun', 204, await call(fake, 'DELETE', `/projects/${GOING}/runs/${runId}`))
    })
    it('401', async () => {
      const runId = await startRun(GOING)
      const answer = await call(fake, 'DELETE', `/projects/${GOING}/runs/${runId}`, {
        token: UNKNOWN_TOKEN
      })
      assertFits('CancelRun', 401, answer)
    })
    it('403', async () => {
      const runId = await startRun(GOING)
      const answer = await call(fake, 'DELETE', `/projects/${GOING}/runs/${runId}`, {
        token: READ_TOKEN
      })
      assertFits('CancelRun', 403, answer)
    })
    it('404', async () => {
      assertFits('CancelRun', 404, await call(fake, 'DELETE', `/projects/${GOING}/runs/${unknown}`))
    })
    it('422 for a run that has ended', async () => {
      const runId = await startRun(INSTANT)
      assertFits('CancelRun', 422, await call(fake, 'DELETE', `/projects/${INSTANT}/runs/${runId}`))
    })
  })

  describe('GetProjectRuns', () => {
    it('200', async () => {
      await startRun(GOING)
      const answer = await call(
        fake,
        'GET',
        `/projects/${GOING}/runs?limit=25&runTriggerFilter=API`
      )
      assertFits('GetProjectRuns', 200, answer)
      assert.ok(((JSON.parse(answer.text) as Json).runs as unknown[]).length > 0)
    })
    it('400', async () => {
      assertFits('GetProjectRuns', 400, await call(fake, 'GET', `/projects/${GOING}/runs?limit=0`))
    })
    it('401', async () => {
      const answer = await call(fake, 'GET', `/projects/${GOING}/runs`, { token: UNKNOWN_TOKEN })
      assertFits('GetProjectRuns', 401, answer)
    })
    it('404', async () => {
      assertFits('GetProjectRuns', 404, await call(fake, 'GET', `/projects/${unknown}/runs`))
    })
  })

  describe('ListProjects', () => {
    it('200, a page and the page after it', async () => {
      const first = await call(fake, 'GET', '/projects?limit=2')
      assertFits('ListProjects', 200, first)
      const cursor = asObject((JSON.parse(first.text) as Json).pagination)?.after
      assert.equal(typeof cursor, 'string', first.text)
      assertFits(
        'ListProjects',
        200,
        await call(fake, 'GET', `/projects?limit=2&after=${String(cursor)}`)
      )
    })
    it('400', async () => {
      assertFits('ListProjects', 400, await call(fake, 'GET', '/projects?limit=0'))
    })
    it('401', async () => {
      assertFits(
        'ListProjects',
        401,
        await call(fake, 'GET', '/projects', { token: UNKNOWN_TOKEN })
      )
    })
  })

  it("the contract's own examples fit its schemas", () => {
    for (const [operationId, code] of [
      ['RunProject', 201],
      ['GetRunStatus', 200],
      ['GetProjectRuns', 200],
      ['ListProjects', 200]
    ] as const) {
      const text = JSON.stringify(exampleOf(contract, operationId, code))
      assert.deepEqual(
        validator.check(operationId, code, 'application/json', text),
        [],
        operationId
      )
    }
  })
})

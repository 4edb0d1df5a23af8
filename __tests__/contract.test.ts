/**
 * Contract tests: contract/hex-api.yaml is the project's own description of the part of the Hex
 * API the action uses, and three things are held to it.
 *
 * (a) It agrees with Hex's published description, read from ../shared/hex-api/openapi.json beside
 *     the repository (skipped with a notice where that is absent; scripts/check-contract.ts runs
 *     the same comparison against Hex's live description).
 * (b) The action's requests fit it: slow/contract-prism.test.ts, against Prism (a process of its
 *     own) mocking the contract with request validation on.
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
  type Finding,
  type Json
} from '../contract/compare.ts'
import { DEFAULT_PROJECT_ID, FakeHex } from '../test/fake-hex/server.ts'
import { exampleOf, ResponseValidator } from './helpers/contract-schema.ts'
import { READ_TOKEN, RUN_TOKEN, UNKNOWN_TOKEN } from './helpers/e2e.ts'

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
    options: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {}
  ): Promise<Answer> {
    const token = options.token === undefined ? RUN_TOKEN : options.token
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
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
    it('200 with enable-expanded-stats: its stateEvents, one per change of status', async () => {
      const runId = await startRun(INSTANT)
      const answer = await call(fake, 'GET', `/projects/${INSTANT}/runs/${runId}`, {
        headers: { 'enable-expanded-stats': 'true' }
      })
      assertFits('GetRunStatus', 200, answer)
      const events = (JSON.parse(answer.text) as Json).stateEvents as Json[]
      assert.deepEqual(
        events.map((e) => e.value),
        ['COMPLETED']
      )
      // Without the header, none: Hex sends them only when asked.
      const plain = await call(fake, 'GET', `/projects/${INSTANT}/runs/${runId}`)
      assert.equal((JSON.parse(plain.text) as Json).stateEvents, undefined)
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
    it('200 with the if-running filters, for runs of the scheduler and the app', async () => {
      fake.startElsewhere(GOING, { trigger: 'SCHEDULED', lifecycle: [{ status: 'RUNNING' }] })
      fake.startElsewhere(GOING, { trigger: 'APP_REFRESH', lifecycle: [{ status: 'PENDING' }] })
      for (const status of ['PENDING', 'RUNNING']) {
        const answer = await call(
          fake,
          'GET',
          `/projects/${GOING}/runs?limit=10&runTriggerFilter=ALL&statusFilter=${status}`
        )
        assertFits('GetProjectRuns', 200, answer)
        const runs = (JSON.parse(answer.text) as Json).runs as Json[]
        assert.ok(runs.length > 0)
        assert.ok(runs.every((run) => run.status === status))
        assert.ok(runs.some((run) => run.runTrigger !== 'API'))
      }
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

  describe('GetProject', () => {
    it('200', async () => {
      const answer = await call(fake, 'GET', `/projects/${INSTANT}`)
      assertFits('GetProject', 200, answer)
      assert.equal((JSON.parse(answer.text) as Json).id, INSTANT)
    })
    it('401', async () => {
      assertFits(
        'GetProject',
        401,
        await call(fake, 'GET', `/projects/${INSTANT}`, { token: UNKNOWN_TOKEN })
      )
    })
    it('404', async () => {
      assertFits('GetProject', 404, await call(fake, 'GET', `/projects/${unknown}`))
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
      ['GetProject', 200],
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

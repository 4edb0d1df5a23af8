/**
 * The action's main step, run in process on a virtual clock against the stand-in Hex server. Every
 * test asserts what was sent to Hex and what the workflow gets: exit code, outputs, log
 * annotations and job summary.
 */
import assert from 'node:assert/strict'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import type { FakeHex } from '../test/fake-hex/server.ts'
import { run as runAction } from '../src/action/main.ts'
import { clockOf, runAgainst, startHex } from './helpers/action.ts'
import { RecordingIO } from '../test/runner/in-process.ts'
import {
  addProject,
  assertNoStackTrace,
  errorAnnotations,
  isTitleRead,
  READ_TOKEN,
  requestsFor,
  RUN_TOKEN,
  UNKNOWN_TOKEN,
  warningAnnotations
} from './helpers/e2e.ts'
import type { ActionResult } from '../test/runner/run-action.ts'

const QUICK = [
  { status: 'PENDING', ms: 60 },
  { status: 'RUNNING', ms: 200 },
  { status: 'COMPLETED' }
]

let fake: FakeHex

beforeAll(async () => {
  fake = await startHex()
})
afterAll(async () => {
  await fake.close()
})

function run(
  projectId: string,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<ActionResult> {
  return runAgainst(fake, projectId, inputs, { env })
}

describe('a run that completes', () => {
  it('triggers, polls to COMPLETED, succeeds and reports everything', async () => {
    // RUNNING lasts long enough for the second and third status reads to see it.
    const projectId = addProject(fake, {
      lifecycle: [
        { status: 'PENDING', ms: 150 },
        { status: 'RUNNING', ms: 700 },
        { status: 'COMPLETED' }
      ],
      version: 7,
      params: { region: 'string', n: 'number' }
    })
    const result = await run(projectId, {
      'input-params': '{"region": "emea", "n": 3}',
      'update-published-results': 'true',
      'use-cached-sql-results': 'false'
    })
    assert.equal(result.exitCode, 0, result.log)

    const sent = requestsFor(fake, projectId)
    const [trigger, ...reads] = sent
    // One read of the project's history, right after the trigger; the rest read the run.
    const [history, ...more] = reads.filter((r) => r.path.endsWith('/runs'))
    assert.deepEqual(history?.query, {
      limit: '20',
      runTriggerFilter: 'API',
      statusFilter: 'COMPLETED'
    })
    assert.equal(more.length, 0, 'one history read')
    const polls = reads.filter((r) => r !== history)
    assert.equal(trigger?.method, 'POST')
    assert.equal(trigger?.path, `/api/v1/projects/${projectId}/runs`)
    assert.equal(trigger?.headers.authorization, `Bearer ${RUN_TOKEN}`)
    assert.deepEqual(trigger?.body, {
      inputParams: { region: 'emea', n: 3 },
      updatePublishedResults: true,
      useCachedSqlResults: false
    })
    const [runRecord] = fake.runs(projectId)
    assert.ok(runRecord)
    assert.ok(polls.length >= 2, 'polled more than once')
    // The title, once, alongside the polls.
    assert.equal(polls.filter(isTitleRead).length, 1)
    for (const poll of polls.filter((r) => !isTitleRead(r))) {
      assert.equal(poll.method, 'GET')
      assert.equal(poll.path, `/api/v1/projects/${projectId}/runs/${runRecord.id}`)
      assert.equal(poll.headers['enable-expanded-stats'], 'true')
    }

    const o = result.outputs
    assert.equal(o['run-id'], runRecord.id)
    assert.match(o['run-url'] ?? '', new RegExp(projectId))
    assert.equal(o['status-url'], `${fake.apiBase}/projects/${projectId}/runs/${runRecord.id}`)
    assert.equal(o.status, 'COMPLETED')
    assert.match(o['elapsed-seconds'] ?? '', /^\d+$/)
    assert.ok(!Number.isNaN(Date.parse(o['started-at'] ?? '')), 'started-at is a date')
    assert.ok(!Number.isNaN(Date.parse(o['ended-at'] ?? '')), 'ended-at is a date')
    // The title (GetProject) and the times (the state events) everywhere a reader looks.
    const title = `Project ${projectId.slice(0, 8)}`
    assert.equal(o['project-title'], title)
    assert.equal(o['queued-seconds'], '0')
    assert.equal(o['run-seconds'], '1')
    assert.match(result.summary, new RegExp(`^### ✅ Hex run completed: ${title}$`, 'm'))
    assert.match(result.summary, /^\| Queued for a kernel \| 150ms \|$/m)
    assert.match(result.summary, /^\| Ran \| 700ms \|$/m)
    assert.match(
      result.stdout,
      new RegExp(`^Hex run \\S+ of '${title}' COMPLETED in 700ms: queued 150ms, ran 700ms\\.$`, 'm')
    )
    const [entry] = JSON.parse(o.runs ?? '[]') as Array<Record<string, unknown>>
    assert.equal(entry?.projectTitle, title)
    assert.equal(entry?.queuedSeconds, 0)
    assert.equal(entry?.runSeconds, 1)
    assert.ok((o['trace-id'] ?? '') !== '', 'trace-id is set')
    assert.equal(o['project-version'], '7')

    assert.match(result.stdout, /Run is PENDING/)
    assert.match(result.stdout, /Run is RUNNING/)
    assert.match(result.stdout, /COMPLETED in/)
    assert.match(result.summary, /### ✅ Hex run completed/)
    assert.ok(result.summary.includes(`(${o['run-url']})`), 'summary links the run')
    assert.match(result.summary, /"region": "emea"/)
    assert.deepEqual(errorAnnotations(result), [])
    assert.equal(result.stderr, '')
  })

  it('takes the token from HEX_API_TOKEN and a bare host as api-url', async () => {
    const projectId = addProject(fake, { lifecycle: QUICK })
    const result = await run(
      projectId,
      { 'api-token': '', 'api-url': fake.origin },
      { HEX_API_TOKEN: RUN_TOKEN }
    )
    assert.equal(result.exitCode, 0, result.log)
    assert.equal(requestsFor(fake, projectId)[0]?.headers.authorization, `Bearer ${RUN_TOKEN}`)
    assert.equal(result.outputs.status, 'COMPLETED')
  })

  it('reads older answers: a numeric projectVersion and a null elapsedTime', async () => {
    const legacy = await startHex({ legacyShapes: true })
    try {
      const projectId = addProject(legacy, { lifecycle: QUICK, version: 4 })
      const result = await runAgainst(legacy, projectId)
      assert.equal(result.exitCode, 0, result.log)
      assert.equal(result.outputs.status, 'COMPLETED')
      assert.equal(result.outputs['project-version'], '4')
      assert.match(result.outputs['elapsed-seconds'] ?? '', /^\d+$/)
    } finally {
      await legacy.close()
    }
  })

  it('waits through a status it does not know, with one warning', async () => {
    const projectId = addProject(fake, {
      lifecycle: [{ status: 'QUEUED', ms: 400 }, { status: 'COMPLETED' }]
    })
    const result = await run(projectId)
    assert.equal(result.exitCode, 0, result.log)
    assert.equal(result.outputs.status, 'COMPLETED')
    const warnings = warningAnnotations(result)
    assert.equal(warnings.length, 1, result.log)
    assert.match(warnings[0] ?? '', /'QUEUED'/)
  })

  it('sends a saved view and notifications as given', async () => {
    const projectId = addProject(fake, { lifecycle: QUICK })
    const notifications = [{ type: 'FAILURE', includeSuccessScreenshot: false, userIds: ['u-1'] }]
    const result = await run(projectId, {
      'view-id': 'view-123',
      notifications: JSON.stringify(notifications)
    })
    assert.equal(result.exitCode, 0, result.log)
    assert.deepEqual(requestsFor(fake, projectId)[0]?.body, {
      updatePublishedResults: false,
      useCachedSqlResults: true,
      viewId: 'view-123',
      notifications
    })
    assert.match(result.summary, /Saved view \| <code>view-123<\/code>/)
  })
})

describe('a runner whose step-state file cannot be written', () => {
  it('sends nothing to Hex (the post step could start a second run) and fails in words', async () => {
    const projectId = addProject(fake, { lifecycle: [{ status: 'COMPLETED' }] })
    const result = await runAgainst(fake, projectId, {}, { stateFails: true })
    assert.equal(result.exitCode, 1)
    assert.deepEqual(requestsFor(fake, projectId), [])
    assert.equal(result.outputs.status, 'ERROR')
    const [error] = errorAnnotations(result)
    assert.match(
      error ?? '',
      /Nothing was sent to Hex: the runner's step state could not be saved \(Missing file at path/
    )
    assert.match(result.summary, /step state could not be saved/)
  })
})

describe('a run that fails', () => {
  for (const status of ['ERRORED', 'KILLED', 'UNABLE_TO_ALLOCATE_KERNEL']) {
    it(`fails the step with ${status} and the run link`, async () => {
      const projectId = addProject(fake, {
        lifecycle: [{ status: 'RUNNING', ms: 150 }, { status }]
      })
      const result = await run(projectId)
      assert.equal(result.exitCode, 1)
      assert.equal(result.outputs.status, status)
      const [error] = errorAnnotations(result)
      assert.match(error ?? '', new RegExp(`ended ${status}`))
      assert.ok(error?.includes(result.outputs['run-url'] ?? '-'), 'the error links the run')
      assert.match(result.stdout, new RegExp(`^::error title=Hex run ${status}::`, 'm'))
      // Markdown escapes the underscores; GitHub shows the status as written.
      const shown = status.replaceAll('_', '\\\\_')
      assert.match(result.summary, new RegExp(`^\\| Status \\| (?:❌|🛑) ${shown} \\|$`, 'm'))
      assertNoStackTrace(result)
    })
  }

  it('succeeds anyway with fail-on-run-failure: false, and says so', async () => {
    const projectId = addProject(fake, {
      lifecycle: [{ status: 'RUNNING', ms: 100 }, { status: 'ERRORED' }]
    })
    const result = await run(projectId, { 'fail-on-run-failure': 'false' })
    assert.equal(result.exitCode, 0, result.log)
    assert.equal(result.outputs.status, 'ERRORED')
    assert.match(warningAnnotations(result).join('\n'), /ended ERRORED/)
    assert.match(result.summary, /fail-on-run-failure is false/)
  })
})

describe('timeout', () => {
  it('stops waiting, cancels the run in Hex and fails with TIMEOUT', async () => {
    const projectId = addProject(fake, { lifecycle: [{ status: 'RUNNING' }] })
    const result = await run(projectId, { timeout: '1s' })
    assert.equal(result.exitCode, 1)
    assert.equal(result.outputs.status, 'TIMEOUT')
    const [runRecord] = fake.runs(projectId)
    const sent = requestsFor(fake, projectId)
    const last = sent.at(-1)
    assert.equal(last?.method, 'DELETE')
    assert.equal(last?.path, `/api/v1/projects/${projectId}/runs/${runRecord?.id}`)
    assert.equal(runRecord?.status, 'KILLED')
    assert.match(
      errorAnnotations(result)[0] ?? '',
      /did not finish within the timeout of 1\.0s \(last status RUNNING\)/
    )
    assert.match(result.summary, /Hex run timed out/)
    assert.match(result.summary, /The run was cancelled in Hex/)
    assert.equal(result.outputs['run-id'], runRecord?.id)
  })

  it('leaves the run going with cancel-on-timeout: false', async () => {
    const projectId = addProject(fake, { lifecycle: [{ status: 'RUNNING' }] })
    const result = await run(projectId, { timeout: '1', 'cancel-on-timeout': 'false' })
    assert.equal(result.exitCode, 1)
    assert.equal(result.outputs.status, 'TIMEOUT')
    assert.ok(!requestsFor(fake, projectId).some((r) => r.method === 'DELETE'), 'no DELETE sent')
    assert.equal(fake.runs(projectId)[0]?.status, 'RUNNING')
    assert.match(result.summary, /cancel-on-timeout is false/)
  })
})

describe('without waiting', () => {
  it('wait: false triggers, sets the run outputs and returns at once', async () => {
    const projectId = addProject(fake, { lifecycle: [{ status: 'RUNNING' }] })
    const result = await run(projectId, { wait: 'false' })
    assert.equal(result.exitCode, 0, result.log)
    // The trigger, then the title's one read (bounded: the step still exits at once).
    assert.deepEqual(
      requestsFor(fake, projectId).map((r) => [r.method, isTitleRead(r)]),
      [
        ['POST', false],
        ['GET', true]
      ]
    )
    assert.equal(result.outputs['project-title'], `Project ${projectId.slice(0, 8)}`)
    assert.equal(result.outputs['queued-seconds'], '')
    assert.equal(result.outputs['run-id'], fake.runs(projectId)[0]?.id)
    assert.ok(result.outputs['run-url'])
    assert.equal(result.outputs.status, 'PENDING')
  })

  it('dry-run: true sends dryRun and does not poll', async () => {
    const projectId = addProject(fake, { lifecycle: QUICK })
    const result = await run(projectId, { 'dry-run': 'true' })
    assert.equal(result.exitCode, 0, result.log)
    const sent = requestsFor(fake, projectId)
    assert.deepEqual(
      sent.map((r) => r.method),
      ['POST']
    )
    assert.equal((sent[0]?.body as { dryRun?: boolean }).dryRun, true)
    assert.equal(result.outputs.status, 'DRY_RUN')
    // Hex started nothing, and the log does not say it did.
    assert.doesNotMatch(result.log, /Started Hex run/)
    assert.match(result.log, /dry-run is true: Hex validated the request/)
  })
})

describe('Hex errors', () => {
  function failsWith(result: ActionResult, pattern: RegExp): void {
    assert.equal(result.exitCode, 1)
    const errors = errorAnnotations(result)
    assert.equal(errors.length, 1, result.log)
    assert.match(errors[0] ?? '', pattern)
    assert.equal(result.outputs.status, 'ERROR')
    assert.equal(result.outputs['run-id'], '')
    assert.match(result.summary, /### ❌ Hex run failed/)
    assertNoStackTrace(result)
  }

  it('401 with a plain-text body: token invalid or expired, or the wrong host', async () => {
    const projectId = addProject(fake)
    const result = await run(projectId, { 'api-token': UNKNOWN_TOKEN })
    failsWith(result, /rejected the API token \(401 Unauthorized\).*invalid or expired.*api-url/)
  })

  it('401 with a JSON body reads the same', async () => {
    const json = await startHex({ unauthorizedStyle: 'json' })
    try {
      const projectId = addProject(json)
      const result = await runAgainst(json, projectId, { 'api-token': UNKNOWN_TOKEN })
      failsWith(result, /rejected the API token \(401/)
    } finally {
      await json.close()
    }
  })

  it('403: the token lacks the "Run projects" scope', async () => {
    const projectId = addProject(fake)
    const result = await run(projectId, { 'api-token': READ_TOKEN })
    failsWith(result, /403 Forbidden.*"Run projects" scope/)
    assert.equal(fake.runs(projectId).length, 0)
  })

  it('404: names the project and says it must exist and be accessible', async () => {
    const projectId = '00000000-0000-4000-8000-000000000000'
    const result = await run(projectId)
    failsWith(result, new RegExp(`no project ${projectId}.*must exist.*access`))
  })

  it('422: the project is not published', async () => {
    const projectId = addProject(fake, { published: false })
    const result = await run(projectId)
    failsWith(result, /\(422 Unprocessable\): the project must be published/)
  })

  it('422: names the input parameters Hex could not use', async () => {
    const projectId = addProject(fake, { params: { region: 'string', n: 'number' } })
    const result = await run(projectId, { 'input-params': '{"regoin": "emea", "n": "three"}' })
    failsWith(
      result,
      /must be published.*Hex said: Invalid input parameters; Input parameter "regoin" is not in the project; Input parameter "n" expects a number/
    )
  })

  it('422 in the older {invalid, notFound} shape names them too', async () => {
    const legacy = await startHex({ legacyShapes: true })
    try {
      const projectId = addProject(legacy, { params: { region: 'string', n: 'number' } })
      const result = await runAgainst(legacy, projectId, {
        'input-params': '{"regoin": "emea", "n": "three"}'
      })
      failsWith(
        result,
        /input parameters not in the project: regoin.*invalid value for input parameter n: "three" \(expects number\)/
      )
    } finally {
      await legacy.close()
    }
  })

  it("any other status: Hex's own message and trace id", async () => {
    const projectId = addProject(fake)
    fake.injectFault({
      method: 'POST',
      path: `/api/v1/projects/${projectId}/runs`,
      action: {
        kind: 'respond',
        status: 400,
        body: {
          code: 'BAD_REQUEST',
          message: 'Invalid input data',
          issues: [{ message: 'notifications[0].userIds must not be empty' }],
          traceId: 'trace-400'
        }
      }
    })
    const result = await run(projectId)
    failsWith(
      result,
      /Hex answered 400 Bad Request .*Hex said: Invalid input data; notifications\[0\]\.userIds must not be empty.*trace ID trace-400/
    )
  })

  it('a 404 while polling keeps the run id and says which run', async () => {
    const projectId = addProject(fake, { lifecycle: QUICK })
    fake.injectFault({
      method: 'GET',
      path: new RegExp(`/projects/${projectId}/runs/`),
      action: {
        kind: 'respond',
        status: 404,
        body: { code: 'NOT_FOUND', message: 'Run not found', issues: [] }
      }
    })
    const result = await run(projectId)
    assert.equal(result.exitCode, 1)
    const runId = fake.runs(projectId)[0]?.id ?? '-'
    assert.equal(result.outputs['run-id'], runId)
    assert.match(errorAnnotations(result)[0] ?? '', new RegExp(`no run ${runId} of project`))
    assert.match(result.summary, /Open the run in Hex/)
    assertNoStackTrace(result)
  })
})

describe('bad input', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['a missing token', { 'api-token': '' }, /'api-token' is empty and HEX_API_TOKEN is not set/],
    [
      'input params that are not JSON',
      { 'input-params': '{region: emea}' },
      /'input-params' must be a JSON object/
    ],
    [
      'input params that are not an object',
      { 'input-params': '[1]' },
      /'input-params' must be a JSON object .*got an array/
    ],
    ['an unparseable timeout', { timeout: 'soon' }, /'timeout' must be a duration/],
    [
      'an unparseable poll interval',
      { 'poll-interval': '5 minutes' },
      /'poll-interval' must be a duration/
    ],
    [
      'a project id that is not a UUID',
      { 'project-id': 'sales-dashboard' },
      /'project-id' must be a project UUID/
    ],
    [
      'a view id with input params',
      { 'view-id': 'v1', 'input-params': '{"a": 1}' },
      /'view-id' and 'input-params' cannot be used together/
    ],
    ['an api-url that is not a URL', { 'api-url': 'hex.tech' }, /'api-url' must be a Hex host/],
    ['a boolean that is not one', { wait: 'sometimes' }, /'wait' must be true or false/]
  ]
  for (const [what, inputs, pattern] of cases) {
    it(`${what}: one clear error, nothing sent to Hex`, async () => {
      // A server of its own, so "nothing was sent" counts every request, not one project's.
      const own = await startHex()
      try {
        const result = await runAgainst(own, addProject(own), inputs)
        assert.equal(result.exitCode, 1)
        const errors = errorAnnotations(result)
        assert.ok(
          errors.some((e) => pattern.test(e)),
          `${pattern} in ${errors.join('\n')}`
        )
        for (const e of errors) assert.doesNotMatch(e, /\n/)
        assert.deepEqual(own.requests, [], 'no request reached Hex')
        assert.equal(result.outputs.status, 'ERROR')
        assert.match(result.summary, /Nothing was sent to Hex/)
        assertNoStackTrace(result)
      } finally {
        await own.close()
      }
    })
  }

  it('a bare number is read as seconds, said so; a short bare timeout warns that minutes may have been meant', async () => {
    const projectId = addProject(fake, { lifecycle: QUICK })
    const result = await run(projectId, { timeout: '60', 'poll-interval': '5' })
    assert.equal(result.exitCode, 0, result.log)
    assert.match(result.log, /^Input 'timeout' is 60, a bare number: read as 1m 0s\.$/m)
    assert.match(result.log, /^Input 'poll-interval' is 5, a bare number: read as 5\.0s\.$/m)
    const warnings = warningAnnotations(result)
    assert.equal(warnings.length, 1, result.log)
    assert.match(warnings[0] ?? '', /If you meant minutes, write 60m/)

    // Seconds said as seconds, or a long bare timeout: no warning.
    for (const timeout of ['60s', '3600']) {
      const quiet = await run(addProject(fake, { lifecycle: QUICK }), { timeout })
      assert.deepEqual(warningAnnotations(quiet), [], timeout)
    }
  })

  it('reports every problem at once: an annotation each, and a list in the summary', async () => {
    const result = await run('nope', { timeout: 'x', wait: 'y', 'input-params': '[' })
    assert.equal(result.exitCode, 1)
    assert.equal(errorAnnotations(result).length, 4, result.log)
    assert.match(result.summary, /> Nothing was sent to Hex: 4 inputs need fixing\./)
    const items = result.summary.split('\n').filter((line) => line.startsWith('- Input '))
    assert.equal(items.length, 4, result.summary)
    assert.match(items.join('\n'), /- Input 'timeout' must be a duration/)
    // No parameters were sent, so no empty parameters block.
    assert.doesNotMatch(result.summary, /Input parameters/)
  })
})

describe('a bug on the way', () => {
  function recording(inputs: Record<string, string>) {
    return new RecordingIO({
      inputs: { 'api-token': RUN_TOKEN, 'api-url': fake.apiBase, ...inputs }
    })
  }
  const clock = () => clockOf(fake)

  it('still ends in one error, the outputs and the summary, with the stack for debug only', async () => {
    const io = recording({ 'project-id': addProject(fake) })
    const runtime = {
      env: {},
      fetch: globalThis.fetch,
      now: (): number => {
        throw new TypeError('the clock broke')
      },
      sleep: clock().sleep,
      random: clock().random,
      timeout: clock().timeout
    }
    await runAction({ io, runtime })
    assert.equal(io.exitCode, 1)
    const result = { stdout: io.stdout } as ActionResult
    assert.deepEqual(errorAnnotations(result), ['Unexpected error: the clock broke'])
    assert.equal(io.outputs.status, 'ERROR')
    assert.match(io.summary, /### ❌ Hex run failed/)
    assert.match(io.summary, /Unexpected error: the clock broke/)
    assertNoStackTrace({ ...result, log: io.stdout })
    assert.match(io.stdout, /^::debug::TypeError: the clock broke%0A\s+at /m)
  })

  it('an output file it cannot write: the step fails with the reason, not a stack trace', async () => {
    const io = recording({ 'project-id': addProject(fake, { lifecycle: QUICK }) })
    io.setOutput = (name) => {
      throw new Error(`EACCES: permission denied, open GITHUB_OUTPUT (${name})`)
    }
    await runAction({
      io,
      runtime: {
        env: {},
        fetch: clock().track(globalThis.fetch),
        now: clock().now,
        sleep: clock().sleep,
        random: clock().random,
        timeout: clock().timeout
      }
    })
    assert.equal(io.exitCode, 1)
    const errors = errorAnnotations({ stdout: io.stdout } as ActionResult)
    assert.equal(errors.length, 1, io.stdout)
    assert.match(errors[0] ?? '', /^Unexpected error: EACCES: permission denied/)
    assertNoStackTrace({ log: io.stdout } as ActionResult)
  })
})

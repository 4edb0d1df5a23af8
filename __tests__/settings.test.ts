import assert from 'node:assert/strict'
import { describe, it } from '@jest/globals'
import { Defaults, type InputName } from '../src/step/inputs.ts'
import { parseApiUrl } from '../src/step/parse.ts'
import { readSettings, type Settings } from '../src/step/settings.ts'
import { CLI_WORDS } from '../src/cli/words.ts'

const PROJECT = '5a8591dd-4039-49df-9202-96385ba3eff8'

function read(inputs: Partial<Record<InputName, string>>, env: NodeJS.ProcessEnv = {}) {
  const all: Record<string, string> = { ...Defaults, 'project-id': PROJECT, 'api-token': 'hxtw_x' }
  Object.assign(all, inputs)
  return readSettings((name) => all[name] ?? '', env)
}

function settings(inputs: Partial<Record<InputName, string>>, env?: NodeJS.ProcessEnv): Settings {
  const result = read(inputs, env)
  assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'))
  return result.settings
}

function errors(inputs: Partial<Record<InputName, string>>, env?: NodeJS.ProcessEnv): string[] {
  const result = read(inputs, env)
  assert.ok(!result.ok, 'expected invalid settings')
  return result.errors
}

describe('readSettings', () => {
  it('reads the action.yml defaults into typed settings', () => {
    assert.deepEqual(settings({}), {
      commitStatus: undefined,
      prComment: undefined,
      projectIds: [PROJECT],
      projectNames: [],
      runId: undefined,
      ifRunning: 'start',
      maxParallel: 4,
      failFast: false,
      apiToken: 'hxtw_x',
      inputParams: {},
      timeoutMs: 3_600_000,
      pollIntervalMs: 5_000,
      history: true,
      requestTimeoutMs: 30_000,
      apiBase: 'https://app.hex.tech/api/v1',
      wait: true,
      cancelOnTimeout: true,
      cancelOnWorkflowCancel: true,
      failOnRunFailure: true,
      retryUnallocated: 0,
      updatePublishedResults: false,
      useCachedSqlResults: true,
      dryRun: false,
      viewId: undefined,
      notifications: undefined
    })
  })

  it('falls back to the default when an input is set to an empty string', () => {
    const s = settings({ timeout: '', wait: ' ', 'api-url': '' })
    assert.equal(s.timeoutMs, 3_600_000)
    assert.equal(s.wait, true)
    assert.equal(s.apiBase, 'https://app.hex.tech/api/v1')
  })

  it('takes the token from HEX_API_TOKEN when api-token is empty, and strips a Bearer prefix', () => {
    assert.equal(settings({ 'api-token': '' }, { HEX_API_TOKEN: 'hxtp_env' }).apiToken, 'hxtp_env')
    assert.equal(settings({ 'api-token': 'Bearer hxtp_abc' }).apiToken, 'hxtp_abc')
    assert.equal(settings({ 'api-token': 'hxtw_in' }, { HEX_API_TOKEN: 'x' }).apiToken, 'hxtw_in')
  })

  it('says how to pass a missing token', () => {
    const [error] = errors({ 'api-token': '' })
    assert.match(error ?? '', /api-token/)
    assert.match(error ?? '', /HEX_API_TOKEN/)
  })

  it('refuses a token with white space inside without echoing it', () => {
    const [error] = errors({ 'api-token': 'hxtw_a b' })
    assert.match(error ?? '', /white space/)
    assert.doesNotMatch(error ?? '', /hxtw_a/)
  })

  it('reads history, and names it when it is not true or false', () => {
    assert.equal(settings({ history: 'false' }).history, false)
    assert.deepEqual(errors({ history: 'off' }), [
      "Input 'history' must be true or false, got 'off'."
    ])
  })

  it('reads input params, booleans and durations', () => {
    const s = settings({
      'input-params': '{"region": "emea", "n": 3}',
      timeout: '1h30m',
      'poll-interval': '10',
      wait: 'False',
      'dry-run': 'TRUE',
      'use-cached-sql-results': 'false',
      'update-published-results': 'true'
    })
    assert.deepEqual(s.inputParams, { region: 'emea', n: 3 })
    assert.equal(s.timeoutMs, 5_400_000)
    assert.equal(s.pollIntervalMs, 10_000)
    assert.equal(s.wait, false)
    assert.equal(s.dryRun, true)
    assert.equal(s.useCachedSqlResults, false)
    assert.equal(s.updatePublishedResults, true)
  })

  it('lower-cases the project id', () => {
    assert.deepEqual(settings({ 'project-id': PROJECT.toUpperCase() }).projectIds, [PROJECT])
  })

  it('reads several projects, one per line, by ID or by title', () => {
    const other = '0b7e3a52-9c1d-4f6e-8a2b-3c4d5e6f7a81'
    assert.deepEqual(settings({ 'project-id': `${PROJECT}\n\n  ${other}\n` }).projectIds, [
      PROJECT,
      other
    ])
    const named = settings({ 'project-id': '', 'project-name': 'Weekly revenue\nChurn model' })
    assert.deepEqual(named.projectNames, ['Weekly revenue', 'Churn model'])
    assert.deepEqual(named.projectIds, [])
  })

  it('wants one of project-id and project-name, not both, and no project twice', () => {
    assert.match(errors({ 'project-id': '' })[0] ?? '', /'project-id' is required.*'project-name'/)
    assert.match(
      errors({ 'project-name': 'Weekly revenue' })[0] ?? '',
      /'project-id' and 'project-name' cannot be used together/
    )
    assert.match(errors({ 'project-id': `${PROJECT}\n${PROJECT}` })[0] ?? '', /listed twice/)
  })

  it('takes a run-id to follow, for one project, with nothing that only a trigger sends', () => {
    const runId = '9d2b6f13-8e07-4c5a-b6d1-3e4f5a6b7c8d'
    assert.equal(settings({ 'run-id': runId.toUpperCase() }).runId, runId)
    assert.match(errors({ 'run-id': 'run-1' })[0] ?? '', /'run-id' must be a run UUID/)
    assert.match(
      errors({
        'run-id': runId,
        'project-id': `${PROJECT}\n0b7e3a52-9c1d-4f6e-8a2b-3c4d5e6f7a81`
      })[0] ?? '',
      /names one run, of one project/
    )
    assert.deepEqual(errors({ 'run-id': runId, 'input-params': '{"a":1}', 'dry-run': 'true' }), [
      `Input 'run-id' waits for a run that has already started, so 'input-params', 'dry-run' cannot apply: remove them.`
    ])
  })

  it('reads if-running: one of four words, and only start with a run-id', () => {
    assert.equal(settings({}).ifRunning, 'start')
    for (const policy of ['start', 'wait', 'attach', 'skip'] as const)
      assert.equal(settings({ 'if-running': policy }).ifRunning, policy)
    for (const bad of ['Skip', 'cancel', 'true', 'wait,skip'])
      assert.deepEqual(errors({ 'if-running': bad }), [
        `Input 'if-running' must be one of start, wait, attach or skip, got '${bad}'.`
      ])
    const runId = '9d2b6f13-8e07-4c5a-b6d1-3e4f5a6b7c8d'
    assert.equal(settings({ 'if-running': 'start', 'run-id': runId }).ifRunning, 'start')
    assert.deepEqual(errors({ 'if-running': 'skip', 'run-id': runId }), [
      "Input 'if-running' is skip, but 'run-id' follows a run that has already started: there is nothing to start, so nothing to skip. Remove one of them."
    ])
    assert.match(
      errors({ 'if-running': 'attach', 'run-id': runId })[0] ?? '',
      /^Input 'if-running' is attach, but 'run-id' .*nothing to attach instead of/
    )
    assert.match(
      errors({ 'if-running': 'wait', 'run-id': runId })[0] ?? '',
      /^Input 'if-running' is wait, but 'run-id' .*nothing to wait before/
    )
    // The command line's words: the option, not the input.
    const all: Record<string, string> = {
      ...Defaults,
      'project-id': PROJECT,
      'api-token': 'hxtw_x',
      'if-running': 'later'
    }
    const cli = readSettings((name) => all[name] ?? '', {}, undefined, CLI_WORDS)
    assert.ok(!cli.ok)
    assert.deepEqual(cli.errors, [
      "--if-running must be one of start, wait, attach or skip, got 'later'."
    ])
  })

  it('reads max-parallel and fail-fast', () => {
    const s = settings({ 'max-parallel': '2', 'fail-fast': 'true' })
    assert.equal(s.maxParallel, 2)
    assert.equal(s.failFast, true)
    for (const bad of ['0', '-1', '1.5', 'many'])
      assert.match(
        errors({ 'max-parallel': bad })[0] ?? '',
        /'max-parallel' must be a whole number/
      )
  })

  it('reports every bad input at once, each naming the input and the form it takes', () => {
    const list = errors({
      'project-id': 'my-project',
      'api-token': '',
      'input-params': '{region: emea}',
      timeout: 'forever',
      'poll-interval': '0.5s',
      'api-url': 'not a url',
      wait: 'yes',
      notifications: '{"type": "ALL"}'
    })
    const expect = [
      /^Input 'project-id' must be a project UUID .*got 'my-project'/,
      /^Input 'api-token' is empty/,
      /^Input 'input-params' must be a JSON object/,
      /^Input 'timeout' must be a duration such as 90s, 30m, 1h30m .*got 'forever'/,
      /^Input 'poll-interval' must be at least 1\.0s, got '0\.5s'/,
      /^Input 'api-url' must be a Hex host/,
      /^Input 'notifications' must be a JSON array/,
      /^Input 'wait' must be true or false, got 'yes'/
    ]
    assert.equal(list.length, expect.length, list.join('\n'))
    for (const pattern of expect)
      assert.ok(
        list.some((e) => pattern.test(e)),
        `${pattern} in:\n${list.join('\n')}`
      )
    for (const e of list) assert.doesNotMatch(e, /\n/, 'one line each')
  })

  it('suggests the UUID inside a pasted project URL', () => {
    const [error] = errors({ 'project-id': `https://app.hex.tech/acme/hex/${PROJECT}/draft/logic` })
    assert.match(error ?? '', new RegExp(`Did you mean '${PROJECT}'`))
  })

  it('refuses input params that are not an object', () => {
    assert.match(errors({ 'input-params': '[1,2]' })[0] ?? '', /got an array/)
    assert.match(errors({ 'input-params': '"x"' })[0] ?? '', /got string/)
    assert.match(errors({ 'input-params': 'null' })[0] ?? '', /got null/)
  })

  it('refuses view-id together with input params, but takes either alone', () => {
    assert.match(
      errors({ 'view-id': 'v1', 'input-params': '{"a":1}' })[0] ?? '',
      /'view-id' and 'input-params' cannot be used together/
    )
    assert.equal(settings({ 'view-id': 'v1' }).viewId, 'v1')
    assert.equal(settings({ 'view-id': 'v1', 'input-params': '{}' }).viewId, 'v1')
  })

  it('checks each notification for the fields Hex requires', () => {
    const ok = settings({
      notifications: '[{"type":"FAILURE","includeSuccessScreenshot":false,"userIds":["u1"]}]'
    })
    assert.deepEqual(ok.notifications, [
      { type: 'FAILURE', includeSuccessScreenshot: false, userIds: ['u1'] }
    ])
    const fields = errors({
      notifications: JSON.stringify([
        {
          type: 'ALL',
          includeSuccessScreenshot: true,
          screenshotFormat: 'jpg',
          slackChannelIds: 'C0123456',
          userIds: [1],
          subject: 5
        }
      ])
    })
    assert.deepEqual(fields, [
      `Input 'notifications' item 1 has "screenshotFormat": it must be "png" or "pdf".`,
      `Input 'notifications' item 1 has "slackChannelIds": it must be an array of strings.`,
      `Input 'notifications' item 1 has "userIds": it must be an array of strings.`,
      `Input 'notifications' item 1 has "subject": it must be a string.`
    ])
    const list = errors({ notifications: '[{"type":"SOMETIMES"}, 3]' })
    assert.deepEqual(list, [
      `Input 'notifications' item 1 needs "type": one of SUCCESS, FAILURE, ALL.`,
      `Input 'notifications' item 1 needs "includeSuccessScreenshot": true or false.`,
      `Input 'notifications' item 2 must be an object, as in a JSON array such as [{"type": "FAILURE", "includeSuccessScreenshot": false, "userIds": ["..."]}].`
    ])
  })

  it('refuses a timeout of zero', () => {
    assert.match(errors({ timeout: '0' })[0] ?? '', /at least/)
  })
})

describe('parseApiUrl', () => {
  const ok: [string, string][] = [
    ['https://app.hex.tech/api/v1', 'https://app.hex.tech/api/v1'],
    ['https://eu.hex.tech', 'https://eu.hex.tech/api/v1'],
    ['https://eu.hex.tech/', 'https://eu.hex.tech/api/v1'],
    ['https://atreides.hex.tech/api', 'https://atreides.hex.tech/api/v1'],
    ['https://atreides.hex.tech/api/v1/', 'https://atreides.hex.tech/api/v1'],
    ['https://proxy.example.com/hex/api/v1', 'https://proxy.example.com/hex/api/v1'],
    ['http://127.0.0.1:8080/api/v1', 'http://127.0.0.1:8080/api/v1'],
    ['http://localhost:3000', 'http://localhost:3000/api/v1'],
    ['http://[::1]:3000', 'http://[::1]:3000/api/v1']
  ]
  for (const [input, base] of ok) {
    it(`accepts ${input}`, () => {
      const errs: string[] = []
      assert.equal(parseApiUrl(input, errs), base)
      assert.deepEqual(errs, [])
    })
  }
  const bad: [string, RegExp][] = [
    ['app.hex.tech', /must be a Hex host/],
    ['http://app.hex.tech/api/v1', /must use https/],
    ['ftp://app.hex.tech', /must use https/],
    ['https://user:pw@app.hex.tech', /without credentials/],
    ['https://app.hex.tech/api/v1?x=1', /without credentials, query or fragment/],
    ['https://app.hex.tech/acme/hex/123', /path \/acme\/hex\/123/]
  ]
  for (const [input, pattern] of bad) {
    it(`refuses ${input}`, () => {
      const errs: string[] = []
      parseApiUrl(input, errs)
      assert.equal(errs.length, 1)
      assert.match(errs[0] ?? '', pattern)
      assert.doesNotMatch(errs[0] ?? '', /pw/)
    })
  }
})

/**
 * The command-line tool (bin/hex-run-action.js, bundled in dist/cli/) against the stand-in Hex
 * server: the same core as the action, with plain-text output and exit codes.
 */
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import { FakeHex } from '../test/fake-hex/server.ts'
import { ROOT } from '../test/runner/action-yml.ts'
import { addProject, requestsFor, RUN_TOKEN, until } from './helpers/e2e.ts'

const BIN = join(ROOT, 'bin/hex-run-action.js')
const QUICK = [{ status: 'RUNNING', ms: 300 }, { status: 'COMPLETED' }]

interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

function cli(
  args: string[],
  env: Record<string, string> = { HEX_API_TOKEN: RUN_TOKEN },
  onSpawn?: (child: ChildProcess) => void
): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
  onSpawn?.(child)
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

let fake: FakeHex
beforeAll(async () => {
  fake = await FakeHex.start()
})
afterAll(async () => {
  await fake.close()
})

describe('hex-run-action on the command line', () => {
  it.concurrent('runs a project, prints the result and exits 0', async () => {
    const projectId = addProject(fake, { lifecycle: QUICK, params: { region: 'string' } })
    const result = await cli([
      '--project-id',
      projectId,
      '--api-url',
      fake.apiBase,
      '--input-params',
      '{"region": "emea"}'
    ])
    assert.equal(result.code, 0, result.stdout + result.stderr)
    const [run] = fake.runs(projectId)
    assert.match(result.stdout, /Run is COMPLETED/)
    assert.match(
      result.stdout,
      new RegExp(`^COMPLETED  ${projectId}  \\d+s  http.*${run?.id}$`, 'm')
    )
    assert.equal(result.stderr, '')
    assert.deepEqual(requestsFor(fake, projectId)[0]?.body, {
      inputParams: { region: 'emea' },
      updatePublishedResults: false,
      useCachedSqlResults: true
    })
    assert.ok(!(result.stdout + result.stderr).includes(RUN_TOKEN))
  })

  it.concurrent('exits 1 when a run fails, with the error on stderr', async () => {
    const projectId = addProject(fake, {
      lifecycle: [{ status: 'RUNNING', ms: 200 }, { status: 'ERRORED' }]
    })
    const result = await cli(['--project-id', projectId, '--api-url', fake.apiBase])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /^error: Hex run .* ended ERRORED/m)
    assert.match(result.stdout, new RegExp(`^ERRORED  ${projectId}`, 'm'))
  })

  it.concurrent('Ctrl-C cancels the run in Hex and exits 130', async () => {
    const projectId = addProject(fake, { lifecycle: [{ status: 'RUNNING' }] })
    const result = await cli(
      ['--project-id', projectId, '--api-url', fake.apiBase],
      { HEX_API_TOKEN: RUN_TOKEN },
      (child) => {
        void until(
          () => requestsFor(fake, projectId).some((r) => r.method === 'GET'),
          'the run to be polled'
        ).then(() => child.kill('SIGINT'))
      }
    )
    assert.equal(result.code, 130, result.stdout + result.stderr)
    assert.equal(fake.runs(projectId)[0]?.status, 'KILLED')
    assert.equal(requestsFor(fake, projectId).filter((r) => r.method === 'DELETE').length, 1)
    assert.match(result.stdout, /^CANCELLED/m)
  })

  it.concurrent(
    'validates its options as the action validates its inputs, sending nothing',
    async () => {
      const projectId = addProject(fake)
      const result = await cli([
        '--project-id',
        projectId,
        '--api-url',
        fake.apiBase,
        '--timeout',
        'soon'
      ])
      assert.equal(result.code, 1)
      assert.match(result.stderr, /error: Input 'timeout' must be a duration/)
      assert.deepEqual(requestsFor(fake, projectId), [])
    }
  )

  it.concurrent('takes the token only from HEX_API_TOKEN', async () => {
    const missing = await cli(['--project-id', addProject(fake), '--api-url', fake.apiBase], {})
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /HEX_API_TOKEN is not set/)
    const onArgv = await cli(['--project-id', addProject(fake), '--api-token', RUN_TOKEN])
    assert.equal(onArgv.code, 2)
    assert.match(onArgv.stderr, /--api-token is not taken on the command line/)
  })

  it.concurrent('answers --help, and exits 2 on an unknown option', async () => {
    const help = await cli(['--help'])
    assert.equal(help.code, 0)
    assert.match(help.stdout, /^Usage: hex-run-action --project-id/)
    const bad = await cli(['--bogus'])
    assert.equal(bad.code, 2)
    assert.match(bad.stderr, /Unknown option '--bogus'/)
  })
})

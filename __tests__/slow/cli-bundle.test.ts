/**
 * The command line as a user runs it: bin/hex-run-action.js, which loads the bundle in dist/cli/,
 * in a process of its own against the stand-in Hex server on real time. Only what a process shows
 * is tested here: that the program starts from the bundle, reads its version beside it, and turns
 * Ctrl-C into a cancel and exit code 130 (src/cli/index.ts). The command itself (options, output,
 * every exit code) runs in process in ../cli.test.ts.
 */
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import { FakeHex } from '../../test/fake-hex/server.ts'
import { ROOT } from '../../test/runner/action-yml.ts'
import { addProject, requestsFor, RUN_TOKEN, until } from '../helpers/e2e.ts'

const BIN = join(ROOT, 'bin/hex-run-action.js')
const VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version

interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** The bundled program in a process of its own, as a user runs it. */
function cli(args: string[], onSpawn?: (child: ChildProcess) => void): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HEX_API_TOKEN: RUN_TOKEN },
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

describe('bin/hex-run-action.js (the bundle in dist/cli/)', () => {
  it('answers --version from package.json; Ctrl-C cancels the run in Hex and exits 130', async () => {
    const projectId = addProject(fake, { lifecycle: [{ status: 'RUNNING' }] })
    const [version, interrupted] = await Promise.all([
      cli(['--version']),
      cli(['--project-id', projectId, '--api-url', fake.apiBase], (child) => {
        void until(
          () => requestsFor(fake, projectId).some((r) => r.method === 'GET'),
          'the run to be polled'
        ).then(() => child.kill('SIGINT'))
      })
    ])
    assert.deepEqual(version, { code: 0, stdout: `hex-run-action ${VERSION}\n`, stderr: '' })

    const log = interrupted.stdout + interrupted.stderr
    assert.equal(interrupted.code, 130, log)
    assert.equal(fake.runs(projectId)[0]?.status, 'KILLED')
    assert.equal(requestsFor(fake, projectId).filter((r) => r.method === 'DELETE').length, 1)
    assert.match(interrupted.stdout, /^CANCELLED/m)
    // In the command line's words: interrupted, not a cancelled workflow.
    assert.match(interrupted.stderr, /^error: Interrupted while Hex run \S+ was going\./m)
    assert.doesNotMatch(log, /workflow/i)
    assert.ok(!log.includes(RUN_TOKEN))
  })
})

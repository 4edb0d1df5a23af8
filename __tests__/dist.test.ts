import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { promisify } from 'node:util'
import { ROOT } from '../test/runner/action-yml.ts'

describe('dist/', () => {
  it('is exactly what `npm run package` builds from src/', async () => {
    const out = mkdtempSync(join(tmpdir(), 'hex-run-action-dist-'))
    try {
      const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>
      }
      // The same ncc command as the package script, into a scratch folder.
      const args = (pkg.scripts.package ?? '').split(' ').slice(1)
      const dirAt = args.indexOf('-o')
      assert.ok(dirAt > 0, 'the package script names its output folder')
      args[dirAt + 1] = out
      await promisify(execFile)(
        process.execPath,
        [join(ROOT, 'node_modules/@vercel/ncc/dist/ncc/cli.js'), ...args],
        { cwd: ROOT }
      )
      const built = readdirSync(out).sort()
      assert.deepEqual(readdirSync(join(ROOT, 'dist')).sort(), built, 'the same files')
      for (const file of built)
        assert.ok(
          readFileSync(join(out, file)).equals(readFileSync(join(ROOT, 'dist', file))),
          `dist/${file} is stale: run npm run bundle and commit dist/`
        )
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  })
})

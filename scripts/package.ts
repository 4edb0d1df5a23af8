/**
 * npm run package: builds dist/ with ncc, the one bundle the runner executes (dist/index.js, main
 * and post steps) and the command-line tool's (dist/cli/index.js). A different folder can be given
 * (`node scripts/package.ts /tmp/out`), which is how a test checks that dist/ is what this builds.
 */
import { execFile } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'

const root = resolve(import.meta.dirname, '..')
const out = resolve(process.argv[2] ?? join(root, 'dist'))
const ncc = join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js')

/** What is built, and where under the output folder. */
export const BUNDLES = [
  { entry: 'src/index.ts', dir: '.' },
  { entry: 'src/cli/index.ts', dir: 'cli' }
] as const

rmSync(out, { recursive: true, force: true })
// The two builds side by side: each is mostly one core's work (webpack, then ts-loader's type
// check of src/ through src/tsconfig.json, which leaves tests and scripts to `npm run lint`).
const run = promisify(execFile)
const results = await Promise.allSettled(
  BUNDLES.map(({ entry, dir }) =>
    run(
      process.execPath,
      [ncc, 'build', entry, '-o', join(out, dir), '--license', 'licenses.txt', '--quiet'],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 }
    )
  )
)
for (const [i, result] of results.entries()) {
  if (result.status === 'fulfilled') continue
  const error = result.reason as { stdout?: string; stderr?: string; message: string }
  process.stderr.write(
    `ncc build of ${BUNDLES[i]?.entry} failed:\n${error.stderr || error.stdout || error.message}\n`
  )
  process.exitCode = 1
}

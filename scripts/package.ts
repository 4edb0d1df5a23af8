/**
 * npm run package: builds dist/ with ncc, the one bundle the runner executes (dist/index.js, main
 * and post steps) and the command-line tool's (dist/cli/index.js). A different folder can be given
 * (`node scripts/package.ts /tmp/out`), which is how a test checks that dist/ is what this builds.
 */
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const out = resolve(process.argv[2] ?? join(root, 'dist'))
const ncc = join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js')

/** What is built, and where under the output folder. */
export const BUNDLES = [
  { entry: 'src/index.ts', dir: '.' },
  { entry: 'src/cli/index.ts', dir: 'cli' }
] as const

rmSync(out, { recursive: true, force: true })
for (const { entry, dir } of BUNDLES) {
  execFileSync(
    process.execPath,
    [ncc, 'build', entry, '-o', join(out, dir), '--license', 'licenses.txt', '--quiet'],
    { cwd: root, stdio: 'inherit' }
  )
}

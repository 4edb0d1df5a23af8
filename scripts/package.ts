/**
 * npm run package: builds dist/ with ncc, the one bundle the runner executes (dist/index.js, main
 * and post steps) and the command-line tool's (dist/cli/index.js). A different folder can be given
 * (`node scripts/package.ts /tmp/out`), which is how a test checks that dist/ is what this builds.
 *
 * Both bundles are built in this one process, one after the other, through ncc's API: the same
 * output as its command line, byte for byte, in about 60 % of the time of two `ncc build` runs
 * (the second build reuses the first one's warm compiler). ncc type-checks src/ alone, through
 * src/tsconfig.json; tests and scripts are type-checked by `npm run lint`.
 *
 * The JavaScript files come out ASCII only (scripts/ascii-only.ts): a character past U+007F would
 * make Node hold the whole bundle as a two-byte string, decoded from UTF-8 at every start.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { asciiOnly } from './ascii-only.ts'
import { licensesText, type NccStats } from './licenses.ts'

const root = resolve(import.meta.dirname, '..')
const out = resolve(process.argv[2] ?? join(root, 'dist'))

interface NccAsset {
  source: string | Buffer
  permissions?: number
}
type Ncc = (
  entry: string,
  options: { license: string; quiet: boolean }
) => Promise<{ code: string; assets: Record<string, NccAsset>; stats: NccStats }>
const ncc = createRequire(import.meta.url)('@vercel/ncc') as Ncc

/** What is built, and where under the output folder. */
export const BUNDLES = [
  { entry: 'src/index.ts', dir: '.' },
  { entry: 'src/cli/index.ts', dir: 'cli' }
] as const

rmSync(out, { recursive: true, force: true })
for (const { entry, dir } of BUNDLES) {
  const { code, assets, stats } = await ncc(join(root, entry), {
    license: 'licenses.txt',
    quiet: true
  })
  const files: [string, string | Buffer, number?][] = [
    ['index.js', code],
    ...Object.entries(assets).map(([name, a]): [string, string | Buffer, number?] => [
      name,
      // ncc's own keeps the last chunk's packages only (scripts/licenses.ts).
      name === 'licenses.txt' ? licensesText(stats) : a.source,
      a.permissions
    ])
  ]
  for (const [name, source, mode] of files) {
    const path = join(out, dir, name)
    const text = name.endsWith('.js') ? asciiOnly(source.toString(), join(dir, name)) : source
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, text, mode === undefined ? undefined : { mode })
  }
}

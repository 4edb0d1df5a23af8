/** The workflows the README and docs/ show, as a user copies them. */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../../test/runner/action-yml.ts'

/** The first yaml block under the README's "## Quick start". */
export function quickStart(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Quick start'))
  const block = /^```yaml\n([\s\S]*?)^```$/m.exec(section)?.[1]
  assert.ok(block, 'the Quick start has a yaml block')
  return block
}

/** Every yaml block of the README and docs/ that is a whole workflow (it has jobs:). */
export function wholeWorkflows(): string[] {
  const pages = [
    'README.md',
    ...readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`)
  ]
  const blocks = pages.flatMap((page) =>
    [...readFileSync(join(ROOT, page), 'utf8').matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map(
      (m) => m[1] ?? ''
    )
  )
  return blocks.filter((block) => /^jobs:/m.test(block))
}

/**
 * The README stays short and every page of the docs stays reachable: the README's length is held,
 * every relative link between README.md, CONTRIBUTING.md and docs/ leads to a file and a heading
 * that exist, and every command the docs give can run as written (npm scripts that exist; no .ts
 * file handed to plain `node`, which is Node 20 on many machines; no `npx` of an unpublished name).
 */
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { describe, it } from '@jest/globals'
import { ROOT } from '../test/runner/action-yml.ts'

/** The README's length a first-time reader is asked to read; the rest belongs in docs/. */
const README_MAX_LINES = 350

const PAGES = [
  'README.md',
  'CONTRIBUTING.md',
  'CHANGELOG.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`)
]

const text = (page: string): string => readFileSync(join(ROOT, page), 'utf8')

/** The page with its fenced code blocks blanked out (line count kept), so links in code are not read. */
function prose(markdown: string): string {
  return markdown.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, (block) =>
    block.replace(/[^\n]/g, '')
  )
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]+>/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

/** Every anchor a page has: its headings' slugs, with GitHub's -1, -2 … for repeats. */
function anchors(page: string): Set<string> {
  const seen = new Map<string, number>()
  const result = new Set<string>()
  for (const m of prose(text(page)).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1] ?? '')
    const count = seen.get(base) ?? 0
    seen.set(base, count + 1)
    result.add(count === 0 ? base : `${base}-${count}`)
  }
  return result
}

/** Every [text](target) and ![alt](target) outside code, with its line. */
function links(page: string): { target: string; line: number }[] {
  const body = prose(text(page))
  return [...body.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => ({
    target: m[1] ?? '',
    line: body.slice(0, m.index).split('\n').length
  }))
}

/** The lines of every ```sh / ```bash block, and inline `npm …`/`node …`: what a reader would copy. */
function commands(page: string): { command: string; line: number; quoted?: boolean }[] {
  const markdown = text(page)
  const found: { command: string; line: number; quoted?: boolean }[] = []
  for (const m of markdown.matchAll(/^(`{3,})(?:sh|bash|shell|console)\n([\s\S]*?)^\1[ \t]*$/gm)) {
    const start = markdown.slice(0, m.index).split('\n').length
    ;(m[2] ?? '').split('\n').forEach((line, i) => {
      const command = line
        .replace(/^\$\s+/, '')
        .replace(/\s+#.*$/, '')
        .trim()
      if (command !== '' && !command.startsWith('#')) found.push({ command, line: start + 1 + i })
    })
  }
  // And the commands quoted in the text: `npm run bench -- --quick`.
  const body = prose(markdown)
  for (const m of body.matchAll(/`((?:npm|node|npx) [^`]+)`/g))
    found.push({
      command: m[1] ?? '',
      line: body.slice(0, m.index).split('\n').length,
      quoted: true
    })
  return found
}

describe('the docs', () => {
  it(`keep the README under ${README_MAX_LINES} lines`, () => {
    const lines = text('README.md').split('\n').length
    assert.ok(lines <= README_MAX_LINES, `README.md has ${lines} lines: move detail to docs/`)
  })

  it('link only to files and headings that exist', () => {
    const broken: string[] = []
    for (const page of PAGES)
      for (const { target, line } of links(page)) {
        if (/^[a-z][a-z+.-]*:/i.test(target)) continue // https:, mailto: …
        const [path = '', anchor] = target.split('#')
        const file = path === '' ? page : normalize(join(dirname(page), path))
        const where = `${page}:${line} → ${target}`
        if (relative(ROOT, join(ROOT, file)).startsWith('..') || !existsSync(join(ROOT, file))) {
          broken.push(`${where}: no file ${file}`)
          continue
        }
        if (anchor !== undefined && file.endsWith('.md') && !anchors(file).has(anchor))
          broken.push(`${where}: no heading #${anchor} in ${file}`)
      }
    assert.deepEqual(broken, [])
  })

  it('link README and every page of docs/ both ways', () => {
    const fromReadme = new Set(
      links('README.md').map(({ target }) => normalize(target.split('#')[0] ?? ''))
    )
    for (const page of PAGES.filter((p) => p.startsWith('docs/') || p === 'CONTRIBUTING.md')) {
      assert.ok(fromReadme.has(page), `README.md links to ${page}`)
      const back = links(page).some(({ target }) => /(^|\/)README\.md(#|$)/.test(target))
      assert.ok(back, `${page} links back to the README`)
    }
  })

  it('give commands that run as written', () => {
    const scripts = Object.keys(
      (JSON.parse(text('package.json')) as { scripts: Record<string, string> }).scripts
    )
    const problems: string[] = []
    let count = 0
    // The changelog records what was; the pages a reader follows today are checked.
    for (const page of PAGES.filter((p) => p !== 'CHANGELOG.md'))
      for (const { command, line, quoted } of commands(page)) {
        count += 1
        const where = `${page}:${line}: ${command}`
        for (const m of command.matchAll(/\bnpm run ([\w:-]+)/g))
          if (!scripts.includes(m[1] ?? '')) problems.push(`${where}: no npm script ${m[1]}`)
        if (/(^|[;&|]\s*)node\s+(?:--?\S+\s+)*\S+\.ts\b/.test(command))
          problems.push(`${where}: plain node runs no .ts file on Node 20; give the npm script`)
        // Prose may name it to warn against it; a code block is what a reader runs.
        if (!quoted && /\bnpx\s+hex-run-action\b/.test(command))
          problems.push(`${where}: no package of that name is published; use npx github:…`)
      }
    assert.ok(count >= 5, `the docs give commands (${count} found)`)
    assert.deepEqual(problems, [])
  })
})

/**
 * scripts/ascii-only.ts, the build's last step: the bundles come out ASCII only, meaning what they
 * meant, and the build stops rather than escape a character where an escape would change the code.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from '@jest/globals'
import { asciiOnly } from '../scripts/ascii-only.ts'
import { ROOT } from '../test/runner/action-yml.ts'

/** The value of `exported` in an ES module's source. */
async function valueOf(source: string): Promise<unknown> {
  const url = `data:text/javascript,${encodeURIComponent(source)}`
  return ((await import(url)) as { exported: unknown }).exported
}

describe('asciiOnly', () => {
  it('leaves an ASCII bundle as it is', () => {
    const code = 'export const exported = "plain" // a comment\n'
    assert.equal(asciiOnly(code, 'plain.js'), code)
  })

  it('escapes comments, strings and templates, which mean the same afterwards', async () => {
    const code = [
      '// the user agent’s fetch → “done”',
      '/* ❌ block */',
      "const s = 'Waiting… ⏳ 🚫'",
      'const t = `${s} — ✅ ${1 + 1} ×`',
      'export const exported = [s, t, "\\u2019 already escaped"]'
    ].join('\n')
    const escaped = asciiOnly(code, 'mixed.js')
    assert.doesNotMatch(escaped, /[\u0080-\uffff]/)
    assert.match(escaped, /\/\/ the user agent\\u2019s fetch/)
    assert.deepEqual(await valueOf(escaped), await valueOf(code))
  })

  it('stops where an escape would change the code: a regular expression, a name, a tagged template', () => {
    for (const code of [
      'export const exported = /…/.test("…")',
      'const café = 1; export const exported = café',
      'export const exported = String.raw`…`'
    ])
      assert.throws(() => asciiOnly(code, 'bad.js'), /bad\.js: a character past ASCII \(U\+/)
  })
})

describe('dist/', () => {
  it('is ASCII only, every JavaScript file of it', () => {
    const dist = join(ROOT, 'dist')
    const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.js') && statSync(join(dist, f)).isFile()
    )
    assert.ok(files.length >= 2)
    for (const file of files)
      assert.doesNotMatch(readFileSync(join(dist, file), 'utf8'), /[\u0080-\uffff]/, file)
  })
})

/**
 * scripts/licenses.ts: a bundle's licenses.txt lists every package of every chunk, as ncc's own
 * would for a bundle of one chunk.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from '@jest/globals'
import { licensesText, packageDirOf } from '../scripts/licenses.ts'
import { ROOT } from '../test/runner/action-yml.ts'

const modules = join(ROOT, 'node_modules')

describe('licenses.txt', () => {
  it('finds the package a bundled file belongs to, scoped or not, nested or not', () => {
    assert.equal(
      packageDirOf(join(modules, 'undici/lib/web/fetch/index.js')),
      join(modules, 'undici')
    )
    assert.equal(
      packageDirOf(join(modules, '@actions/core/lib/core.js')),
      join(modules, '@actions/core')
    )
    assert.equal(
      packageDirOf(join(modules, '@actions/http-client/node_modules/undici/index.js')),
      join(modules, '@actions/http-client/node_modules/undici')
    )
    assert.equal(packageDirOf(join(ROOT, 'src/index.ts')), undefined)
  })

  it('lists each package of every chunk once, sorted, with its license and text', () => {
    const text = licensesText({
      compilation: {
        modules: [
          { resource: join(modules, 'undici/index.js') },
          { resource: join(modules, '@actions/core/lib/core.js') },
          { resource: join(modules, 'undici/lib/api/index.js') },
          { resource: join(ROOT, 'src/index.ts') },
          {}
        ]
      }
    })
    const entries = text.trimEnd().split('\n\n')
    const names = entries.map((entry) => entry.split('\n')[0])
    assert.deepEqual(
      names.filter((n) => n === '@actions/core' || n === 'undici'),
      ['@actions/core', 'undici']
    )
    assert.match(text, /^@actions\/core\nMIT\nThe MIT License/)
    assert.match(text, /\nundici\nMIT\nMIT License\n\nCopyright \(c\) Matteo Collina/)
    assert.ok(text.endsWith('SOFTWARE.\n'))
  })
})

import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from '@jest/globals'
import { ROOT } from '../test/runner/action-yml.ts'

describe('GitHub Enterprise Server', () => {
  it('the action hard-codes no github.com address: any link would come from GITHUB_SERVER_URL', () => {
    const files = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts')
    )
    assert.ok(files.length > 5)
    for (const file of files)
      assert.doesNotMatch(readFileSync(join(ROOT, 'src', file), 'utf8'), /github\.com/i, file)
  })
})

/**
 * The command line's --help cannot drift from action.yml: src/cli/options.generated.ts is what
 * scripts/generate-cli-options.ts writes from it (`npm run docs:cli`). That --help then lists every
 * input is checked in cli.test.ts, against action.yml itself.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from '@jest/globals'
import { resolveConfig } from 'prettier'
import { firstSentence, OPTIONS_FILE, renderCliOptions } from '../scripts/generate-cli-options.ts'

const actionYmlText = readFileSync(new URL('../action.yml', import.meta.url), 'utf8')

describe('src/cli/options.generated.ts', () => {
  it('is what npm run docs:cli writes from action.yml', async () => {
    const expected = await renderCliOptions(
      actionYmlText,
      (await resolveConfig(OPTIONS_FILE)) ?? {}
    )
    assert.equal(
      readFileSync(OPTIONS_FILE, 'utf8'),
      expected,
      'src/cli/options.generated.ts is out of date with action.yml: run npm run docs:cli'
    )
  })

  it("takes a description's first sentence, on one line", () => {
    assert.equal(
      firstSentence('Base URL of the\n  Hex API. Use it for regions.'),
      'Base URL of the Hex API.'
    )
    assert.equal(firstSentence('Cancel at 1.5 times. No more.'), 'Cancel at 1.5 times.')
    assert.equal(firstSentence('One sentence, no stop'), 'One sentence, no stop')
  })
})

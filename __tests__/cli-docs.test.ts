/**
 * The command line's --help and its page cannot drift: src/cli/options.generated.ts is what
 * scripts/generate-cli-options.ts writes from action.yml (`npm run docs:cli`), docs/cli.md shows
 * the --help the command prints, and every command docs/cli.md gives runs as written: an npm
 * script that exists, the command with options it takes and values the action accepts, or one
 * of a few shell commands. The stand-in commands of "Try it without Hex" are run, in process.
 * That --help lists every input of action.yml is checked in cli.test.ts, against action.yml.
 */
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import { resolveConfig } from 'prettier'
import { readSettings } from '../src/step/settings.ts'
import { main } from '../src/cli/command.ts'
import { helpText } from '../src/cli/help.ts'
import { parseArguments } from '../src/cli/options.ts'
import { Terminal } from '../src/cli/terminal.ts'
import { CLI_WORDS } from '../src/cli/words.ts'
import type { FakeHex } from '../test/fake-hex/server.ts'
import type { FakeHexOptions } from '../test/fake-hex/types.ts'
import { ROOT } from '../test/runner/action-yml.ts'
import {
  CLI_DOC,
  firstSentence,
  OPTIONS_FILE,
  renderCliOptions,
  withHelp
} from '../scripts/generate-cli-options.ts'
import { clockOf, startHex } from './helpers/action.ts'
import { RUN_TOKEN } from './helpers/e2e.ts'

const actionYmlText = readFileSync(join(ROOT, 'action.yml'), 'utf8')
const doc = readFileSync(CLI_DOC, 'utf8')
const scripts = Object.keys(
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: object }).scripts
)
/** The stand-in's address in docs/cli.md, and the sample projects it serves there. */
const STAND_IN = 'http://127.0.0.1:8080/api/v1'
const SAMPLES = JSON.parse(
  readFileSync(join(ROOT, 'test/fake-hex/ci.json'), 'utf8')
) as FakeHexOptions

interface Command {
  line: number
  words: string[]
}

/** Each command of the ```sh blocks: one per line, or per `&&`, split into words as sh does. */
function commands(markdown: string): Command[] {
  const found: Command[] = []
  for (const m of markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
    const first = markdown.slice(0, m.index).split('\n').length + 1
    ;(m[1] ?? '').split('\n').forEach((text, i) => {
      if (text.trim() === '' || text.trim().startsWith('#')) return
      for (const part of text.split(' && '))
        found.push({ line: first + i, words: shellWords(part) })
    })
  }
  return found
}

/** Words as sh splits them: spaces outside quotes; single and double quotes removed. */
function shellWords(text: string): string[] {
  const words: string[] = []
  let word: string | undefined
  let quote: string | undefined
  for (const char of text.trim()) {
    if (quote !== undefined) {
      if (char === quote) quote = undefined
      else word = (word ?? '') + char
    } else if (char === "'" || char === '"') {
      quote = char
      word = word ?? ''
    } else if (char === ' ') {
      if (word !== undefined) words.push(word)
      word = undefined
    } else {
      word = (word ?? '') + char
    }
  }
  assert.equal(quote, undefined, `a quote left open in: ${text}`)
  if (word !== undefined) words.push(word)
  return words
}

/** The problem with the command's options, if any: as parsed, then as the action reads them. */
function optionProblem(args: string[]): string | undefined {
  const parsed = parseArguments(args)
  if (!parsed.ok) return parsed.error
  const io = new Terminal(parsed.values, false, { out: () => {}, err: () => {} })
  const settings = readSettings(io.getInput, { HEX_API_TOKEN: RUN_TOKEN }, undefined, CLI_WORDS)
  return settings.ok ? undefined : settings.errors.join(' ')
}

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

describe('docs/cli.md', () => {
  it('shows the --help the command prints', () => {
    assert.equal(doc, withHelp(doc, helpText()), 'docs/cli.md is out of date: run npm run docs:cli')
  })

  it('gives only commands that run as written', () => {
    const all = commands(doc)
    assert.ok(all.length >= 10, `the page's commands are found (${all.length})`)
    let runs = 0
    for (const { line, words } of all) {
      const where = `docs/cli.md line ${line}: ${words.join(' ')}`
      const [first, second, third] = words
      // Every file the command names is in the repository.
      for (const word of words)
        if (/^[\w-]+\/[\w./-]+\.(json|ts|js)$/.test(word))
          assert.ok(existsSync(join(ROOT, word)), `${where}: ${word} exists`)
      if (first === 'node' && second === 'bin/hex-run-action.js') {
        assert.equal(optionProblem(words.slice(2)), undefined, where)
        runs += 1
      } else if (first === 'npx') {
        // Never a bare name: npx would fetch whatever the registry holds under it.
        const spec = words.find((w, i) => i > 0 && !w.startsWith('-')) ?? ''
        assert.match(spec, /^github:[\w-]+\/hex-run-action#\S+$/, where)
        assert.equal(optionProblem(words.slice(words.indexOf(spec) + 1)), undefined, where)
        runs += 1
      } else if (first === 'npm') {
        if (second === 'run') assert.ok(scripts.includes(third ?? ''), `${where}: no such script`)
        else assert.ok(second === 'ci' || second === 'test', where)
      } else if (first === 'export') {
        assert.match(second ?? '', /^HEX_API_TOKEN=\S+$/, where)
      } else if (first === 'git') {
        assert.match(
          words.join(' '),
          /^git clone https:\/\/github\.com\/[\w-]+\/hex-run-action\.git$/
        )
      } else {
        assert.ok(first === 'cd' && second === 'hex-run-action', `${where}: not a known command`)
      }
    }
    assert.ok(runs >= 6, `the page runs the command (${runs} times)`)
  })

  describe('Try it without Hex', () => {
    let hex: FakeHex
    beforeAll(async () => {
      hex = await startHex({ projects: SAMPLES.projects })
    })
    afterAll(async () => {
      await hex.close()
    })

    it('runs against the stand-in: the first command exits 0, the second 1', async () => {
      const tries = commands(doc).filter(({ words }) => words.includes(STAND_IN))
      assert.equal(tries.length, 2, 'the two commands against the stand-in')
      const codes: number[] = []
      for (const { words } of tries) {
        const clock = clockOf(hex)
        let output = ''
        const args = words.slice(2).map((w) => (w === STAND_IN ? hex.apiBase : w))
        const code = await main(
          args,
          { out: (t) => (output += t), err: (t) => (output += t) },
          undefined,
          clock.runtime({ HEX_API_TOKEN: RUN_TOKEN })
        )
        codes.push(code)
        assert.ok(!output.includes('Unexpected'), output)
      }
      assert.deepEqual(codes, [0, 1])
      assert.match(doc, /The first exits 0, the second 1\./)
    })
  })
})

/**
 * The README cannot drift from action.yml: its tables are what the generator renders, and every
 * workflow example names only inputs and outputs the action has.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { describe, it } from '@jest/globals'
import { resolveConfig } from 'prettier'
import { parseAllDocuments } from 'yaml'
import {
  REQUIRED_IN_ONE_FORM,
  inputsTable,
  outputsTable,
  parseActionYml,
  renderReadme,
  SECTIONS,
  staleSections
} from '../scripts/generate-docs.ts'

const ROOT = new URL('../', import.meta.url)
const README_PATH = new URL('README.md', ROOT)
const actionYmlText = readFileSync(new URL('action.yml', ROOT), 'utf8')
const readme = readFileSync(README_PATH, 'utf8')
const action = parseActionYml(actionYmlText)

/** Which `uses:` values are this action. */
const THIS_ACTION = /(^|\/)hex-run-action(@|$)/

/** The text between a section's markers. */
function between(text: string, start: string, end: string): string {
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  assert.ok(from !== -1 && to > from, `README.md has ${start} before ${end}`)
  return text.slice(from + start.length, to)
}

/** The first cell of each body row of a Markdown table: the names in backticks. */
function namesInTable(table: string): string[] {
  return [...table.matchAll(/^\|\s*`([^`]+)`/gm)].map((m) => m[1] ?? '')
}

interface YamlBlock {
  page: string
  line: number
  text: string
}

/** Every fenced ```yaml block of a Markdown text, with the line it starts on. */
function yamlBlocks(markdown: string, page = 'README.md'): YamlBlock[] {
  const blocks: YamlBlock[] = []
  for (const m of markdown.matchAll(/^(`{3,})ya?ml[^\n]*\n([\s\S]*?)^\1[ \t]*$/gm)) {
    blocks.push({ page, line: markdown.slice(0, m.index).split('\n').length, text: m[2] ?? '' })
  }
  return blocks
}

/** The yaml blocks of the README and of every page in docs/: the examples a user copies. */
function exampleBlocks(): YamlBlock[] {
  const pages = [
    'README.md',
    ...readdirSync(new URL('docs/', ROOT))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`)
  ]
  return pages.flatMap((page) => yamlBlocks(readFileSync(new URL(page, ROOT), 'utf8'), page))
}

interface ActionStep {
  id?: string
  uses: string
  with: Record<string, unknown>
}

/** The steps in a parsed YAML value that use this action, wherever they sit. */
function actionSteps(value: unknown, found: ActionStep[] = []): ActionStep[] {
  if (Array.isArray(value)) {
    for (const item of value) actionSteps(item, found)
  } else if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>
    if (typeof o.uses === 'string' && THIS_ACTION.test(o.uses)) {
      const withBlock = o.with ?? {}
      assert.ok(
        typeof withBlock === 'object' && withBlock !== null && !Array.isArray(withBlock),
        `the with: of ${o.uses} is a mapping`
      )
      found.push({
        id: typeof o.id === 'string' ? o.id : undefined,
        uses: o.uses,
        with: withBlock as Record<string, unknown>
      })
    }
    for (const child of Object.values(o)) actionSteps(child, found)
  }
  return found
}

/** The documents of a yaml block, as plain values; the block must parse without errors. */
function parseBlock(block: YamlBlock): unknown[] {
  const docs = parseAllDocuments(block.text)
  assert.ok(docs.length > 0, `${block.page} line ${block.line}: an empty yaml block`)
  return docs.map((doc) => {
    const errors = doc.errors.map((e) => e.message)
    assert.deepEqual(errors, [], `${block.page} line ${block.line}: the yaml block parses`)
    return doc.toJS() as unknown
  })
}

describe('README.md', () => {
  it('has the tables the generator renders from action.yml', async () => {
    const options = (await resolveConfig(README_PATH)) ?? {}
    const expected = await renderReadme(actionYmlText, readme, options)
    assert.deepEqual(
      staleSections(readme, expected),
      [],
      'README.md is out of date with action.yml: run npm run docs'
    )
    assert.equal(readme, expected)
  })

  it('lists every input and every output, in the order of action.yml', () => {
    const [inputs, outputs] = SECTIONS.map((s) => between(readme, s.start, s.end))
    assert.deepEqual(namesInTable(inputs ?? ''), Object.keys(action.inputs))
    assert.deepEqual(namesInTable(outputs ?? ''), Object.keys(action.outputs))
  })

  it('shows each default and whether the input is required', () => {
    const table = inputsTable(action)
    for (const [name, input] of Object.entries(action.inputs)) {
      const row = table.split('\n').find((line) => line.startsWith(`| \`${name}\` |`))
      assert.ok(row, `a row for ${name}`)
      const cells = row.split(' | ')
      const required = REQUIRED_IN_ONE_FORM[name] ?? (input.required === true ? 'yes' : 'no')
      assert.equal(cells[1], required, `required of ${name}`)
      assert.equal(cells[2], input.default ? `\`${input.default}\`` : 'none', `default of ${name}`)
    }
    assert.equal(
      outputsTable(action).trim().split('\n').length,
      2 + Object.keys(action.outputs).length
    )
  })

  it('names only inputs that exist, and sets the required ones, in every example', () => {
    const known = new Set(Object.keys(action.inputs))
    const required = Object.entries(action.inputs)
      .filter(([, input]) => input.required === true)
      .map(([name]) => name)
    let steps = 0
    for (const block of exampleBlocks()) {
      for (const step of actionSteps(parseBlock(block))) {
        steps += 1
        const where = `${block.page} line ${block.line} (${step.uses})`
        for (const key of Object.keys(step.with))
          assert.ok(known.has(key), `${where}: with: names '${key}', which action.yml lacks`)
        for (const name of required)
          assert.ok(name in step.with, `${where}: with: lacks the required input '${name}'`)
      }
    }
    assert.ok(steps >= 6, `the examples use the action (${steps} steps found)`)
  })

  it('reads only outputs that exist, in every example', () => {
    const known = new Set(Object.keys(action.outputs))
    for (const block of exampleBlocks()) {
      const ids = actionSteps(parseBlock(block)).flatMap((step) => (step.id ? [step.id] : []))
      for (const id of ids) {
        for (const m of block.text.matchAll(/\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          if (m[1] !== id) continue
          assert.ok(known.has(m[2] ?? ''), `${block.page} line ${block.line}: no output '${m[2]}'`)
        }
      }
    }
  })

  it('gives every complete workflow a trigger and jobs that run steps', () => {
    for (const block of exampleBlocks()) {
      const [doc] = parseBlock(block)
      if (typeof doc !== 'object' || doc === null || !('jobs' in doc)) continue
      const workflow = doc as { on?: unknown; jobs: Record<string, Record<string, unknown>> }
      assert.ok(workflow.on, `${block.page} line ${block.line}: the workflow has on:`)
      for (const [name, job] of Object.entries(workflow.jobs)) {
        assert.ok(job['runs-on'], `${block.page} line ${block.line}: job ${name} has runs-on`)
        assert.ok(
          Array.isArray(job.steps),
          `${block.page} line ${block.line}: job ${name} has steps`
        )
      }
    }
  })
})

describe('generate-docs', () => {
  const markers = SECTIONS.map((s) => `${s.start}\nold text\n${s.end}`).join('\n\nprose\n\n')

  it('replaces only the text between the markers', async () => {
    const before = `# Title\n\nintro\n\n${markers}\n\nend\n`
    const after = await renderReadme(actionYmlText, before)
    assert.ok(after.startsWith('# Title\n\nintro\n\n<!-- inputs:start -->\n\n| Input'))
    assert.ok(after.includes('<!-- outputs:end -->\n\nend\n'))
    assert.ok(after.includes('\n\nprose\n\n'))
    assert.ok(!after.includes('old text'))
    assert.deepEqual(staleSections(before, after), ['inputs', 'outputs'])
    assert.equal(await renderReadme(actionYmlText, after), after, 'a second run changes nothing')
  })

  it('keeps a description on one line and a | inside a cell', async () => {
    const yml = [
      'inputs:',
      '  a-b:',
      '    description: >-',
      '      first line',
      '      second | line',
      '    default: x|y',
      'outputs:',
      '  out:',
      '    description: done',
      ''
    ].join('\n')
    const table = await renderReadme(yml, markers)
    assert.match(table, /\| `a-b` +\| no +\| `x\\\|y` +\| first line second \\\| line \|/)
  })

  it('names the missing marker', async () => {
    await assert.rejects(
      renderReadme(actionYmlText, '# no markers\n'),
      /<!-- inputs:start --> and <!-- inputs:end -->/
    )
  })
})

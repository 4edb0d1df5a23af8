/**
 * Regenerates the inputs and outputs tables in README.md from action.yml, so the docs cannot drift
 * from the action's real interface:
 *   node scripts/generate-docs.ts           rewrite README.md where it differs
 *   node scripts/generate-docs.ts --check   write nothing; exit 1 when README.md is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { format, resolveConfig } from 'prettier'
import type { Options } from 'prettier'
import { parse } from 'yaml'

export interface ActionInput {
  description: string
  required?: boolean
  default?: string
}

export interface ActionOutput {
  description: string
}

export interface ActionSpec {
  inputs: Record<string, ActionInput>
  outputs: Record<string, ActionOutput>
}

/** A generated part of the README: the text between its start and end markers. */
export interface Section {
  name: 'inputs' | 'outputs'
  start: string
  end: string
  render: (action: ActionSpec) => string
}

export const SECTIONS: readonly Section[] = [
  {
    name: 'inputs',
    start: '<!-- inputs:start -->',
    end: '<!-- inputs:end -->',
    render: inputsTable
  },
  {
    name: 'outputs',
    start: '<!-- outputs:start -->',
    end: '<!-- outputs:end -->',
    render: outputsTable
  }
]

/** Reads action.yml text; only the parts the tables need, checked so a typo fails loudly. */
export function parseActionYml(text: string): ActionSpec {
  const doc = parse(text) as unknown
  if (!isRecord(doc)) throw new Error('action.yml is not a YAML mapping')
  const inputs = mapping(doc.inputs, 'inputs')
  const outputs = mapping(doc.outputs, 'outputs')
  const spec: ActionSpec = { inputs: {}, outputs: {} }
  for (const [name, value] of Object.entries(inputs)) {
    const input = mapping(value, `inputs.${name}`)
    spec.inputs[name] = {
      description: description(input.description, `inputs.${name}`),
      required: input.required === true,
      default: defaultValue(input.default, `inputs.${name}.default`)
    }
  }
  for (const [name, value] of Object.entries(outputs)) {
    const output = mapping(value, `outputs.${name}`)
    spec.outputs[name] = { description: description(output.description, `outputs.${name}`) }
  }
  return spec
}

/**
 * Inputs that action.yml marks `required: false` because each may be given in one of two forms,
 * and settings.ts requires one of them: the table says which.
 */
export const REQUIRED_IN_ONE_FORM: Record<string, string> = {
  'project-id': 'one of `project-id`, `project-name`',
  'project-name': 'one of `project-id`, `project-name`',
  'api-token': '`api-token` or `HEX_API_TOKEN`'
}

/**
 * The inputs table: name, required, default, and the description's first sentence (action.yml
 * has the rest), so the table stays narrow enough to read. Not yet aligned by Prettier.
 */
export function inputsTable(action: ActionSpec): string {
  const rows = Object.entries(action.inputs).map(([name, input]) => [
    code(name),
    REQUIRED_IN_ONE_FORM[name] ?? (input.required === true ? 'yes' : 'no'),
    input.default === undefined || input.default === '' ? 'none' : code(input.default),
    cell(firstSentence(input.description))
  ])
  return table(['Input', 'Required', 'Default', 'Description'], rows)
}

/** The outputs table: name, and the description's first sentence. Not yet aligned by Prettier. */
export function outputsTable(action: ActionSpec): string {
  const rows = Object.entries(action.outputs).map(([name, output]) => [
    code(name),
    cell(firstSentence(output.description))
  ])
  return table(['Output', 'Description'], rows)
}

/**
 * The README with every generated section rendered from action.yml. Pure: the Prettier options
 * are passed in, so a test can call it without touching the file system. Each table goes through
 * Prettier (which pads the columns) so that `prettier --write .` leaves the README as it is.
 */
export async function renderReadme(
  actionYmlText: string,
  readme: string,
  prettierOptions: Options = {}
): Promise<string> {
  const action = parseActionYml(actionYmlText)
  let result = readme
  for (const section of SECTIONS) {
    const body = await format(section.render(action), {
      ...prettierOptions,
      parser: 'markdown'
    })
    result = replaceSection(result, section, body)
  }
  return result
}

/** The names of the sections whose text differs between two READMEs. */
export function staleSections(current: string, expected: string): string[] {
  return SECTIONS.filter(
    (section) => sectionText(current, section) !== sectionText(expected, section)
  ).map((section) => section.name)
}

function replaceSection(readme: string, section: Section, body: string): string {
  const { from, to } = locate(readme, section)
  return `${readme.slice(0, from)}\n\n${body.trimEnd()}\n\n${readme.slice(to)}`
}

function sectionText(readme: string, section: Section): string {
  const { from, to } = locate(readme, section)
  return readme.slice(from, to)
}

/** Where the generated text sits: after the start marker, up to the end marker. */
function locate(readme: string, section: Section): { from: number; to: number } {
  const start = readme.indexOf(section.start)
  const end = readme.indexOf(section.end)
  if (start === -1 || end === -1 || end < start)
    throw new Error(
      `README.md needs the markers ${section.start} and ${section.end}, in that order, around the ${section.name} table.`
    )
  if (readme.indexOf(section.start, start + 1) !== -1)
    throw new Error(`README.md has ${section.start} more than once.`)
  return { from: start + section.start.length, to: end }
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n') + '\n'
}

/** Up to the first full stop that ends a sentence (one followed by a capital, or the end). */
export function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return /^.*?[.!?](?= [A-Z]|$)/.exec(flat)?.[0] ?? flat
}

/** Table cell text: one line, and a `|` cannot end the cell. */
function cell(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|')
}

/** Inline code, with a fence longer than any run of backticks inside it. */
function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = '`'.repeat(longest + 1)
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${cell(text)}${pad}${fence}`
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function mapping(value: unknown, where: string): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`action.yml: ${where} must be a mapping`)
  return value
}

function description(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new Error(`action.yml: ${where} needs a description`)
  return value
}

/** The runner reads defaults as strings; YAML may have parsed `default: 30` as a number. */
function defaultValue(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw new Error(`action.yml: ${where} must be a string`)
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check')
  const root = new URL('../', import.meta.url)
  const readmeUrl = new URL('README.md', root)
  const readme = readFileSync(readmeUrl, 'utf8')
  const actionYml = readFileSync(new URL('action.yml', root), 'utf8')
  const options = (await resolveConfig(readmeUrl)) ?? {}
  const expected = await renderReadme(actionYml, readme, options)
  const stale = staleSections(readme, expected)
  if (stale.length === 0) {
    console.log('README.md is up to date with action.yml.')
    return
  }
  const what = stale.map((name) => `the ${name} table`).join(' and ')
  if (check) {
    console.error(`README.md is out of date with action.yml (${what}): run npm run docs.`)
    process.exitCode = 1
    return
  }
  writeFileSync(readmeUrl, expected)
  console.log(`README.md: rewrote ${what} from action.yml.`)
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error))
    process.exitCode = 1
  })
}

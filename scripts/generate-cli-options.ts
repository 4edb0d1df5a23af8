/**
 * Writes src/cli/options.generated.ts from action.yml: each input's name, default and the first
 * sentence of its description, from which the command line builds --help (src/cli/help.ts). The
 * bundle then carries the help text without reading action.yml, which it does not ship.
 *   npm run docs:cli             rewrite the file where it differs
 *   npm run docs:cli -- --check  write nothing; exit 1 when the file is out of date
 * A test fails when the file differs from what this writes.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { format, resolveConfig, type Options } from 'prettier'
import { parseActionYml } from './generate-docs.ts'

export const OPTIONS_FILE = new URL('../src/cli/options.generated.ts', import.meta.url)

/** The first sentence of a description, on one line: what --help shows. */
export function firstSentence(description: string): string {
  const text = description.replace(/\s+/g, ' ').trim()
  return text.split(/(?<=\.)\s+(?=[A-Z])/)[0] ?? text
}

/** The module's text for this action.yml, formatted as Prettier leaves it. */
export async function renderCliOptions(
  actionYmlText: string,
  prettierOptions: Options = {}
): Promise<string> {
  const { inputs } = parseActionYml(actionYmlText)
  const entries = Object.entries(inputs).map(([name, input]) => ({
    name,
    default: input.default ?? '',
    summary: firstSentence(input.description)
  }))
  const source = `// Generated from action.yml by scripts/generate-cli-options.ts (npm run docs:cli): do not edit.
import type { InputName } from '../action/constants.ts'

/** One input of action.yml as --help shows it. */
export interface InputSummary {
  name: InputName
  /** As action.yml declares it; '' for none. */
  default: string
  /** The first sentence of its description. */
  summary: string
}

/** Every input of action.yml, in its order. */
export const ACTION_INPUTS: readonly InputSummary[] = ${JSON.stringify(entries)}
`
  return format(source, { ...prettierOptions, parser: 'typescript' })
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check')
  const actionYml = readFileSync(new URL('../action.yml', import.meta.url), 'utf8')
  const expected = await renderCliOptions(actionYml, (await resolveConfig(OPTIONS_FILE)) ?? {})
  let current = ''
  try {
    current = readFileSync(OPTIONS_FILE, 'utf8')
  } catch {
    // Not written yet.
  }
  if (current === expected) {
    console.log('src/cli/options.generated.ts is up to date with action.yml.')
    return
  }
  if (check) {
    console.error(
      'src/cli/options.generated.ts is out of date with action.yml (--help): run npm run docs:cli.'
    )
    process.exitCode = 1
    return
  }
  writeFileSync(OPTIONS_FILE, expected)
  console.log('src/cli/options.generated.ts: rewrote the options --help shows from action.yml.')
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error))
    process.exitCode = 1
  })
}

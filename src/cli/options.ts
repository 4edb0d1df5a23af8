/**
 * The command line's options, from action.yml (through options.generated.ts): the action's inputs
 * under the same names, less the ones a GitHub runner alone gives meaning to; and what turns the
 * arguments into the values the action reads.
 */
import { parseArgs } from 'node:util'
import { errorMessage } from '../lib/errors.ts'
import { booleanValue, Input, RUNNER_ONLY_INPUTS, type InputName } from '../step/inputs.ts'
import { ACTION_INPUTS, type InputSummary } from './options.generated.ts'

/** What the arguments set: an input's value (a list for the repeatable ones), or a flag. */
export type Values = Record<string, string | boolean | string[] | undefined>

/** The inputs the command line takes; api-token among them only to refuse it by name. */
export const CLI_INPUTS: readonly InputSummary[] = ACTION_INPUTS.filter(
  (input) => !RUNNER_ONLY_INPUTS.includes(input.name)
)

/** The inputs that may be given more than once, one project each. */
export const REPEATABLE: readonly InputName[] = [Input.ProjectId, Input.ProjectName]

/** The true/false inputs: flags, --x and --no-x. */
export function isBoolean(input: InputSummary): boolean {
  return booleanValue(input.default) !== undefined
}

const BOOLEANS = new Set<string>(CLI_INPUTS.filter(isBoolean).map((input) => input.name))
const STRINGS = new Set<string>(CLI_INPUTS.filter((i) => !isBoolean(i)).map((i) => i.name))

/** The command line's own flags, beside the inputs. */
const OWN_FLAGS = {
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' }
} as const

export type ParsedArguments = { ok: true; values: Values } | { ok: false; error: string }

/**
 * Reads the arguments. A true/false input is a flag (`--wait`, `--no-wait`), and also takes the
 * value a workflow would give it (`--wait false`, `--dry-run=true`), as the action reads it.
 */
export function parseArguments(args: readonly string[]): ParsedArguments {
  const normalised = withBooleanValues(args)
  if (!normalised.ok) return normalised
  try {
    const { values } = parseArgs({
      args: normalised.args,
      allowNegative: true,
      strict: true,
      options: {
        ...Object.fromEntries(
          CLI_INPUTS.map(({ name }) => [
            name,
            BOOLEANS.has(name)
              ? { type: 'boolean' as const }
              : { type: 'string' as const, multiple: REPEATABLE.includes(name) }
          ])
        ),
        ...OWN_FLAGS
      }
    })
    return { ok: true, values }
  } catch (error) {
    return { ok: false, error: errorMessage(error) }
  }
}

/**
 * The arguments with each `--flag <true|false>` and `--flag=<true|false>` turned into `--flag` or
 * `--no-flag`; an error for any other value after a flag. A string option's value is passed over
 * whatever it is (`--input-params false` stays as it is).
 */
function withBooleanValues(
  args: readonly string[]
): { ok: true; args: string[] } | { ok: false; error: string } {
  const out: string[] = []
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string
    if (arg === '--') {
      out.push(...args.slice(i))
      break
    }
    const match = /^--(no-)?([^=]+)(?:=(.*))?$/s.exec(arg)
    const negated = match?.[1] !== undefined
    const name = match?.[2] ?? ''
    if (match && BOOLEANS.has(name)) {
      let text = match[3]
      const next = args[i + 1]
      if (text === undefined && next !== undefined && !next.startsWith('-')) {
        text = next
        i += 1
      }
      if (text === undefined) {
        out.push(arg)
        continue
      }
      const value = booleanValue(text)
      if (value === undefined)
        return {
          ok: false,
          error: `--${name} takes true or false, got '${text}': write --${name} or --no-${name}.`
        }
      out.push(value !== negated ? `--${name}` : `--no-${name}`)
      continue
    }
    out.push(arg)
    const next = args[i + 1]
    if (match && !negated && match[3] === undefined && STRINGS.has(name) && next !== undefined) {
      out.push(next)
      i += 1
    }
  }
  return { ok: true, args: out }
}

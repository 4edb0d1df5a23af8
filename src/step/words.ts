import { Input, TOKEN_ENV, type InputName } from './inputs.ts'

/**
 * How messages name what the user set and what stopped the step. The messages are written once
 * (settings, report, narrate); only these names change with the edge: a workflow's words on the
 * runner (`Input 'timeout'`, `wait is false`, "the workflow was cancelled"), the command line's
 * (`--timeout`, `--no-wait`, "interrupted") in src/cli. The edge gives its own as ActionIO.words.
 *
 * Only the action's own references to inputs go through here, never text the user gave: a value
 * that happens to be an input's name is echoed as it was.
 */
export interface Words {
  /** An input leading a sentence: `Input 'timeout'`. */
  input: (name: InputName) => string
  /** Several inputs leading a sentence: `Inputs 'view-id' and 'input-params'`. */
  inputs: (names: readonly InputName[]) => string
  /** An input inside a sentence: `'project-name'`. */
  ref: (name: InputName) => string
  /** A true/false input as it was set: `dry-run is true`, `wait is false`. */
  setting: (name: InputName, value: boolean) => string
  /** What stopped the step from outside, inside a sentence: "the workflow was cancelled". */
  stopped: string
  /** The line logged when that stop comes. */
  stopping: string
  /** The whole message when no token was given (what to do differs most between the edges). */
  noToken: string
}

/** The runner's words: inputs as a workflow's `with:` names them. */
export const RUNNER_WORDS: Words = {
  input: (name) => `Input '${name}'`,
  inputs: (names) => `Inputs '${names.join("' and '")}'`,
  ref: (name) => `'${name}'`,
  setting: (name, value) => `${name} is ${value}`,
  stopped: 'the workflow was cancelled',
  stopping: 'The runner asked the step to stop: the workflow was cancelled.',
  noToken: `Input '${Input.ApiToken}' is empty and ${TOKEN_ENV} is not set: pass a Hex API token from a secret, as api-token: \${{ secrets.HEX_API_TOKEN }} or in env as ${TOKEN_ENV}.`
}

/** The sentence with its first letter upper-cased: "The workflow was cancelled", "Interrupted". */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

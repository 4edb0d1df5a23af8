import { Input, TOKEN_ENV, type InputName } from '../step/inputs.ts'
import type { Words } from '../step/words.ts'

/** An input as the command line takes it: an option, or for the token the environment variable. */
function option(name: InputName): string {
  return name === Input.ApiToken ? TOKEN_ENV : `--${name}`
}

/**
 * The command line's words for the action's messages (see step/words.ts): `--timeout must be a
 * duration ...` where the runner says `Input 'timeout' must be ...`, `--no-wait` for `wait is
 * false`, and "interrupted" (Ctrl-C or SIGTERM) for "the workflow was cancelled".
 */
export const CLI_WORDS: Words = {
  input: option,
  inputs: (names) => names.map(option).join(' and '),
  ref: option,
  setting: (name, value) => (value ? `--${name}` : `--no-${name}`),
  stopped: 'interrupted',
  stopping: 'Interrupted: no longer waiting for the run.',
  noToken: `${TOKEN_ENV} is not set: export a Hex API token in it (the command line takes the token from there only).`
}

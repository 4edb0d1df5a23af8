/**
 * The command's usage and --help, built from action.yml's inputs (options.generated.ts): every
 * option the command takes, with its default, and the inputs it does not take, with why.
 */
import { Input, RUNNER_ONLY_INPUTS, TOKEN_ENV, type InputName } from '../step/inputs.ts'
import { CLI_INPUTS, isBoolean, REPEATABLE } from './options.ts'
import { ACTION_INPUTS, type InputSummary } from './options.generated.ts'

/** Exit codes: as the step's result, plus usage errors and a stop (128 + the signal's number). */
export const ExitCode = { Ok: 0, Failed: 1, Usage: 2, Interrupted: 130, Terminated: 143 } as const

const WIDTH = 80
const INDENT = '      '

/** What an option's value looks like, where `<value>` would say too little. */
const PLACEHOLDER: Partial<Record<InputName, string>> = {
  [Input.ProjectId]: '<uuid>',
  [Input.ProjectName]: '<title>',
  [Input.RunId]: '<uuid>',
  [Input.InputParams]: '<json>',
  [Input.Timeout]: '<duration>',
  [Input.PollInterval]: '<duration>',
  [Input.RequestTimeout]: '<duration>',
  [Input.ApiUrl]: '<url>',
  [Input.ViewId]: '<uuid>',
  [Input.Notifications]: '<json>',
  [Input.MaxParallel]: '<n>',
  [Input.RetryUnallocated]: '<n>'
}

/**
 * Where action.yml's first sentence speaks of a workflow and its steps, what the option does on
 * the command line instead. The rest of --help is action.yml's own words.
 */
const ON_THE_COMMAND_LINE: Partial<Record<InputName, string>> = {
  [Input.RunId]:
    'Wait for this run, already started (for example by an earlier --no-wait), instead of triggering one.',
  [Input.CancelOnWorkflowCancel]: 'Cancel the Hex runs on Ctrl-C or SIGTERM.',
  [Input.FailOnRunFailure]: 'Exit 1 unless every run ends COMPLETED.'
}

/** The first lines: how the command is called. */
export const USAGE = `Usage: hex-run-action (--project-id <id> | --project-name <title>)... [options]

Runs published Hex projects through the Hex API and waits for them, as the
GitHub Action does. The API token is read from ${TOKEN_ENV}.`

/** --help: the usage, every option with its default, what is not taken, Ctrl-C, exit codes. */
export function helpText(): string {
  const options = CLI_INPUTS.filter((input) => input.name !== Input.ApiToken)
  const notTaken = ACTION_INPUTS.filter(
    (input) => input.name === Input.ApiToken || RUNNER_ONLY_INPUTS.includes(input.name)
  )
  const runnerOnly = notTaken.filter((input) => input.name !== Input.ApiToken)
  return [
    USAGE,
    '',
    "Options: the action's inputs (action.yml), each checked as the action checks it.",
    ...options.flatMap(optionLines),
    ...entry('--verbose', 'Log every request to Hex (method, URL, status, time) and each trigger.'),
    ...entry('--version', 'Print the version and exit.'),
    ...entry('--help, -h', 'Print this text and exit.'),
    '',
    'Not taken on the command line:',
    ...entry(
      `--${Input.ApiToken}`,
      `Other users of the machine could read it in the process list: set ${TOKEN_ENV} instead.`
    ),
    ...entry(
      runnerOnly.map((input) => `--${input.name}`).join(', '),
      'Commit statuses and the pull-request comment need a GitHub Actions job (its repository, event and token).'
    ),
    '',
    ...wrap(
      'A true/false option also takes a value, as the action does: --wait false is --no-wait, --dry-run=true is --dry-run.',
      ''
    ),
    ...wrap(
      `Ctrl-C cancels the runs in Hex (unless --no-${Input.CancelOnWorkflowCancel}) and exits ${ExitCode.Interrupted}; a second Ctrl-C exits at once.`,
      ''
    ),
    ...wrap(
      `Exit status: ${ExitCode.Ok} when every run completed (or as --no-wait, --dry-run and --no-${Input.FailOnRunFailure} allow), ${ExitCode.Failed} when one did not or an option's value was refused, ${ExitCode.Usage} for a usage error, ${ExitCode.Interrupted} on Ctrl-C, ${ExitCode.Terminated} on SIGTERM.`,
      ''
    )
  ].join('\n')
}

function optionLines(input: InputSummary): string[] {
  const { name } = input
  const summary = ON_THE_COMMAND_LINE[name] ?? input.summary
  if (isBoolean(input)) {
    return entry(
      `--${name} / --no-${name}`,
      summary,
      `default ${input.default === 'true' ? 'on' : 'off'}`
    )
  }
  const form = `--${name} ${PLACEHOLDER[name] ?? '<value>'}`
  if (REPEATABLE.includes(name)) return entry(form, summary, 'repeat for several')
  return entry(form, summary, input.default === '' ? 'no default' : `default ${input.default}`)
}

/** One option: its form and a note on the first line, what it does wrapped below. */
function entry(form: string, text: string, note?: string): string[] {
  return [`  ${form}${note ? `  (${note})` : ''}`, ...wrap(text, INDENT)]
}

function wrap(text: string, indent: string): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line !== '' && indent.length + line.length + 1 + word.length > WIDTH) {
      lines.push(indent + line)
      line = word
    } else {
      line = line === '' ? word : `${line} ${word}`
    }
  }
  if (line !== '') lines.push(indent + line)
  return lines
}

/**
 * hex-run-action as a command: `npx hex-run-action --project-id <uuid> [options]`. The same core
 * as the action (settings, client, polling, retries, cancellation); only the edge differs: inputs
 * come from the command line, the token from HEX_API_TOKEN, and the result is plain text.
 * src/cli/index.ts is the program that runs it.
 */
import { parseArgs } from 'node:util'
import {
  Defaults,
  Input,
  RUNNER_ONLY_INPUTS,
  TOKEN_ENV,
  type InputName
} from '../action/constants.ts'
import { run } from '../action/main.ts'
import { processRuntime, type Runtime } from '../lib/runtime.ts'
import { TerminalIO, type CliStreams } from './terminal-io.ts'

/** Exit codes: as the step's result, plus usage errors and an interrupt (128 + SIGINT). */
export const ExitCode = { Ok: 0, Failed: 1, Usage: 2, Interrupted: 130, Terminated: 143 } as const

const USAGE = `Usage: hex-run-action --project-id <uuid> [--project-id <uuid> ...] [options]

Runs published Hex projects through the Hex API and waits for them, as the GitHub Action
does. The API token is read from ${TOKEN_ENV}.

Options are the action's inputs (see its README), for example:
  --project-id <uuid>         a project to run; repeat for several
  --project-name <title>      or find it by title; repeat for several
  --run-id <uuid>             wait for a run already started instead of triggering one
  --input-params <json>       input parameters, e.g. '{"region": "emea"}'
  --timeout <duration>        longest wait, e.g. 90s, 30m, 1h30m (default ${Defaults[Input.Timeout]})
  --api-url <url>             another Hex host, e.g. https://eu.hex.tech
  --no-wait                   trigger and return at once
  --no-cancel-on-timeout      leave the run going when the timeout passes
  --max-parallel <n>          runs going at once with several projects (default ${Defaults[Input.MaxParallel]})
  --fail-fast                 cancel the rest when one run fails
  --verbose                   log every request
  --help                      this text

Ctrl-C cancels the runs in Hex and exits ${ExitCode.Interrupted}; a second Ctrl-C exits at once.
Exit status: as the action's step: 0 when it would succeed (every run completed, or as
--no-fail-on-run-failure and --no-wait allow), 1 when it would fail, 2 for a usage error.`

const MULTIPLE: InputName[] = [Input.ProjectId, Input.ProjectName]
const BOOLEANS = (Object.entries(Defaults) as [InputName, string][])
  .filter(([, value]) => value === 'true' || value === 'false')
  .map(([name]) => name)

/** Runs the command with these arguments; resolves to its exit code. Tests pass their own runtime. */
export async function main(
  args: string[],
  streams: CliStreams,
  signal?: AbortSignal,
  runtime: Runtime = processRuntime
): Promise<number> {
  let values: Record<string, string | boolean | string[] | undefined>
  try {
    values = parseArgs({
      args,
      allowNegative: true,
      strict: true,
      options: {
        ...Object.fromEntries(
          // Commit statuses need a GitHub runner's repository, event and token: not taken here.
          Object.values(Input)
            .filter((name) => !RUNNER_ONLY_INPUTS.includes(name))
            .map((name) => [
              name,
              BOOLEANS.includes(name)
                ? { type: 'boolean' as const }
                : { type: 'string' as const, multiple: MULTIPLE.includes(name) }
            ])
        ),
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' }
      }
    }).values
  } catch (error) {
    streams.err(`hex-run-action: ${error instanceof Error ? error.message : String(error)}\n`)
    streams.err(`Run hex-run-action --help for the options.\n`)
    return ExitCode.Usage
  }
  if (values.help === true) {
    streams.out(`${USAGE}\n`)
    return ExitCode.Ok
  }
  if (values[Input.ApiToken] !== undefined) {
    streams.err(
      `hex-run-action: --api-token is not taken on the command line, where other users could see it in the process list: set ${TOKEN_ENV} instead.\n`
    )
    return ExitCode.Usage
  }

  const io = new TerminalIO(values, values.verbose === true, streams)
  await run(io, runtime, signal)
  io.printResult()
  if (signal?.aborted)
    return signal.reason === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted
  return io.failed ? ExitCode.Failed : ExitCode.Ok
}

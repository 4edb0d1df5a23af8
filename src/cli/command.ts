/**
 * hex-run-action as a command: `hex-run-action --project-id <uuid> [options]`. The same core as
 * the action (settings, client, polling, retries, cancellation); only the edge differs: inputs
 * come from the command line, the token from HEX_API_TOKEN, the messages use the command line's
 * words (words.ts), and the result is plain text. src/cli/index.ts is the program that runs it.
 */
import { readFileSync } from 'node:fs'
import { processRuntime, type Runtime } from '../lib/runtime.ts'
import { Input, TOKEN_ENV } from '../step/inputs.ts'
import { stepSucceeded } from '../step/result.ts'
import { runStep } from '../step/run-step.ts'
import { readToken } from '../step/settings.ts'
import { ExitCode, helpText, USAGE } from './help.ts'
import { parseArguments } from './options.ts'
import { Terminal, type CliStreams } from './terminal.ts'

export { ExitCode } from './help.ts'

const SEE_HELP = 'Run hex-run-action --help for the options.'

/** Runs the command with these arguments; resolves to its exit code. Tests pass their own runtime. */
export async function main(
  args: string[],
  streams: CliStreams,
  signal?: AbortSignal,
  runtime: Runtime = processRuntime
): Promise<number> {
  if (args.length === 0) {
    streams.err(`${USAGE}\n\n${SEE_HELP}\n`)
    return ExitCode.Usage
  }
  const parsed = parseArguments(args)
  if (!parsed.ok) {
    streams.err(`hex-run-action: ${parsed.error}\n${SEE_HELP}\n`)
    return ExitCode.Usage
  }
  const { values } = parsed
  if (values.help === true) {
    streams.out(`${helpText()}\n`)
    return ExitCode.Ok
  }
  if (values.version === true) {
    streams.out(`hex-run-action ${packageVersion(import.meta.url)}\n`)
    return ExitCode.Ok
  }
  if (values[Input.ApiToken] !== undefined) {
    streams.err(
      `hex-run-action: --api-token is not taken on the command line, where other users could see it in the process list: set ${TOKEN_ENV} instead.\n`
    )
    return ExitCode.Usage
  }

  const terminal = new Terminal(values, values.verbose === true, streams)
  terminal.addSecret(readToken(terminal.getInput, runtime.env))
  const result = await runStep({ io: terminal, runtime, signal })
  terminal.printResult(result)
  if (signal?.aborted)
    return signal.reason === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted
  return stepSucceeded(result) ? ExitCode.Ok : ExitCode.Failed
}

/**
 * package.json's version, read when asked: two folders up from this module both in src/cli/ and in
 * the bundle's dist/cli/, and npm ships package.json in every install. The module's URL comes in
 * as an argument because ncc, seeing the path whole, would copy the file into the bundle as an
 * asset at build time (freezing the version, and overwriting dist/cli/package.json).
 */
function packageVersion(moduleUrl: string): string {
  const file = new URL('../../package.json', moduleUrl)
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
}

/** The command-line program (bin/hex-run-action.js runs this bundle); see command.ts. */
import { ExitCode, main } from './command.ts'

const stop = new AbortController()
process.on('SIGINT', () => {
  if (stop.signal.aborted) process.exit(ExitCode.Interrupted)
  process.stderr.write('Stopping (Ctrl-C again to quit at once)...\n')
  stop.abort('SIGINT')
})
process.on('SIGTERM', () => stop.abort('SIGTERM'))
process.exitCode = await main(
  process.argv.slice(2),
  { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) },
  stop.signal
)

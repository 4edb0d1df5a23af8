import { State } from './action/constants.ts'
import { coreIO } from './action/io.ts'
import { run } from './action/main.ts'
import { githubStatuses } from './github/statuses.ts'
import { processRuntime } from './lib/runtime.ts'

// Commit statuses are the action's alone: given here, so the command line never bundles Octokit.
const services = { statuses: githubStatuses }

// One bundle serves both steps: the main step leaves isPost in the state for the post step. The
// post step's code is imported only here (ncc puts it in a chunk of its own), so the main step's
// start-up never parses it.
if (coreIO.getState(State.IsPost) === 'true') {
  const { post } = await import('./action/post.ts')
  await post({ io: coreIO, runtime: processRuntime, services })
} else {
  // The runner stops a step with SIGINT, then SIGTERM 7.5 s later, then kills it 2.5 s after that.
  // The first signal stops the wait; the run is cancelled and reported before the kill.
  const shutdown = new AbortController()
  const stop = (signal: NodeJS.Signals): void => {
    if (shutdown.signal.aborted) return
    coreIO.info(`Received ${signal}: stopping.`)
    shutdown.abort()
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  await run({ io: coreIO, runtime: processRuntime, signal: shutdown.signal, services })
}

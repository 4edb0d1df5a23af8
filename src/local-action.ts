/**
 * The entry `npm run local-action` runs (@github/local-action calls its `run()`): the action's main
 * step with the same services as dist/index.js, commit statuses included.
 */
import { coreIO } from './action/io.ts'
import { run as runMain } from './action/main.ts'
import { githubStatuses } from './github/statuses.ts'
import { processRuntime } from './lib/runtime.ts'

export function run(): Promise<void> {
  return runMain({ io: coreIO, runtime: processRuntime, services: { statuses: githubStatuses } })
}

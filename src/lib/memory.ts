/**
 * Memory on a long wait. A step that polls every few seconds allocates little, but some of each
 * read's objects (its answer, undici's request and timing records) outlive a young-generation
 * collection and move to V8's old generation, where they stay, dead, until a full collection.
 * V8 starts one only when the old generation reaches a limit that a poller takes hours to reach,
 * so the process's memory grows by about 0.2 MiB a minute of waiting (`npm run bench -- --soak`:
 * +5.2 MiB in 25 minutes); a full collection gives it back. So the step asks for one every five
 * minutes while its runs go on (step/collecting.ts, on the step's clock): +0.2 to +0.7 MiB in 25
 * minutes.
 *
 * Node has no call that only collects (global.gc needs --expose-gc, which an action cannot pass
 * to the runner's node). vm.measureMemory with execution 'eager' is the documented way to make
 * V8 run a full collection now (it measures after one); its answer is not needed.
 */
import { measureMemory } from 'node:vm'
import { warningField, withoutWarning } from './warnings.ts'

/** Starts one full garbage collection and returns; never throws. */
export function collectGarbage(): void {
  try {
    withoutWarning(isMeasureMemoryWarning, () => measureMemory({ execution: 'eager' })).catch(
      () => undefined
    )
  } catch {
    // A Node without it (or that changed it): the memory stays as it would have, nothing else.
  }
}

/**
 * vm.measureMemory is marked experimental: Node warns once per process, on stderr, which would
 * land in the job log as a stray line about a detail of the action. Only that warning is held back.
 */
function isMeasureMemoryWarning(warning: unknown, typeOrOptions: unknown): boolean {
  return (
    warningField(typeOrOptions, 'type') === 'ExperimentalWarning' &&
    String(warning).startsWith('vm.measureMemory')
  )
}

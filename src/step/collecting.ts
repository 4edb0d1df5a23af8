/**
 * A long wait's memory (lib/memory.ts): while the step's runs go on, one full garbage collection
 * every few minutes, on the step's clock, so that the garbage of its status reads does not pile up
 * in V8's old generation for the whole wait. Nothing happens for a step shorter than that, or on a
 * runtime without a collector (tests), and nothing outlives the runs.
 */
import type { Runtime } from '../lib/runtime.ts'

/** Between two collections, and before the first: past the start's and the first reads' garbage. */
export const COLLECT_EVERY_MS = 5 * 60_000

/** Runs `work`; while it goes on, runtime.collectGarbage() every COLLECT_EVERY_MS. */
export async function collectingWhile<T>(
  runtime: Pick<Runtime, 'sleep' | 'collectGarbage'>,
  work: () => Promise<T>
): Promise<T> {
  const collect = runtime.collectGarbage
  if (collect === undefined) return work()
  const over = new AbortController()
  const collections = (async () => {
    for (;;) {
      await runtime.sleep(COLLECT_EVERY_MS, over.signal)
      if (over.signal.aborted) return
      collect()
    }
  })()
  try {
    return await work()
  } finally {
    over.abort()
    await collections
  }
}

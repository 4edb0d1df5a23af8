import type { Clock } from '../lib/runtime.ts'

/**
 * A request in flight when the workflow is cancelled gets this long to finish: a trigger that
 * completes can then be cancelled by its run id, where an abandoned one might leave a run behind.
 */
export const SHUTDOWN_GRACE_MS = 3_000

/**
 * Sends a request that `stop` abandons only `graceMs` after it aborts, counted on the clock. Once
 * the request is over, the grace is dropped: no timer is left behind. Without `stop`, nothing
 * abandons it.
 */
export async function withGrace<T>(
  clock: Pick<Clock, 'sleep'>,
  stop: AbortSignal | undefined,
  graceMs: number,
  send: (signal?: AbortSignal) => Promise<T>
): Promise<T> {
  if (stop === undefined) return send(undefined)
  const over = new AbortController()
  const grace = new AbortController()
  const expire = (): void => {
    void clock.sleep(graceMs, over.signal).then(() => {
      if (!over.signal.aborted) grace.abort()
    })
  }
  stop.addEventListener('abort', expire, { once: true, signal: over.signal })
  try {
    return await send(grace.signal)
  } finally {
    over.abort()
  }
}

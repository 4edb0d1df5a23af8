/**
 * A signal for one piece of work that aborts when either of two others does, and lets go of them
 * when the work is over.
 *
 * Not AbortSignal.any: Node (24) keeps every signal AbortSignal.any made from a long-lived one (the
 * step's stop signal) in that signal's list of dependants for as long as something listens to it,
 * and fetch listens to the signal of its request. One per request, that list (and what each entry
 * holds) grows for as long as the step waits, a few kB a status read.
 */
export interface LinkedSignal {
  signal: AbortSignal
  /** Removes the listeners on the two signals: call it when the work is over, whatever its end. */
  release: () => void
}

/**
 * Aborts with `first`'s reason when it aborts, or `second`'s; if both already have, `first`'s (as
 * AbortSignal.any([first, second]) would).
 */
export function linkedSignal(first: AbortSignal, second: AbortSignal): LinkedSignal {
  const controller = new AbortController()
  const onFirst = (): void => controller.abort(first.reason)
  const onSecond = (): void => controller.abort(second.reason)
  const release = (): void => {
    first.removeEventListener('abort', onFirst)
    second.removeEventListener('abort', onSecond)
  }
  if (first.aborted) onFirst()
  else if (second.aborted) onSecond()
  else {
    first.addEventListener('abort', onFirst, { once: true })
    second.addEventListener('abort', onSecond, { once: true })
  }
  return { signal: controller.signal, release }
}

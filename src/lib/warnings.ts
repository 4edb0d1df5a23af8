/**
 * Node's process warnings that would land in the job log as stray stderr lines about details of
 * the action's own dependencies, held back one call at a time: every other warning still shows.
 */

/** What process.emitWarning was called with: the warning, then a type or an options object. */
type WarningArgs = [warning: unknown, typeOrOptions?: unknown, ...rest: unknown[]]

/** Runs `call` with the warnings `held` picks out held back; the rest are emitted as usual. */
export function withoutWarning<T>(held: (...args: WarningArgs) => boolean, call: () => T): T {
  const original = Object.getOwnPropertyDescriptor(process, 'emitWarning')
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void
  process.emitWarning = (...args: unknown[]) => {
    if (!held(...(args as WarningArgs))) emit(...args)
  }
  try {
    return call()
  } finally {
    if (original) Object.defineProperty(process, 'emitWarning', original)
  }
}

/** The type or code given with a warning: `emitWarning(w, 'Type')` or `emitWarning(w, { type, code })`. */
export function warningField(typeOrOptions: unknown, field: 'type' | 'code'): unknown {
  if (typeof typeOrOptions === 'string') return field === 'type' ? typeOrOptions : undefined
  return (typeOrOptions as Record<string, unknown> | null | undefined)?.[field]
}

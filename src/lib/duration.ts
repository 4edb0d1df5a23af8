const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000 } as const

/** `1h30m`, `90s`, `2h`, `1h 5m 3s`, or a bare number of seconds (`600`, `2.5`). */
const DURATION = /^(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+(?:\.\d+)?)m)?\s*(?:(\d+(?:\.\d+)?)s)?$/i
const BARE_SECONDS = /^\d+(?:\.\d+)?$/

/** A bare number, which the duration inputs read as seconds. */
export function isBareSeconds(text: string): boolean {
  return BARE_SECONDS.test(text.trim())
}

/**
 * Parses a duration as the timeout and poll-interval inputs accept it.
 * Returns milliseconds, or undefined when the text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const value = text.trim()
  if (value === '') return undefined
  if (BARE_SECONDS.test(value)) return Math.round(Number(value) * UNIT_MS.s)
  const match = DURATION.exec(value)
  if (!match) return undefined
  const [, h, m, s] = match
  if (h === undefined && m === undefined && s === undefined) return undefined
  const ms = Number(h ?? 0) * UNIT_MS.h + Number(m ?? 0) * UNIT_MS.m + Number(s ?? 0) * UNIT_MS.s
  return Math.round(ms)
}

/** Formats milliseconds for a log line: `850ms`, `4.2s`, `2m 5s`, `1h 0m 12s`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))}ms`
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`
  const totalSeconds = Math.floor(ms / 1_000)
  const h = Math.floor(totalSeconds / 3_600)
  const m = Math.floor((totalSeconds % 3_600) / 60)
  const s = totalSeconds % 60
  return h > 0 ? `${h}h ${m}m ${s}s` : `${m}m ${s}s`
}

import type { WindowCount } from './rate-limit.ts'
import type { HeaderLie, RateHeaderMode } from './types.ts'

/** The figures the headers carry, in the units the mode writes. */
interface Figures {
  limit: number
  remaining: number
  /** Epoch seconds (x-ratelimit) or seconds from now (the IETF draft's fields). */
  reset: number
}

/** Hex's windows are a minute long (RateLimit-Policy's `w`). */
const WINDOW_S = 60
const HUGE = 9_007_199_254_740_991_000
const HOUR_S = 60 * 60
const YEAR_S = 365 * 24 * HOUR_S

/** Writes the reset as epoch seconds: only the X-RateLimit-* headers do. */
function epochReset(mode: RateHeaderMode): boolean {
  return mode === 'x-ratelimit'
}

function truthful(mode: RateHeaderMode, count: WindowCount, t: number): Figures {
  const resetS = epochReset(mode)
    ? Math.ceil(count.endsAt / 1000)
    : Math.max(0, Math.ceil((count.endsAt - t) / 1000))
  return { limit: count.limit, remaining: Math.max(0, count.limit - count.count), reset: resetS }
}

function lied(
  figures: Figures,
  lie: HeaderLie,
  mode: RateHeaderMode,
  count: WindowCount,
  t: number
): Figures {
  const nowS = Math.floor(t / 1000)
  switch (lie) {
    case 'negative':
      return {
        ...figures,
        remaining: -Math.max(1, figures.remaining),
        reset: -Math.max(1, figures.reset)
      }
    case 'huge':
      return { limit: HUGE, remaining: HUGE, reset: HUGE }
    case 'reset-past':
      return { ...figures, reset: nowS - HOUR_S }
    case 'reset-year':
      return { ...figures, reset: epochReset(mode) ? nowS + YEAR_S : YEAR_S }
    case 'remaining-rising':
      return { ...figures, remaining: count.count }
  }
}

/**
 * The rate-limit headers of one answer in `mode`, for a window that has just counted it; `policy`
 * names the limit where the mode names one (Hex's group: `hex-api` for reads, `hex-run-kernel`
 * for RunProject). No Retry-After: a 429 adds its own.
 */
export function rateHeaders(
  mode: RateHeaderMode,
  count: WindowCount,
  t: number,
  policy: string,
  lie?: HeaderLie
): Record<string, string> {
  if (mode === 'none') return {}
  const honest = truthful(mode, count, t)
  const { limit, remaining, reset } = lie === undefined ? honest : lied(honest, lie, mode, count, t)
  switch (mode) {
    case 'x-ratelimit':
      return {
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': String(remaining),
        'x-ratelimit-reset': String(reset)
      }
    case 'ratelimit':
      return {
        'ratelimit-limit': String(limit),
        'ratelimit-remaining': String(remaining),
        'ratelimit-reset': String(reset)
      }
    case 'ratelimit-policy':
      return {
        ratelimit: `"${policy}";r=${remaining};t=${reset}`,
        'ratelimit-policy': `"${policy}";q=${limit};w=${WINDOW_S}`
      }
  }
}

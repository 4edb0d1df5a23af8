import { rateHeaders } from './rate-headers.ts'
import { retryAfter, TokenWindows } from './rate-limit.ts'
import type { RateVerdict } from './rate-limit.ts'
import type { FakeLimits, HeaderLie, RateHeaderMode } from './types.ts'

/** Hex's per-token limits, as its API overview and reference document them. */
export const DEFAULT_LIMITS = {
  readsPerMinute: 30,
  triggersPerMinute: 20,
  kernelsPerToken: 25,
  headers: 'x-ratelimit'
} as const satisfies FakeLimits

const HEADER_MODES: readonly RateHeaderMode[] = [
  'x-ratelimit',
  'ratelimit',
  'ratelimit-policy',
  'none'
]
const LIES: readonly HeaderLie[] = [
  'negative',
  'huge',
  'reset-past',
  'reset-year',
  'remaining-rising'
]

/** Hex's names for the two limit groups, which the `ratelimit-policy` headers carry. */
const READ_POLICY = 'hex-api'
const TRIGGER_POLICY = 'hex-run-kernel'

/**
 * The limits mode (FakeHexOptions.limits): a read window and a trigger window per token, and the
 * most runs a token may have going. Checked at start, so that a bad config fails there.
 */
export class Limits {
  readonly kernelsPerToken: number
  readonly #reads: TokenWindows
  readonly #triggers: TokenWindows
  readonly #headers: RateHeaderMode
  readonly #lie: HeaderLie | undefined

  constructor(options: FakeLimits) {
    if (typeof options !== 'object' || options === null || Array.isArray(options))
      throw new Error('fake-hex: limits must be an object ({} for Hex as documented)')
    const { headers = DEFAULT_LIMITS.headers, lie } = options
    if (!HEADER_MODES.includes(headers))
      throw new Error(`fake-hex: limits.headers must be one of ${HEADER_MODES.join(', ')}`)
    if (lie !== undefined && !LIES.includes(lie))
      throw new Error(`fake-hex: limits.lie must be one of ${LIES.join(', ')}`)
    if (lie !== undefined && headers === 'none')
      throw new Error('fake-hex: limits.lie needs headers to lie in, not headers: none')
    this.#reads = new TokenWindows(
      options.readsPerMinute ?? DEFAULT_LIMITS.readsPerMinute,
      'limits.readsPerMinute'
    )
    this.#triggers = new TokenWindows(
      options.triggersPerMinute ?? DEFAULT_LIMITS.triggersPerMinute,
      'limits.triggersPerMinute'
    )
    const kernels = options.kernelsPerToken ?? DEFAULT_LIMITS.kernelsPerToken
    if (!Number.isInteger(kernels) || kernels < 0)
      throw new Error('fake-hex: limits.kernelsPerToken must be a whole number of at least 0')
    this.kernelsPerToken = kernels
    this.#headers = headers
    this.#lie = lie
  }

  /** Counts a read (any route but RunProject) of `token` at `t`. */
  read(token: string, t: number): RateVerdict {
    return this.#verdict(this.#reads, READ_POLICY, token, t)
  }

  /** Counts a RunProject of `token` at `t`. */
  trigger(token: string, t: number): RateVerdict {
    return this.#verdict(this.#triggers, TRIGGER_POLICY, token, t)
  }

  #verdict(windows: TokenWindows, policy: string, token: string, t: number): RateVerdict {
    const count = windows.take(token, t)
    const headers = rateHeaders(this.#headers, count, t, policy, this.#lie)
    if (count.limited) Object.assign(headers, retryAfter(count, t))
    return { limited: count.limited, headers }
  }
}

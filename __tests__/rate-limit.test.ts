/**
 * What an answer says of Hex's rate limit (src/hex/rate-limit.ts), in each form of header Hex or a
 * gateway in front of it may use, and what is not believed.
 */
import assert from 'node:assert/strict'
import { describe, it } from '@jest/globals'
import { readRateLimit } from '../src/hex/rate-limit.ts'

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0)
const read = (headers: Record<string, string>, status = 200) =>
  readRateLimit('status', status, new Headers(headers), status === 429 ? 20_000 : undefined, NOW)

describe('readRateLimit', () => {
  it('reads X-RateLimit-* with the reset as a time, and RateLimit-* with it in seconds', () => {
    assert.deepEqual(
      read({
        'x-ratelimit-limit': '30',
        'x-ratelimit-remaining': '12',
        'x-ratelimit-reset': String(NOW / 1000 + 41)
      }),
      { operation: 'status', limit: 30, remaining: 12, resetInMs: 41_000 }
    )
    assert.deepEqual(
      read({ 'ratelimit-limit': '60', 'ratelimit-remaining': '0', 'ratelimit-reset': '7' }),
      { operation: 'status', limit: 60, remaining: 0, resetInMs: 7_000 }
    )
  })

  it("reads the draft's combined RateLimit header, and its structured form with the policy", () => {
    assert.deepEqual(read({ ratelimit: 'limit=30, remaining=29, reset=31' }), {
      operation: 'status',
      limit: 30,
      remaining: 29,
      resetInMs: 31_000
    })
    assert.deepEqual(
      read({ ratelimit: '"hex-api";r=4;t=9', 'ratelimit-policy': '"hex-api";q=30;w=60' }),
      { operation: 'status', limit: 30, remaining: 4, resetInMs: 9_000 }
    )
  })

  it('says a 429 was one, with its Retry-After, headers or none', () => {
    assert.deepEqual(read({}, 429), { operation: 'status', limited: { retryAfterMs: 20_000 } })
    assert.equal(read({}), undefined)
    // To a trigger, a 503 is Hex's limit of running kernels; to a read, a server error.
    assert.deepEqual(readRateLimit('trigger', 503, new Headers(), undefined, NOW), {
      operation: 'trigger',
      limited: { retryAfterMs: undefined, kernels: true }
    })
    assert.equal(read({}, 503), undefined)
  })

  it('believes no negative count, no reset in the past or beyond a day, no endless digits', () => {
    assert.equal(read({ 'x-ratelimit-remaining': '-3', 'x-ratelimit-reset': '-1' }), undefined)
    assert.equal(read({ 'x-ratelimit-reset': String(NOW / 1000 - 3_600) }), undefined)
    assert.equal(read({ 'x-ratelimit-reset': String(NOW / 1000 + 365 * 86_400) }), undefined)
    assert.equal(read({ 'x-ratelimit-remaining': '9'.repeat(40) }), undefined)
    assert.equal(read({ 'ratelimit-remaining': 'lots', ratelimit: 'nonsense' }), undefined)
  })
})

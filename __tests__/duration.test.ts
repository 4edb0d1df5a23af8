import assert from 'node:assert/strict'
import { describe, it } from '@jest/globals'
import { formatDuration, parseDuration } from '../src/lib/duration.ts'

describe('parseDuration', () => {
  const cases: [string, number][] = [
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['2h', 7_200_000],
    ['1h5m3s', 3_903_000],
    ['600', 600_000],
    ['2.5', 2_500],
    ['1.5h', 5_400_000],
    ['5S', 5_000],
    ['  45s ', 45_000]
  ]
  for (const [text, ms] of cases) {
    it(`reads '${text}' as ${ms} ms`, () => assert.equal(parseDuration(text), ms))
  }
  for (const text of ['', 'abc', '1d', '-5s', '5 minutes', 'h', '1m1h', '1h30', 'ms']) {
    it(`refuses '${text}'`, () => assert.equal(parseDuration(text), undefined))
  }
})

describe('formatDuration', () => {
  it('formats each range', () => {
    assert.equal(formatDuration(850), '850ms')
    assert.equal(formatDuration(4_250), '4.2s')
    assert.equal(formatDuration(125_000), '2m 5s')
    assert.equal(formatDuration(3_612_000), '1h 0m 12s')
  })
})

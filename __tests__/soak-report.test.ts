/**
 * The soak's table (scripts/bench/soak.ts, `npm run bench -- --soak`): the figures it prints come
 * from the samples as they say, each the median of one minute's samples, so a reader can take the
 * growth and its two parts at their word. Synthetic samples, no process.
 */
import assert from 'node:assert/strict'
import { describe, it } from '@jest/globals'
import { renderSoak, type RssSample, type SoakResult } from '../scripts/bench/soak.ts'

const MIB = 1024

/** A sample every 10 s for `minutes`, anon and file as the given functions of the minute. */
function samples(
  minutes: number,
  anon: (minute: number) => number,
  file: (minute: number) => number
): RssSample[] {
  const out: RssSample[] = []
  for (let atMs = 10_000; atMs <= minutes * 60_000; atMs += 10_000) {
    const minute = atMs / 60_000
    const anonKiB = anon(minute) * MIB
    const fileKiB = file(minute) * MIB
    out.push({ atMs, anonKiB, fileKiB, rssKiB: anonKiB + fileKiB })
  }
  return out
}

function result(minutes: number, list: RssSample[]): SoakResult {
  return {
    minutes,
    pollInterval: '5s',
    samples: list,
    statusReads: minutes * 12,
    statusReadsLastMinute: 12,
    maxRssKiB: undefined,
    exited: { code: 1, signal: null, exitedAt: 0, log: '' }
  }
}

const row = (table: string, name: string): string =>
  table.split('\n').find((line) => line.startsWith(`| ${name} |`)) ?? ''

describe('the soak table', () => {
  it("a one-time step in RssFile (the optimising compiler's code) shows after minute 2, not after minute 5", () => {
    // anon flat at 33 MiB; the binary's pages step from 50 to 52.5 MiB at minute 3.
    const table = renderSoak(
      result(
        10,
        samples(
          10,
          () => 33,
          (m) => (m > 3 ? 52.5 : 50)
        )
      )
    )
    assert.match(
      row(table, 'Growth after minute 2'),
      /\| \+2\.5 MiB \|.*\*\*met\*\*.*anon \+0\.0 MiB.*file \+2\.5 MiB/
    )
    assert.match(
      row(table, 'Growth after minute 5'),
      /\| \+0\.0 MiB \|.*anon \+0\.0 MiB, file \+0\.0 MiB/
    )
  })

  it('steady growth of the process memory shows in both, and misses the target past 3 MiB', () => {
    const table = renderSoak(
      result(
        25,
        samples(
          25,
          (m) => 33 + 0.2 * m,
          () => 50
        )
      )
    )
    // Minute medians: minute 2 ≈ 33.3, minute 5 ≈ 33.9, minute 25 ≈ 37.9 MiB.
    assert.match(row(table, 'Growth after minute 2'), /\| \+4\.6 MiB \|.*\*\*not met\*\*/)
    assert.match(row(table, 'Growth after minute 5'), /\| \+4\.0 MiB \|/)
  })

  it('a short soak has no row past the warm-up', () => {
    const table = renderSoak(
      result(
        5,
        samples(
          5,
          () => 33,
          () => 50
        )
      )
    )
    assert.equal(row(table, 'Growth after minute 5'), '')
    assert.notEqual(row(table, 'Growth after minute 2'), '')
  })
})

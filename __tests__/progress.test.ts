import assert from 'node:assert/strict'
import { describe, it } from '@jest/globals'
import { progressLogger } from '../src/step/progress.ts'

function logger() {
  const lines: string[] = []
  const warnings: string[] = []
  const log = progressLogger(
    { info: (m) => lines.push(m), warning: (m) => warnings.push(m) },
    60_000
  )
  const see = (status: string, elapsedMs: number, changed: boolean) =>
    log({ projectId: 'p', runId: 'r', status }, { elapsedMs, changed })
  return { lines, warnings, see }
}

describe('progressLogger', () => {
  it('logs each change with the elapsed time, and a heartbeat a minute apart', () => {
    const { lines, see } = logger()
    see('PENDING', 250, true)
    see('RUNNING', 750, true)
    for (let t = 5_750; t <= 130_750; t += 5_000) see('RUNNING', t, false)
    see('COMPLETED', 131_000, true)
    assert.deepEqual(lines, [
      'Run is PENDING (250ms since the trigger)',
      'Run is RUNNING (750ms since the trigger)',
      'Still RUNNING after 1m 0s',
      'Still RUNNING after 2m 0s',
      'Run is COMPLETED (2m 11s since the trigger)'
    ])
  })

  it('warns once about a status it does not know', () => {
    const { warnings, see } = logger()
    see('QUEUED', 250, true)
    see('QUEUED', 750, false)
    assert.equal(warnings.length, 1)
    assert.match(warnings[0] ?? '', /'QUEUED'.*treated as not finished/)
  })

  it('ends the lines of a run still going with what its history says', () => {
    const lines: string[] = []
    let eta: string | undefined = undefined
    const log = progressLogger({ info: (m) => lines.push(m), warning: () => {} }, 60_000, () => eta)
    const see = (status: string, elapsedMs: number, changed: boolean) =>
      log({ projectId: 'p', runId: 'r', status }, { elapsedMs, changed })
    see('PENDING', 0, true)
    eta = 'usually 4m 10s; expected about 12:04:10 UTC'
    see('RUNNING', 2_000, true)
    see('RUNNING', 62_000, false)
    see('COMPLETED', 250_000, true)
    assert.deepEqual(lines, [
      'Run is PENDING (0ms since the trigger)',
      'Run is RUNNING (2.0s since the trigger; usually 4m 10s; expected about 12:04:10 UTC)',
      'Still RUNNING after 1m 2s (usually 4m 10s; expected about 12:04:10 UTC)',
      'Run is COMPLETED (4m 10s since the trigger)'
    ])
  })
})

/**
 * lib/signals.ts, and what it is for: a request to Hex links the step's stop signal to its own
 * time limit, and lets go of it when it is over, so that a long wait leaves nothing behind on a
 * signal that lives as long as the step (Node keeps each AbortSignal.any of a long-lived signal that
 * fetch observes: one per status read, growing for as long as the step waits).
 */
import assert from 'node:assert/strict'
import { getEventListeners } from 'node:events'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import { HexClient } from '../src/hex/client.ts'
import { processRuntime } from '../src/lib/runtime.ts'
import { linkedSignal } from '../src/lib/signals.ts'
import { DEFAULT_PROJECT_ID, FakeHex } from '../test/fake-hex/server.ts'
import { RUN_TOKEN } from './helpers/e2e.ts'

/** Node's own list of the signals AbortSignal.any made from `signal` (none when Node has no such list). */
function dependantsOf(signal: AbortSignal): number {
  const key = Object.getOwnPropertySymbols(signal).find(
    (s) => s.description === 'kDependantSignals'
  )
  const list = key === undefined ? undefined : (signal as unknown as Record<symbol, unknown>)[key]
  // Node's Set, not the test's realm's: read by its size.
  const size = (list as { size?: unknown } | undefined)?.size
  return typeof size === 'number' ? size : 0
}

describe('linkedSignal', () => {
  it("aborts with the first signal's reason, or the second's", () => {
    const first = new AbortController()
    const second = new AbortController()
    const a = linkedSignal(first.signal, second.signal)
    first.abort(new Error('stopped'))
    assert.equal((a.signal.reason as Error).message, 'stopped')
    const b = linkedSignal(new AbortController().signal, second.signal)
    second.abort(new Error('timed out'))
    assert.equal((b.signal.reason as Error).message, 'timed out')
  })

  it('is aborted at once when one already is, the first one winning as with AbortSignal.any', () => {
    const first = AbortSignal.abort(new Error('first'))
    const second = AbortSignal.abort(new Error('second'))
    assert.equal((linkedSignal(first, second).signal.reason as Error).message, 'first')
    const live = new AbortController().signal
    assert.equal((linkedSignal(live, second).signal.reason as Error).message, 'second')
    assert.equal(getEventListeners(live, 'abort').length, 0, 'nothing left listening')
  })

  it('leaves no listener on either signal once released, and no longer follows them', () => {
    const first = new AbortController()
    const second = new AbortController()
    const linked = linkedSignal(first.signal, second.signal)
    assert.equal(getEventListeners(first.signal, 'abort').length, 1)
    linked.release()
    assert.equal(getEventListeners(first.signal, 'abort').length, 0)
    assert.equal(getEventListeners(second.signal, 'abort').length, 0)
    first.abort()
    assert.equal(linked.signal.aborted, false)
  })
})

describe("a request's stop signal", () => {
  let fake: FakeHex
  beforeAll(async () => {
    fake = await FakeHex.start({ projects: [{ id: DEFAULT_PROJECT_ID }] })
  })
  afterAll(() => fake.close())

  it('keeps nothing of the requests made with it, however many', async () => {
    // The action's own fetch (undici's, through the proxy-aware agent), as on a runner.
    const client = new HexClient({
      apiBase: fake.apiBase,
      token: RUN_TOKEN,
      fetch: processRuntime.fetch
    })
    const stop = new AbortController()
    const run = await client.runProject(DEFAULT_PROJECT_ID, {}, { signal: stop.signal })
    for (let i = 0; i < 40; i++)
      await client.getRun(DEFAULT_PROJECT_ID, run.runId, { signal: stop.signal })
    assert.equal(getEventListeners(stop.signal, 'abort').length, 0)
    assert.equal(dependantsOf(stop.signal), 0)
  })
})

/**
 * The process runtime (src/lib/runtime.ts): the proxy-aware fetch, and the sleep and time limits
 * the action uses.
 */
import assert from 'node:assert/strict'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import { processRuntime } from '../src/lib/runtime.ts'
import { FakeHex } from '../test/fake-hex/server.ts'
import { RUN_TOKEN } from './helpers/e2e.ts'

let fake: FakeHex
beforeAll(async () => {
  fake = await FakeHex.start()
})
afterAll(async () => {
  await fake.close()
})

describe('processRuntime', () => {
  it("fetches through undici's proxy-aware agent, without undici's experimental warning", async () => {
    const warnings: string[] = []
    const onWarning = (warning: Error) => warnings.push(warning.message)
    process.on('warning', onWarning)
    try {
      const response = await processRuntime.fetch(`${fake.apiBase}/projects?limit=1`, {
        headers: { authorization: `Bearer ${RUN_TOKEN}` }
      })
      assert.equal(response.status, 200)
      const body = JSON.parse(await response.text()) as { values: unknown[] }
      assert.equal(body.values.length, 1)
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve))
    } finally {
      process.off('warning', onWarning)
    }
    assert.deepEqual(
      warnings.filter((w) => /EnvHttpProxyAgent/.test(w)),
      []
    )
  })

  it('sleeps, and wakes early (without throwing) when the signal aborts', async () => {
    const stop = new AbortController()
    const started = Date.now()
    const sleeping = processRuntime.sleep(60_000, stop.signal)
    stop.abort()
    await sleeping
    assert.ok(Date.now() - started < 5_000)
    const t = processRuntime.now()
    await processRuntime.sleep(20)
    assert.ok(processRuntime.now() - t >= 15)
    assert.ok(processRuntime.random() >= 0 && processRuntime.random() < 1)
  })

  it('gives time limits that abort with a TimeoutError when due, and none once cleared', async () => {
    const due = processRuntime.timeout(20)
    const cleared = processRuntime.timeout(20)
    cleared.clear()
    const started = Date.now()
    await new Promise((resolve) => due.signal.addEventListener('abort', resolve, { once: true }))
    assert.ok(Date.now() - started >= 15)
    assert.equal((due.signal.reason as Error).name, 'TimeoutError')
    await processRuntime.sleep(40)
    assert.equal(cleared.signal.aborted, false)
  })
})

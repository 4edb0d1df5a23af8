/**
 * A long wait's memory: while the step's runs go on, one full garbage collection every five
 * minutes of the step's clock (step/collecting.ts), none for a shorter step and none after the
 * runs; and the collector itself (lib/memory.ts) starts one without a word in the log.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, it } from '@jest/globals'
import { COLLECT_EVERY_MS, collectingWhile } from '../src/step/collecting.ts'
import { VirtualClock } from '../test/runner/virtual-clock.ts'
import { clockOf, hexForTests, runAgainst } from './helpers/action.ts'
import { addProject } from './helpers/e2e.ts'

const hex = hexForTests()

/** A step against the stand-in whose run is RUNNING for `runningMs`, with a collector counting. */
async function stepOf(runningMs: number, inputs: Record<string, string> = {}) {
  const projectId = addProject(hex(), {
    lifecycle: [{ status: 'RUNNING', ms: runningMs }, { status: 'COMPLETED' }]
  })
  const collections: number[] = []
  const clock = clockOf(hex())
  const result = await runAgainst(
    hex(),
    projectId,
    { timeout: '1h', ...inputs },
    {
      collectGarbage: () => collections.push(clock.now())
    }
  )
  return { result, collections, clock }
}

describe('a long wait lets go of its garbage', () => {
  it('a 12-minute run: a collection at minutes 5 and 10 of the step, none after it', async () => {
    const { result, collections, clock } = await stepOf(12 * 60_000)
    assert.equal(result.exitCode, 0, result.log)
    assert.equal(result.outputs.status, 'COMPLETED')
    assert.equal(collections.length, 2)
    const [first, second] = collections as [number, number]
    assert.equal(second - first, COLLECT_EVERY_MS)
    // Nothing is left to fire once the step is over: a sleep of the step's would fire on the
    // clock's next turns, which jump to it, and collect again.
    const sleeps = clock.sleeps.length
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve))
    assert.equal(collections.length, 2)
    assert.equal(clock.sleeps.length, sleeps)
  })

  it('a run shorter than five minutes, or wait: false: no collection', async () => {
    assert.equal((await stepOf(4 * 60_000)).collections.length, 0)
    assert.equal((await stepOf(20 * 60_000, { wait: 'false' })).collections.length, 0)
  })

  it("collectingWhile returns the work's result, and its error, on the clock", async () => {
    const clock = new VirtualClock()
    let collected = 0
    const runtime = { sleep: clock.sleep, collectGarbage: () => collected++ }
    const value = await collectingWhile(runtime, async () => {
      await clock.sleep(COLLECT_EVERY_MS * 3 + 1)
      return 'done'
    })
    assert.equal(value, 'done')
    assert.equal(collected, 3)
    await assert.rejects(
      collectingWhile(runtime, async () => {
        await clock.sleep(COLLECT_EVERY_MS + 1)
        throw new Error('the runs failed')
      }),
      /the runs failed/
    )
    assert.equal(collected, 4)
    // Without a collector (the tests' runtimes), the work alone: no sleep is asked for.
    const sleeps = clock.sleeps.length
    assert.equal(await collectingWhile({ sleep: clock.sleep }, () => Promise.resolve(7)), 7)
    assert.equal(clock.sleeps.length, sleeps)
  })

  it('collectGarbage says nothing in the log: the experimental warning is held back, no other', () => {
    // A fresh Node (these tests run with ExperimentalWarning disabled): what a job log would show.
    const stderrOf = (code: string) =>
      spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' }).stderr
    const memory = JSON.stringify(fileURLToPath(new URL('../src/lib/memory.ts', import.meta.url)))
    const settle = 'await new Promise((resolve) => setTimeout(resolve, 100))'
    // Called directly, vm.measureMemory warns: the check below would see it.
    assert.match(
      stderrOf(`import vm from 'node:vm'; vm.measureMemory({ execution: 'eager' }); ${settle}`),
      /ExperimentalWarning: vm\.measureMemory/
    )
    assert.equal(
      stderrOf(
        `import { collectGarbage } from ${memory}; collectGarbage(); collectGarbage(); ${settle}`
      ),
      ''
    )
    // Any other warning meanwhile still shows.
    assert.match(
      stderrOf(
        `import { collectGarbage } from ${memory}; collectGarbage(); process.emitWarning('still here'); ${settle}`
      ),
      /Warning: still here/
    )
  })
})

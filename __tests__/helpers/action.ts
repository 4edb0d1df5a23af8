/**
 * The in-process twin of helpers/e2e.ts: the action's source run against a stand-in server that
 * shares its virtual clock, with the same checks on every path (no token, no stack trace).
 */
import assert from 'node:assert/strict'
import type { GitHubRequest } from '../../test/fake-github/server.ts'
import { afterAll, beforeAll } from '@jest/globals'
import { FakeHex, type FakeHexOptions } from '../../test/fake-hex/server.ts'
import { RUNNER_GITHUB_TOKEN } from '../../test/runner/action-yml.ts'
import type { ActionResult } from '../../test/runner/run-action.ts'
import { assertNoStackTrace, assertNoToken, READ_TOKEN, RUN_TOKEN, UNKNOWN_TOKEN } from './e2e.ts'
import { runInProcess, type InProcessOptions } from '../../test/runner/in-process.ts'
import { VirtualClock } from '../../test/runner/virtual-clock.ts'

const clocks = new WeakMap<FakeHex, VirtualClock>()

/**
 * A stand-in server on a virtual clock of its own, which the action run against it shares: its
 * slow answers and hangs wait on that clock too.
 */
export async function startHex(
  options: Omit<FakeHexOptions, 'now' | 'clock'> = {}
): Promise<FakeHex> {
  const clock = new VirtualClock()
  const fake = await FakeHex.start({ ...options, clock })
  clocks.set(fake, clock)
  return fake
}

/**
 * The stand-in of a test file: started (startHex) before its tests, closed after them. Call it at
 * the top of the file; the function it returns gives the server.
 */
export function hexForTests(options: Omit<FakeHexOptions, 'now' | 'clock'> = {}): () => FakeHex {
  let fake: FakeHex | undefined
  beforeAll(async () => {
    fake = await startHex(options)
  })
  afterAll(async () => {
    await fake?.close()
  })
  return () => {
    if (fake === undefined) throw new Error('the stand-in starts before the tests')
    return fake
  }
}

export function clockOf(fake: FakeHex): VirtualClock {
  const clock = clocks.get(fake)
  if (clock === undefined) throw new Error('start the stand-in with startHex() to share its clock')
  return clock
}

/**
 * Runs the action's main step (or, with `state`, its post step) in process for one project, with
 * the run token, against `fake`, and checks what must hold on every path.
 */
export async function runAgainst(
  fake: FakeHex,
  projectId: string,
  inputs: Record<string, string> = {},
  options: Omit<InProcessOptions, 'inputs' | 'clock'> = {}
): Promise<ActionResult & { stateAt?: Record<string, string> }> {
  const result = await runInProcess({
    inputs: { 'project-id': projectId, 'api-token': RUN_TOKEN, 'api-url': fake.apiBase, ...inputs },
    clock: clockOf(fake),
    ...options
  })
  for (const token of [RUN_TOKEN, READ_TOKEN, UNKNOWN_TOKEN, RUNNER_GITHUB_TOKEN])
    assertNoToken(result, token)
  assertNoStackTrace(result)
  return result
}

/**
 * Each token went to its own host only: every request to the stand-in GitHub carried the GitHub
 * token and no Hex token, and no request to Hex since `hexBefore` carried the GitHub token.
 */
export function assertTokensApart(
  github: { requests: readonly GitHubRequest[] },
  fake: FakeHex,
  hexBefore: number,
  githubToken: string
): void {
  assert.ok(github.requests.length >= 2)
  for (const request of github.requests) {
    assert.equal(request.authorization, `token ${githubToken}`)
    assert.ok(!request.body.includes(RUN_TOKEN))
  }
  for (const request of fake.requests.slice(hexBefore))
    assert.ok(!JSON.stringify(request).includes(githubToken), `${request.method} ${request.path}`)
}

import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { ChildProcess } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FakeHex, FakeProject } from '../../test/fake-hex/server.ts'
import { RUNNER_GITHUB_TOKEN } from '../../test/runner/action-yml.ts'
import {
  runAction,
  type ActionResult,
  type RunActionOptions
} from '../../test/runner/run-action.ts'

export const RUN_TOKEN = 'hxtw_test_run_token'
export const READ_TOKEN = 'hxtw_test_read_token'

/** A project of its own for each test, so tests can share one stand-in server and run at once. */
export function addProject(fake: FakeHex, project: Partial<FakeProject> = {}): string {
  const id = randomUUID()
  fake.addProject({ id, ...project })
  return id
}

/** A token no server knows, for the 401 tests; it must not leak either. */
export const UNKNOWN_TOKEN = 'hxtw_not_a_real_token'

/**
 * Runs the bundled action against the stand-in server for one project, with the run token, and
 * checks what must hold on every path: no token anywhere, no stack trace.
 */
export async function runAgainst(
  fake: FakeHex,
  projectId: string,
  inputs: Record<string, string> = {},
  options: Omit<RunActionOptions, 'inputs'> = {}
): Promise<ActionResult> {
  const result = await runAction({
    inputs: { 'project-id': projectId, 'api-token': RUN_TOKEN, 'api-url': fake.apiBase, ...inputs },
    ...options
  })
  for (const token of [RUN_TOKEN, READ_TOKEN, UNKNOWN_TOKEN, RUNNER_GITHUB_TOKEN])
    assertNoToken(result, token)
  assertNoStackTrace(result)
  return result
}

/** Waits until the condition holds, polling every 20 ms. */
export async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

/** For `onSpawn`: sends the step `signal` once `ready` holds, as the runner does on a cancel. */
export function signalWhen(
  ready: () => boolean,
  what: string,
  signal: NodeJS.Signals
): (child: ChildProcess) => void {
  return (child) => {
    void until(ready, what).then(() => child.kill(signal))
  }
}

/** The requests the stand-in server received for one project. */
export function requestsFor(fake: FakeHex, projectId: string) {
  return fake.requests.filter((r) => r.path.includes(projectId))
}

/** GetProject: the read of a project's title, which goes alongside the run's own requests. */
export function isTitleRead(request: { method: string; path: string }): boolean {
  return request.method === 'GET' && /\/projects\/[^/]+$/.test(request.path)
}

/** The requests for the project but its title read: the run's own, in order. */
export function runRequestsFor(fake: FakeHex, projectId: string) {
  return requestsFor(fake, projectId).filter((r) => !isTitleRead(r))
}

/**
 * The token must appear nowhere a user or a log reader could see it. The one exception is the
 * `::add-mask::` command that asks the runner to mask it: the runner consumes that line and never
 * shows it.
 */
export function assertNoToken(result: ActionResult, token: string): void {
  const shownLog = result.log
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
  for (const [where, text] of [
    ['log', shownLog],
    ['summary', result.summary],
    ['outputs', JSON.stringify(result.outputs)],
    ['state', result.state]
  ] as const)
    assert.ok(!text.includes(token), `the token appears in the ${where}`)
}

/** Expected failures are explained, never dumped as a stack trace. */
export function assertNoStackTrace(result: ActionResult): void {
  assert.doesNotMatch(result.log, /^\s+at .+:\d+:\d+\)?$/m, 'a stack trace in the log')
}

/** The error annotations (`::error ...::message`) the step wrote, as the runner would show them. */
export function errorAnnotations(result: ActionResult): string[] {
  return [...result.stdout.matchAll(/^::error(?: [^:]*)?::(.*)$/gm)].map((m) =>
    unescape(m[1] ?? '')
  )
}

export function warningAnnotations(result: ActionResult): string[] {
  return [...result.stdout.matchAll(/^::warning(?: [^:]*)?::(.*)$/gm)].map((m) =>
    unescape(m[1] ?? '')
  )
}

function unescape(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

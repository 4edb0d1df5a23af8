/**
 * The project's title in whole steps of the action (source in process, virtual clock shared with
 * the stand-in): taken from the project list when the project is found by name, else read once
 * with GetProject after the trigger; every way that read can fail or be declined leaves the
 * project's ID in its place, one debug line saying why, and the run as it would be without it.
 * A title is Hex's text: it reaches the log, the outputs and the summary inert.
 */
import assert from 'node:assert/strict'
import { describe, it } from '@jest/globals'
import { titled } from '../src/action/status-title.ts'
import type { FaultAction, LifecycleStep } from '../test/fake-hex/server.ts'
import type { ActionResult } from '../test/runner/run-action.ts'
import { clockOf, hexForTests, runAgainst, startHex } from './helpers/action.ts'
import { addProject, isTitleRead, requestsFor, runRequestsFor } from './helpers/e2e.ts'

const QUICK: LifecycleStep[] = [
  { status: 'PENDING', ms: 100 },
  { status: 'RUNNING', ms: 400 },
  { status: 'COMPLETED' }
]

const hex = hexForTests()

const titleReads = (projectId: string) => requestsFor(hex(), projectId).filter(isTitleRead)
const debugLines = (result: ActionResult) =>
  [...result.stdout.matchAll(/^::debug::(.*)$/gm)].map((m) => m[1] ?? '')

/** What a reader sees of a step that showed no title: the ID, and nothing broken. */
function assertUntitled(result: ActionResult, projectId: string, why: RegExp): void {
  assert.equal(result.exitCode, 0, result.log)
  assert.equal(result.outputs.status, 'COMPLETED')
  assert.equal(result.outputs['project-title'], '')
  assert.match(result.summary, /^### ✅ Hex run completed$/m)
  assert.match(result.summary, new RegExp(`^\\| Project \\| <code>${projectId}</code> \\|$`, 'm'))
  assert.match(result.stdout, /^Hex run \S+ COMPLETED in /m)
  const [entry] = JSON.parse(result.outputs.runs ?? '[]') as Array<Record<string, unknown>>
  assert.equal('projectTitle' in (entry ?? {}), false)
  const said = debugLines(result).filter((l) => l.startsWith("The project's title was not read"))
  assert.equal(said.length, 1, result.stdout)
  assert.match(said[0] ?? '', why)
  assert.doesNotMatch(result.log, /^::(?:warning|error)/m)
}

describe('the title of a project given by ID', () => {
  it('is read once with GetProject after the trigger, and shown everywhere', async () => {
    const projectId = addProject(hex(), { lifecycle: QUICK, title: 'Weekly revenue' })
    const result = await runAgainst(hex(), projectId)
    assert.equal(result.exitCode, 0, result.log)
    // The trigger first (start-up is measured to it); one title read, sent after it.
    const [trigger] = requestsFor(hex(), projectId)
    assert.equal(trigger?.method, 'POST')
    assert.equal(titleReads(projectId).length, 1)
    assert.ok((titleReads(projectId)[0]?.at ?? -1) >= (trigger?.at ?? Infinity))

    assert.equal(result.outputs['project-title'], 'Weekly revenue')
    const [entry] = JSON.parse(result.outputs.runs ?? '[]') as Array<Record<string, unknown>>
    assert.equal(entry?.projectTitle, 'Weekly revenue')
    assert.match(result.summary, /^### ✅ Hex run completed: Weekly revenue$/m)
    assert.match(
      result.summary,
      new RegExp(`^\\| Project \\| Weekly revenue <code>${projectId}</code> \\|$`, 'm')
    )
    assert.match(
      result.stdout,
      new RegExp(`^Project ${projectId} is 'Weekly revenue' in Hex\\.$`, 'm')
    )
    assert.match(result.stdout, /^Hex run \S+ of 'Weekly revenue' COMPLETED in 400ms: /m)
  })

  for (const [label, action, why] of [
    ['404', { kind: 'respond', status: 404 }, /404 Not Found/],
    [
      '403',
      { kind: 'respond', status: 403, body: { code: 'FORBIDDEN', message: 'no' } },
      /"Read projects" scope/
    ],
    ['429', { kind: 'respond', status: 429, headers: { 'retry-after': '30' } }, /429/],
    ['500', { kind: 'respond', status: 500 }, /500/],
    ['an HTML page', { kind: 'html' }, /HTML page/],
    ['a reset connection', { kind: 'reset' }, /connect|socket|closed|terminated|fetch failed/i]
  ] as Array<[string, FaultAction, RegExp]>) {
    it(`answered ${label}: the ID stands in, with one debug line; no second try`, async () => {
      const projectId = addProject(hex(), { lifecycle: QUICK, title: 'Never shown' })
      hex().injectFault({ method: 'GET', path: `/api/v1/projects/${projectId}`, action })
      const result = await runAgainst(hex(), projectId)
      assertUntitled(result, projectId, why)
      assert.equal(titleReads(projectId).length, 1, 'sent once, never again')
    })
  }

  it('that hangs: given up after 3 s, without holding up the run or its reads', async () => {
    const projectId = addProject(hex(), {
      lifecycle: [{ status: 'RUNNING', ms: 10_000 }, { status: 'COMPLETED' }],
      title: 'Never shown'
    })
    hex().injectFault({
      method: 'GET',
      path: `/api/v1/projects/${projectId}`,
      action: { kind: 'hang' }
    })
    const result = await runAgainst(hex(), projectId)
    assertUntitled(result, projectId, /no answer within 3\.0s/)
    assert.equal(titleReads(projectId)[0]?.status, 'dropped')
    // The status reads went as they would have: the first at once, the hung read after it.
    const [trigger, first] = runRequestsFor(hex(), projectId)
    assert.equal(first?.at, trigger?.at)
  })

  it('a 429 to the title read holds the status reads as Hex asked, and is not retried', async () => {
    const projectId = addProject(hex(), {
      lifecycle: [{ status: 'RUNNING', ms: 20_000 }, { status: 'COMPLETED' }],
      title: 'Never shown'
    })
    hex().injectFault({
      method: 'GET',
      path: `/api/v1/projects/${projectId}`,
      action: { kind: 'respond', status: 429, headers: { 'retry-after': '5' } }
    })
    const result = await runAgainst(hex(), projectId)
    assertUntitled(result, projectId, /429/)
    assert.equal(titleReads(projectId).length, 1)
    // The token's reads are spent (Hex's limit is the token's): the next status read waits 5 s.
    // (The title read goes after the first status read; the history read beside it.)
    const [trigger, ...rest] = runRequestsFor(hex(), projectId)
    const [first, second] = rest.filter((r) => r.path.includes('/runs/'))
    assert.equal(first?.at, trigger?.at)
    assert.ok((second?.at ?? 0) - (trigger?.at ?? 0) >= 5_000, `${second?.at}`)
  })

  it('with wait: false, is read once and bounded: a hung read costs the step 3 s at most', async () => {
    const titled = addProject(hex(), { lifecycle: [{ status: 'RUNNING' }], title: 'Left going' })
    const quick = await runAgainst(hex(), titled, { wait: 'false' })
    assert.equal(quick.exitCode, 0, quick.log)
    assert.equal(quick.outputs['project-title'], 'Left going')
    assert.equal(quick.outputs.status, 'PENDING')

    const hung = addProject(hex(), { lifecycle: [{ status: 'RUNNING' }], title: 'Never shown' })
    hex().injectFault({ method: 'GET', path: `/api/v1/projects/${hung}`, action: { kind: 'hang' } })
    const clock = clockOf(hex())
    const before = clock.now()
    const result = await runAgainst(hex(), hung, { wait: 'false' })
    assert.equal(result.exitCode, 0, result.log)
    assert.equal(result.outputs['project-title'], '')
    assert.equal(result.outputs['run-id'], hex().runs(hung)[0]?.id)
    assert.ok(clock.now() - before <= 3_100, `${clock.now() - before} ms`)
  })

  it("is not read while Hex holds the token's reads: the ID stands in, and no read is spent", async () => {
    const held = await startHex({ limits: { readsPerMinute: 1 } })
    try {
      const projectId = addProject(held, { lifecycle: QUICK, title: 'Never shown' })
      // A run started elsewhere: the step's first read (its status) spends the window.
      const started = await fetch(`${held.apiBase}/projects/${projectId}/runs`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer hxtw_test_run_token',
          'content-type': 'application/json'
        },
        body: '{}'
      })
      assert.equal(started.status, 201)
      const runId = held.runs(projectId)[0]?.id ?? ''
      const result = await runAgainst(held, projectId, { 'run-id': runId })
      assert.equal(result.exitCode, 0, result.log)
      assert.equal(held.requests.filter(isTitleRead).length, 0)
      assert.equal(result.outputs['project-title'], '')
      assert.match(result.stdout, /^::debug::The project's title was not read .*scarce/m)
    } finally {
      await held.close()
    }
  })
})

describe('the title of a project given by name', () => {
  it("is the project list's, as Hex spells it: no GetProject", async () => {
    const projectId = addProject(hex(), { lifecycle: QUICK, title: 'Quarterly Board Pack' })
    const result = await runAgainst(hex(), projectId, {
      'project-id': '',
      'project-name': '  quarterly board pack '
    })
    assert.equal(result.exitCode, 0, result.log)
    assert.equal(titleReads(projectId).length, 0)
    assert.equal(result.outputs['project-title'], 'Quarterly Board Pack')
    assert.match(result.summary, /^### ✅ Hex run completed: Quarterly Board Pack$/m)
    const [entry] = JSON.parse(result.outputs.runs ?? '[]') as Array<Record<string, unknown>>
    assert.equal(entry?.projectName, 'quarterly board pack')
    assert.equal(entry?.projectTitle, 'Quarterly Board Pack')
  })

  it('labels each run of several with its title, and reads none of them again', async () => {
    const a = addProject(hex(), { lifecycle: QUICK, title: 'Group alpha' })
    const b = addProject(hex(), { lifecycle: QUICK, title: 'Group beta' })
    const result = await runAgainst(hex(), a, {
      'project-id': '',
      'project-name': 'group alpha\ngroup beta'
    })
    assert.equal(result.exitCode, 0, result.log)
    assert.equal(titleReads(a).length + titleReads(b).length, 0)
    assert.match(result.stdout, /^\[Group alpha\] Started Hex run/m)
    assert.match(result.stdout, /^\[Group beta\] Hex run \S+ of 'Group beta' COMPLETED/m)
    assert.equal(result.outputs['project-title'], '', 'a group names no single project')
    assert.match(result.summary, new RegExp(`^\\| Group alpha <code>${a}</code> \\|`, 'm'))
  })
})

describe('a hostile title', () => {
  const HOSTILE =
    '::set-output name=status::COMPLETED @octocat <b>bold</b> [link](https://evil.example) a | b\n::error::boom'

  it('reaches the log, the outputs and the summary inert', async () => {
    const projectId = addProject(hex(), { lifecycle: QUICK, title: HOSTILE })
    const result = await runAgainst(hex(), projectId)
    assert.equal(result.exitCode, 0, result.log)
    // The log: no workflow command, on any line.
    assert.doesNotMatch(result.stdout, /^\s*::(?:set-output|error)/m)
    assert.doesNotMatch(result.log, /^::error::boom/m)
    // An output is one line, the command defused.
    const title = result.outputs['project-title'] ?? ''
    assert.doesNotMatch(title, /\n/)
    assert.match(title, /^：:set-output/)
    assert.equal(result.outputs.status, 'COMPLETED')
    // The summary: no HTML, no link, no mention, no broken table.
    const heading = result.summary.split('\n').find((l) => l.startsWith('### ')) ?? ''
    assert.doesNotMatch(result.summary, /<b>|\]\(https:\/\/evil/)
    assert.doesNotMatch(result.summary, /@octocat/)
    assert.match(
      heading,
      /@\u200doctocat &lt;b&gt;bold&lt;\/b&gt; \\\[link\\\]\(https&#58;\/\/evil\.example\) a &#124; b/
    )
    const projectRow = result.summary.split('\n').find((l) => l.startsWith('| Project |')) ?? ''
    assert.equal(projectRow.split(/(?<!\\)\|/).length, 4, projectRow)
  })
})

describe("a title on a commit status (GitHub's 140 characters)", () => {
  it('comes first, cut so the status words are never what is cut', () => {
    assert.equal(titled('COMPLETED in 8.0s', 'Weekly revenue'), 'Weekly revenue: COMPLETED in 8.0s')
    assert.equal(titled('COMPLETED in 8.0s', undefined), 'COMPLETED in 8.0s')
    const long = titled('COMPLETED in 8.0s', 'x'.repeat(300))
    assert.equal(long.length, 140)
    assert.ok(long.endsWith('…: COMPLETED in 8.0s'))
    // No room worth a title: the description alone.
    const words = 'TIMEOUT: '.padEnd(130, '.')
    assert.equal(titled(words, 'A long project title'), words)
  })
})

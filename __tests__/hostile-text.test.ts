/**
 * Hostile and broken text (issue 10): what Hex answers and what inputs echo back reaches the log
 * the runner reads for workflow commands, the annotations, the outputs and the public job summary
 * only as text. lib/safe-text.ts is the one place the rules live; these tests go through it and
 * through the action run in process against a stand-in that answers with hostile text.
 */
import assert from 'node:assert/strict'
import { afterAll, afterEach, beforeAll, describe, it } from '@jest/globals'
import { safeIO } from '../src/action/io.ts'
import { Terminal } from '../src/cli/terminal.ts'
import { groupSummaryOf, resultOf, summaryOf, type RunSample } from '../test/runner/reports.ts'
import { safeLine, safeLines } from '../src/lib/safe-text.ts'
import { markdownToHtml } from '../scripts/render-summary.ts'
import type { FakeHex } from '../test/fake-hex/server.ts'
import type { ActionResult } from '../test/runner/run-action.ts'
import { runAgainst, startHex } from './helpers/action.ts'
import { addProject, errorAnnotations, RUN_TOKEN } from './helpers/e2e.ts'
import { RecordingIO } from '../test/runner/in-process.ts'

/** The commands the action itself writes; any other line starting a command is an injection. */
const OWN = /^::(debug|error|warning|group|endgroup|add-mask)(\s[^:]*)?::/

/** Each line of the log the runner would parse as a command the action did not mean to write. */
function injected(stdout: string): string[] {
  return stdout.split(/\r\n|\n|\r/).filter((line) => {
    const text = line.trimStart()
    if (text.startsWith('::') && !OWN.test(text)) return true
    if (/##\[/.test(line)) return true
    return false
  })
}

/** Every line of the log: no command but the action's own, no escape sequence, no odd break. */
function assertInert(result: ActionResult): void {
  assert.deepEqual(injected(result.stdout), [])
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(result.stdout, /[\x1b\u2028\u2029\r]/)
}

const HOSTILE = [
  'a\n::set-output name=status::COMPLETED',
  'b\n::add-mask::COMPLETED',
  'c\n::stop-commands::pwned',
  'd\n  ::Error::forged',
  'e\r::warning::forged',
  'f ##[error]forged',
  '\x1b[31mred\x1b[0m',
  'g\u2028::set-output name=x::y',
  '::set-output name=status::COMPLETED'
]

describe('safeLine', () => {
  it('leaves ordinary text as it is', () => {
    for (const text of [
      'Started Hex run run-1 (project version 3): https://app.hex.tech/x',
      'a\tb'
    ])
      assert.equal(safeLine(text), text)
  })

  it.each(HOSTILE)('defuses %j', (text) => {
    const line = safeLine(text)
    assert.deepEqual(injected(line), [])
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(line, /[\n\r\x1b\u2028\u2029]/)
  })

  it('keeps a reader able to read what was defused', () => {
    assert.equal(safeLine('::set-output name=x::y'), '\uff1a:set-output name=x::y')
    assert.equal(safeLine('x ##[error]y'), 'x #\uff03[error]y')
    assert.equal(safeLine('\x1b[31mred\x1b[0m'), 'red')
    assert.equal(safeLine('a\r\nb\u2029c'), 'a b c')
  })

  it('redacts a secret before anything else, also one an escape sequence splits', () => {
    assert.equal(safeLine('token hxtw_a_b here', ['hxtw_a_b']), 'token *** here')
    assert.equal(safeLine('token hxtw\x1b[0m_a_b', ['hxtw_a_b']), 'token ***')
  })

  it('splits multi-line text into lines, each made safe', () => {
    assert.deepEqual(safeLines('{\n  "a": 1\n}\n::x::y'), ['{', '  "a": 1', '}', '\uff1a:x::y'])
  })
})

describe('safeIO', () => {
  it('makes every message safe and redacts what setSecret was given', () => {
    const recording = new RecordingIO({})
    const io = safeIO(recording)
    io.setSecret('hxtw_s_1')
    for (const text of HOSTILE) {
      io.info(text)
      io.debug(text)
      io.warning(text, text)
      io.fail(text, text)
      io.group(text, [text, `{\n  "x": ${JSON.stringify(text)}\n}`])
    }
    io.info('the token is hxtw_s_1')
    io.warning('the token is hxtw_s_1')
    assert.deepEqual(injected(recording.stdout), [])
    const leaks = recording.stdout.split('\n').filter((l) => l.includes('hxtw_s_1'))
    assert.deepEqual(leaks, ['::add-mask::hxtw_s_1'])
    io.setOutput('status', 'x\n::set-output name=y::z hxtw_s_1')
    assert.equal(recording.outputs.status, 'x \uff1a:set-output name=y::z ***')
  })
})

describe('the action against hostile answers', () => {
  let fake: FakeHex
  beforeAll(async () => {
    fake = await startHex()
  })
  afterAll(async () => {
    await fake.close()
  })
  afterEach(() => {
    fake.setStatusOverride(undefined)
    fake.clearFaults()
  })

  it('a hostile run id, URL and project version reach the log only as text', async () => {
    const projectId = addProject(fake)
    fake.injectFault({
      method: 'POST',
      path: `/api/v1/projects/${projectId}/runs`,
      action: {
        kind: 'respond',
        status: 201,
        body: {
          projectId,
          runId: 'run-1\n::set-output name=status::COMPLETED',
          runUrl: 'javascript:alert(1)//\n::add-mask::COMPLETED',
          runStatusUrl: `${fake.apiBase}/api/v1/projects/${projectId}/runs/run-1`,
          traceId: 'trace\r::warning::forged',
          projectVersion: '3\u2028::error::forged ##[error]x \x1b[31mred'
        }
      }
    })
    const result = await runAgainst(fake, projectId, { wait: 'false' })
    assertInert(result)
    assert.doesNotMatch(result.summary, /\]\(javascript:/i)
  })

  it('a hostile status reaches the log, outputs and summary only as text', async () => {
    const projectId = addProject(fake)
    fake.setStatusOverride((run) =>
      run.projectId === projectId ? 'WEIRD\n::set-output name=status::COMPLETED' : undefined
    )
    const result = await runAgainst(fake, projectId, { timeout: '5' })
    assertInert(result)
    assert.doesNotMatch(result.outputs.status ?? '', /\n/)
    assert.doesNotMatch(result.summary, /^::/m)
  })

  it('an input-params value with a command inside stays inside its line', async () => {
    const projectId = addProject(fake)
    const result = await runAgainst(fake, projectId, {
      'input-params': JSON.stringify({
        x: '\n::set-output name=status::COMPLETED',
        y: '##[error]z'
      })
    })
    assertInert(result)
  })

  // The run token has `_` in it, which Markdown escaping would turn into `\_` and a later mask miss.
  it("the post step logs a run id read back from the main step's record only as text", async () => {
    const projectId = addProject(fake)
    const runs = JSON.stringify([
      { projectId, runId: 'r\n::set-output name=status::COMPLETED ##[error]x', fate: 'open' }
    ])
    const result = await runAgainst(
      fake,
      projectId,
      { 'cancel-on-workflow-cancel': 'false' },
      { state: { isPost: 'true', runs } }
    )
    assert.match(result.stdout, /it is left going/)
    assertInert(result)
  })

  it.each([RUN_TOKEN])(
    "the token inside Hex's error message is redacted in log, annotation and summary (%s)",
    async (token) => {
      const projectId = addProject(fake)
      fake.injectFault({
        method: 'POST',
        path: `/api/v1/projects/${projectId}/runs`,
        action: {
          kind: 'respond',
          status: 400,
          body: { code: 'BAD_REQUEST', message: `bad token ${token} __init__`, issues: [] }
        }
      })
      // runAgainst itself fails when the token shows anywhere (log, outputs, summary).
      const result = await runAgainst(fake, projectId)
      assert.equal(result.exitCode, 1)
      assert.match(errorAnnotations(result)[0] ?? '', /bad token \*\*\*/)
      assert.match(result.summary, /bad token \\\*\\\*\\\*/)
      assert.doesNotMatch(result.summary.replace(/\\/g, ''), /hxtw/)
    }
  )
})

describe('the job summary', () => {
  const base: RunSample = {
    projectId: 'p-1',
    status: 'COMPLETED',
    succeeded: true,
    runId: 'run-1',
    inputParams: {},
    notes: []
  }
  const API = 'https://hex.example.com/api/v1'

  function hrefs(markdown: string): string[] {
    return [...markdownToHtml(markdown).matchAll(/href="([^"]*)"/g)].map((m) => m[1] ?? '')
  }

  it.each([
    'javascript:alert(1)',
    'http://evil.example/run',
    'https://evil.example/run',
    'https://hex.tech.evil.example/run',
    'data:text/html,x'
  ])('shows the run URL %s as text, not a link', (runUrl) => {
    assert.deepEqual(hrefs(summaryOf({ ...base, runUrl }, { apiBase: API })), [])
  })

  it.each([
    'https://hex.example.com/acme/app/p-1/runs/run-1',
    'https://app.hex.tech/acme/app/p-1/runs/run-1',
    'http://127.0.0.1:4010/acme/app/p-1/runs/run-1'
  ])('links %s (the api host, Hex, the stand-in)', (runUrl) => {
    const apiBase = runUrl.startsWith('http://') ? 'http://127.0.0.1:4010/api/v1' : API
    assert.deepEqual(hrefs(summaryOf({ ...base, runUrl }, { apiBase })), [runUrl])
  })

  it('makes no link of a URL or www. name inside Hex text, and shows the same text', () => {
    const message = 'see https://evil.example/x and www.evil.example now'
    const html = markdownToHtml(summaryOf({ ...base, message, projectVersion: message }))
    assert.doesNotMatch(html, /<a /)
    assert.match(
      html.replace(/&#58;/g, ':').replace(/&#46;/g, '.'),
      /see https:\/\/evil\.example\/x and www\.evil\.example now/
    )
  })

  it('links in a group summary only to Hex, and escapes project names', () => {
    const reports: RunSample[] = [
      { ...base, runUrl: 'https://evil.example/a', projectName: '[x](https://evil.example)' },
      { ...base, projectId: 'p-2', runUrl: 'https://app.hex.tech/acme/app/p-2/runs/run-1' }
    ]
    const html = markdownToHtml(groupSummaryOf(reports, {}, { apiBase: API }))
    assert.deepEqual(
      [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]),
      ['https://app.hex.tech/acme/app/p-2/runs/run-1']
    )
  })

  it('mentions no one: @name and @org/team are broken by a zero-width joiner, and read the same', () => {
    const message = 'ask @someone or @acme/owners (mail a@b.example)'
    const summary = summaryOf({ ...base, message, projectName: '@someone' })
    assert.doesNotMatch(summary, /@(?!\u200d)\w/)
    assert.match(
      summary.replaceAll('\u200d', ''),
      /ask @someone or @acme\/owners \(mail a@b\.example\)/
    )
  })

  it('escapes an unknown status in the headline', () => {
    const md = summaryOf({
      ...base,
      status: '<img src=x onerror=alert(1)> [a](https://evil.example)'
    })
    assert.doesNotMatch(markdownToHtml(md), /<img|<a /)
  })

  it('redacts a secret before escaping, also one with _ in it', () => {
    const md = summaryOf(
      {
        ...base,
        message: 'token hxtw_a_b*c',
        notes: ['hxtw_a_b*c'],
        inputParams: { t: 'hxtw_a_b*c' }
      },
      { secrets: ['hxtw_a_b*c'] }
    )
    assert.doesNotMatch(md.replace(/\\/g, ''), /hxtw/)
  })

  it('shows a note instead of input parameters nested too deep to write', () => {
    let deep: Record<string, unknown> = {}
    for (let i = 0; i < 10_000; i++) deep = { d: deep }
    const md = summaryOf({ ...base, inputParams: deep })
    assert.match(md, /nested too deeply/)
  })

  it('keeps the summary under 1 MiB with 2 MiB of input parameters, and says they were cut', () => {
    const inputParams = { big: 'x'.repeat(2 * 1024 * 1024) }
    const md = summaryOf({ ...base, inputParams, message: 'y'.repeat(2 * 1024 * 1024) })
    assert.ok(Buffer.byteLength(md) < 256 * 1024, `${Buffer.byteLength(md)} bytes`)
    assert.match(md, /cut at 64 KiB/)
  })
})

describe('deep input-params through the action', () => {
  let fake: FakeHex
  beforeAll(async () => {
    fake = await startHex()
  })
  afterAll(async () => {
    await fake.close()
  })

  it('is an input error, nothing is sent, and the step reports it without a stack overflow', async () => {
    const projectId = addProject(fake)
    const deep = `${'{"d":'.repeat(10_000)}1${'}'.repeat(10_000)}`
    const result = await runAgainst(fake, projectId, { 'input-params': deep })
    assert.equal(result.exitCode, 1)
    assert.match(errorAnnotations(result)[0] ?? '', /nested more than 100 levels deep/)
    assert.doesNotMatch(result.stdout, /Maximum call stack/)
    assert.equal(fake.runs(projectId).length, 0)
  })
})

describe('the command line', () => {
  it("prints the result rows from Hex's text as safe lines", () => {
    let out = ''
    const io = new Terminal({}, false, { out: (t) => (out += t), err: (t) => (out += t) })
    io.addSecret('hxtw_s_2')
    const report: RunSample = {
      projectId: 'p\n::set-output name=x::y',
      projectName: '\x1b[2J\x1b]0;title\x07cleared',
      runId: 'r',
      runUrl: 'https://app.hex.tech/x\rhxtw_s_2',
      status: 'WEIRD\u2028##[error]x',
      succeeded: true,
      elapsedMs: 1000,
      inputParams: {},
      notes: []
    }
    io.printResult(resultOf(report))
    assert.deepEqual(injected(out), [])
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(out, /[\x1b\x07\r\u2028]|hxtw_s_2/)
    assert.equal(out.trim().split('\n').length, 1)
  })
})

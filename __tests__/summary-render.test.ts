/**
 * The job summary as a reader sees it: renderSummary's Markdown through marked (GFM, raw HTML
 * passed through as GitHub allows it), checked on the HTML. scripts/render-summary.ts makes the
 * same pages, and screenshots of them, under docs/.
 */
import assert from 'node:assert/strict'
import { describe, it } from '@jest/globals'
import { summaryOf, type RunSample } from '../test/runner/reports.ts'
import { markdownToHtml, SAMPLES, type SampleName } from '../scripts/render-summary.ts'

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

/** Decodes character references once, as a browser does. */
function decode(html: string): string {
  return html.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#X'))
      return String.fromCodePoint(parseInt(ref.slice(2), 16))
    if (ref.startsWith('#')) return String.fromCodePoint(Number(ref.slice(1)))
    return NAMED[ref] ?? whole
  })
}

/** The text a reader sees in a piece of HTML. */
function visible(html: string): string {
  return decode(html.replace(/<[^>]*>/g, '')).trim()
}

function all(html: string, pattern: RegExp): RegExpMatchArray[] {
  return [...html.matchAll(pattern)]
}

/** Every table row as the text of its cells. */
function rows(html: string): string[][] {
  return all(html, /<tr>([\s\S]*?)<\/tr>/g).map((row) =>
    all(row[1] ?? '', /<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g).map((c) => visible(c[1] ?? ''))
  )
}

function blockquotes(html: string): string[] {
  return all(html, /<blockquote>([\s\S]*?)<\/blockquote>/g).map((m) => m[1] ?? '')
}

/** Tags renderSummary means to write, all of which GitHub's sanitizer keeps. */
const ALLOWED = new Set([
  'h3',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'a',
  'code',
  'strong',
  'p',
  'blockquote',
  'ul',
  'li',
  'details',
  'summary',
  'pre'
])

function render(report: RunSample): string {
  return markdownToHtml(summaryOf(report))
}

/** What a reader must see, per sample. */
const EXPECTED: Record<
  SampleName,
  { heading: string; status: string; duration: string; times: Record<string, string> }
> = {
  completed: {
    heading: '✅ Hex run completed: Weekly revenue dashboard',
    status: '✅ COMPLETED',
    duration: '1m 5s (usually 1m 2s)',
    times: { 'Queued for a kernel': '3m 2s', Ran: '1m 5s' }
  },
  errored: {
    heading: '❌ Hex run errored: Weekly revenue dashboard',
    status: '❌ ERRORED',
    duration: '2m 14s',
    times: { 'Queued for a kernel': '3.1s', Ran: '2m 14s' }
  },
  timeout: {
    heading: '⏱️ Hex run timed out: Weekly revenue dashboard',
    status: '⏱️ TIMEOUT',
    duration: '⚠️ 30m 0s (usually 8m 0s)',
    // Still running at the timeout: how long it queued, and no run time yet.
    times: { 'Queued for a kernel': '2.9s' }
  }
}

function checkPage(name: SampleName, report: RunSample, html: string): void {
  const expected = EXPECTED[name]

  assert.equal(all(html, /<h3>/g).length, 1, 'one heading')
  assert.equal(visible(/<h3>([\s\S]*?)<\/h3>/.exec(html)?.[1] ?? ''), expected.heading)
  assert.ok(html.trimStart().startsWith('<h3>'), 'the heading comes first')

  assert.equal(all(html, /<table>/g).length, 1, 'one table')
  const table = rows(html)
  // The status heads the table, then one row per field; every row has a name and a value.
  for (const row of table) assert.equal(row.length, 2, `a row of two cells: ${row.join(' | ')}`)
  assert.deepEqual(table[0], ['Status', expected.status])
  const fields = new Map(table.slice(1).map(([k, v]) => [k, v]))
  assert.deepEqual(
    [...fields.keys()],
    [
      'Project',
      'Run',
      'Run ID',
      'Project version',
      'Started',
      'Ended',
      'Duration',
      ...Object.keys(expected.times),
      'Trace ID'
    ]
  )
  assert.equal(fields.get('Project'), `${report.projectTitle} ${report.projectId}`)
  for (const [name, value] of Object.entries(expected.times)) assert.equal(fields.get(name), value)
  assert.equal(fields.get('Run ID'), report.runId)
  assert.equal(fields.get('Duration'), expected.duration)
  assert.equal(fields.get('Trace ID'), report.traceId)
  assert.match(html, /<th[^>]*>(✅|❌|⏱️) /, 'the marker is in the status cell')

  const links = all(html, /<a href="([^"]*)">([^<]*)<\/a>/g)
  assert.equal(links.length, 1, 'one link')
  assert.equal(decode(links[0]?.[1] ?? ''), report.runUrl)
  assert.equal(links[0]?.[2], 'Open the run in Hex')
  assert.equal(fields.get('Run'), 'Open the run in Hex')

  const count = Object.keys(report.inputParams ?? {}).length
  const details = /<details>\s*<summary>([^<]*)<\/summary>([\s\S]*?)<\/details>/.exec(html)
  assert.ok(details, 'a <details> block')
  assert.equal(details[1], `Input parameters (${count})`)
  assert.doesNotMatch(html, /<details open/, 'collapsed')
  const pre = /<pre><code class="language-json">([\s\S]*?)<\/code><\/pre>/.exec(details[2] ?? '')
  assert.ok(pre, 'the parameters as a JSON code block inside <details>')
  assert.deepEqual(JSON.parse(decode(pre[1] ?? '')), report.inputParams)

  const quotes = blockquotes(html)
  if (report.message) {
    assert.equal(quotes.length, 1, 'the message in one blockquote')
    assert.equal(visible(quotes[0] ?? ''), report.message)
  } else assert.equal(quotes.length, 0)
  for (const note of report.notes ?? []) assert.match(html, new RegExp(`<li>${note}</li>`))

  const tags = new Set(all(html, /<\/?([a-z0-9]+)/gi).map((m) => (m[1] ?? '').toLowerCase()))
  for (const tag of tags) assert.ok(ALLOWED.has(tag), `an unexpected <${tag}>`)

  // Whatever a reader sees, no character reference shows as text (&amp;lt;, &amp;#124;, ...).
  const text = visible(html)
  assert.doesNotMatch(text, /&(amp|lt|gt|quot|#\d+|#x[0-9a-f]+);/i)
  assert.doesNotMatch(text, /\\[_*`[\]]/, 'no Markdown escape shows')
}

describe('the job summary as GitHub renders it', () => {
  for (const name of Object.keys(SAMPLES) as SampleName[]) {
    it(`renders the ${name} sample`, () => {
      const report: RunSample = SAMPLES[name]
      checkPage(name, report, render(report))
    })
  }

  it('shows <, & and > in an input parameter as text inside the code block', () => {
    const html = render(SAMPLES.completed)
    const text = visible(/<pre>[\s\S]*?<\/pre>/.exec(html)?.[0] ?? '')
    assert.match(text, /"report_title": "Q4 revenue — EMEA & APAC <draft>"/)
    assert.doesNotMatch(html, /<draft>/, 'never as a tag')
  })

  it('shows a message with <, |, & and a newline as text in one blockquote', () => {
    const message =
      'Hex said: <b>Cell "Load orders"</b> failed | column a|b & c\nSee the run for the traceback.'
    const report: RunSample = { ...SAMPLES.errored, status: 'ERROR', message }
    const html = render(report)

    const quotes = blockquotes(html)
    assert.equal(quotes.length, 1)
    assert.equal(
      visible(quotes[0] ?? ''),
      'Hex said: <b>Cell "Load orders"</b> failed | column a|b & c See the run for the traceback.'
    )
    assert.doesNotMatch(quotes[0] ?? '', /<b>/, 'the <b> is text, not a tag')
    assert.match(quotes[0] ?? '', /^\s*<p>[^<]*<\/p>\s*$/, 'one paragraph of plain text')

    // The | did not reach the table, and the table is whole.
    assert.equal(all(html, /<table>/g).length, 1)
    for (const row of rows(html)) assert.equal(row.length, 2)
    assert.equal(rows(html).length, 11)
    assert.doesNotMatch(visible(html), /&(amp|lt|gt|quot|#\d+);/)
  })

  it('shows a value with | and < in a table cell as text', () => {
    const report: RunSample = { ...SAMPLES.completed, projectVersion: 'v2 | <beta> & co' }
    const html = render(report)
    const version = rows(html).find(([k]) => k === 'Project version')
    assert.deepEqual(version, ['Project version', 'v2 | <beta> & co'])
    for (const row of rows(html)) assert.equal(row.length, 2)
  })

  it('shows Markdown characters in a message from Hex as written', () => {
    const message = 'TypeError in __init__(): got *args and `limit` [1]'
    const html = render({ ...SAMPLES.errored, status: 'ERROR', message })
    assert.equal(visible(blockquotes(html)[0] ?? ''), message)
    assert.doesNotMatch(blockquotes(html)[0] ?? '', /<(strong|em|code)>/)
  })

  it("shows the usual duration beside the run's, and makes a run over twice the usual stand out", () => {
    const duration = (report: RunSample) =>
      rows(render(report)).find(([k]) => k === 'Duration')?.[1]
    assert.equal(duration({ ...SAMPLES.completed, usualMs: 60_000 }), '1m 5s (usually 1m 0s)')
    const slow = render({ ...SAMPLES.completed, usualMs: 20_000 })
    assert.equal(duration({ ...SAMPLES.completed, usualMs: 20_000 }), '⚠️ 1m 5s (usually 20.0s)')
    assert.match(slow, /<strong>1m 5s<\/strong>/)
  })
})

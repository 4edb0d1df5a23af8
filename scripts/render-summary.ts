/**
 * Renders the job summary (src/action/summary.ts renderSummary) the way a reader sees it on a workflow
 * run's page: the Markdown goes through marked (GFM, raw HTML passed through as GitHub allows
 * <details>, <summary> and <code>) into a page styled like GitHub's job summary.
 *
 * Three sample reports: a completed run with input parameters, a run that ended ERRORED in Hex, and
 * a run the action stopped waiting for (TIMEOUT).
 *
 *   npm run render-summary                  writes docs/summary-{completed,errored,timeout}.html
 *   npm run render-summary -- --screenshot  also writes docs/summary-*.png with headless chromium
 *
 * The npm script gives it Node 24 (node_modules/.bin/node on Linux x64, else the node on PATH must
 * be 24 or later): the script is TypeScript run by type stripping. --screenshot needs Debian's chromium (`apt-get install -y chromium`, plus
 * `fonts-noto-color-emoji` so the status markers show as on GitHub); set CHROMIUM to use another
 * binary. Each PNG is cut to the page's height, measured first with --dump-dom. The HTML is
 * formatted with Prettier, so `npm run format:check` passes on it.
 *
 * marked does not sanitize HTML as GitHub does; renderSummary escapes all text from Hex and the
 * user, so the pages hold no HTML but the tags renderSummary writes (see
 * __tests__/summary-render.test.ts).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Marked } from 'marked'
import { format, resolveConfig } from 'prettier'
import { summaryOf, type RunSample } from '../test/runner/reports.ts'

const PROJECT_ID = '5a8591dd-4039-49df-9202-96385ba3eff8'
const WORKSPACE = 'https://app.hex.tech/acme'

function runUrls(runId: string): Pick<RunSample, 'runId' | 'runUrl' | 'statusUrl'> {
  return {
    runId,
    runUrl: `${WORKSPACE}/app/${PROJECT_ID}/latest?runId=${runId}`,
    statusUrl: `https://app.hex.tech/api/v1/projects/${PROJECT_ID}/runs/${runId}`
  }
}

/** Reports as src/action/report.ts words them on each path, with the messages and notes it writes. */
export const SAMPLES = {
  completed: {
    projectId: PROJECT_ID,
    status: 'COMPLETED',
    succeeded: true,
    ...runUrls('0c7e5b8a-2f41-4d6e-9b13-7a9d2c4e1f60'),
    traceId: '3f9a1c7e52d84b06a1e2c9d7f0b34a58',
    projectVersion: '12',
    startedAt: '2026-11-29T12:00:02.114Z',
    endedAt: '2026-11-29T12:01:07.530Z',
    elapsedMs: 65_416,
    usualMs: 62_000,
    projectTitle: 'Weekly revenue dashboard',
    queuedMs: 182_407,
    runMs: 65_416,
    inputParams: {
      region: 'emea',
      start_date: '2026-11-01',
      include_returns: true,
      segments: ['smb', 'enterprise'],
      report_title: 'Q4 revenue — EMEA & APAC <draft>'
    },
    notes: []
  },
  errored: {
    projectId: PROJECT_ID,
    status: 'ERRORED',
    succeeded: false,
    ...runUrls('9d2b6f13-8e07-4c5a-b6d1-3e4f5a6b7c8d'),
    traceId: 'b81d04e6c3a2497f8e5d1c0a9b7f6e21',
    projectVersion: '12',
    startedAt: '2026-11-29T12:10:00.870Z',
    endedAt: '2026-11-29T12:12:14.902Z',
    elapsedMs: 134_032,
    projectTitle: 'Weekly revenue dashboard',
    queuedMs: 3_180,
    runMs: 134_032,
    inputParams: { region: 'apac', start_date: '2026-11-01' },
    message:
      'Hex run 9d2b6f13-8e07-4c5a-b6d1-3e4f5a6b7c8d ended ERRORED after 2m 14s. A cell failed: open the run in Hex to see which.',
    notes: []
  },
  timeout: {
    projectId: PROJECT_ID,
    status: 'TIMEOUT',
    succeeded: false,
    ...runUrls('4a1e7c92-5b3d-4f08-8c6e-0d2f9b1a3e57'),
    traceId: 'e4c7a9015b3d42f68a0c1e9d7b2f5a34',
    projectVersion: '12',
    startedAt: '2026-11-29T13:00:01.402Z',
    endedAt: '2026-11-29T13:30:01.655Z',
    elapsedMs: 1_800_253,
    usualMs: 480_000,
    projectTitle: 'Weekly revenue dashboard',
    queuedMs: 2_950,
    inputParams: { region: 'global', start_date: '2025-01-01', full_refresh: true },
    message:
      'Hex run 4a1e7c92-5b3d-4f08-8c6e-0d2f9b1a3e57 did not finish within the timeout of 30m 0s (last status RUNNING).',
    notes: ['The run was cancelled in Hex.']
  }
} satisfies Record<string, RunSample>

export type SampleName = keyof typeof SAMPLES

const marked = new Marked({ gfm: true, breaks: false, async: false })

/** Markdown to HTML as GitHub renders a job summary, minus its sanitizer. */
export function markdownToHtml(markdown: string): string {
  return marked.parse(markdown, { async: false })
}

/** Primer's markdown-body rules that the summary uses, light theme. */
const STYLE = `
  * { box-sizing: border-box; }
  body { margin: 0; padding: 16px; background: #f6f8fa; color: #1f2328;
    font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial,
      sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji";
    font-size: 14px; line-height: 1.5; }
  .box { background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; }
  .box-header { padding: 16px; font-size: 16px; font-weight: 600; border-bottom: 1px solid #d1d9e0; }
  .markdown-body { padding: 16px 24px 8px; word-wrap: break-word; }
  .markdown-body > :first-child { margin-top: 0 !important; }
  h3 { margin: 24px 0 16px; font-size: 1.25em; font-weight: 600; line-height: 1.25; }
  p, blockquote, ul, table, pre, details { margin-top: 0; margin-bottom: 16px; }
  a { color: #0969da; text-decoration: underline; text-underline-offset: .2rem; }
  strong { font-weight: 600; }
  table { display: block; width: max-content; max-width: 100%; overflow: auto;
    border-spacing: 0; border-collapse: collapse; font-variant: tabular-nums; }
  table tr { background: #fff; border-top: 1px solid #d1d9e0b3; }
  table tr:nth-child(2n) { background: #f6f8fa; }
  table th, table td { padding: 6px 13px; border: 1px solid #d1d9e0; }
  table th { font-weight: 600; }
  code, pre { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas,
    "Liberation Mono", monospace; font-size: 85%; }
  code { padding: .2em .4em; margin: 0; white-space: break-spaces; background: #818b981f;
    border-radius: 6px; }
  pre { padding: 16px; overflow: auto; line-height: 1.45; background: #f6f8fa; border-radius: 6px; }
  pre code { padding: 0; font-size: 100%; background: transparent; white-space: pre; }
  blockquote { margin-left: 0; margin-right: 0; padding: 0 1em; color: #59636e;
    border-left: .25em solid #d1d9e0; }
  ul { padding-left: 2em; }
  summary { cursor: pointer; display: list-item; }
  details > summary + * { margin-top: 16px; }
`

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** A whole page: the job summary box GitHub shows under a run, headed by the job's name. */
export function summaryPage(report: RunSample, job = 'hex'): string {
  const body = markdownToHtml(summaryOf(report))
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(`${job} summary: ${report.status}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<div class="box">
<div class="box-header">${escapeHtml(job)} summary</div>
<div class="markdown-body">
${body}</div>
</div>
<script>document.body.dataset.height = String(Math.ceil(document.documentElement.scrollHeight))</script>
</body>
</html>
`
}

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DOCS = join(ROOT, 'docs')
const WIDTH = 900

function chromium(args: string[]): string {
  const profile = mkdtempSync(join(tmpdir(), 'render-summary-'))
  try {
    return execFileSync(
      process.env.CHROMIUM ?? 'chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        ...args
      ],
      { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] }
    )
  } finally {
    rmSync(profile, { recursive: true, force: true })
  }
}

/** Lays the page out at the screenshot's width and reads back the height its script recorded. */
function measure(url: string): number {
  const dom = chromium([`--window-size=${WIDTH},600`, '--dump-dom', url])
  const match = /data-height="(\d+)"/.exec(dom)
  if (!match?.[1]) throw new Error(`Could not measure ${url}`)
  return Number(match[1])
}

function screenshot(html: string, png: string): void {
  const url = pathToFileURL(html).href
  const height = measure(url)
  chromium([`--window-size=${WIDTH},${height}`, `--screenshot=${png}`, url])
  console.log(`wrote ${png} (${WIDTH}x${height})`)
}

/** Written as Prettier would, so `npm run format:check` passes on the committed pages. */
async function prettierHtml(html: string, file: string): Promise<string> {
  return format(html, { ...(await resolveConfig(file)), filepath: file })
}

const USAGE = 'usage: npm run render-summary -- [--screenshot]'

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE)
    return
  }
  const unknown = args.filter((arg) => arg !== '--screenshot')
  if (unknown.length > 0) {
    console.error(`render-summary: unknown argument '${unknown[0]}'\n${USAGE}`)
    process.exitCode = 2
    return
  }
  const withScreenshots = args.includes('--screenshot')
  mkdirSync(DOCS, { recursive: true })
  for (const [name, report] of Object.entries(SAMPLES)) {
    const html = join(DOCS, `summary-${name}.html`)
    writeFileSync(html, await prettierHtml(summaryPage(report), html))
    console.log(`wrote ${html}`)
    if (withScreenshots) screenshot(html, join(DOCS, `summary-${name}.png`))
  }
}

if (import.meta.main) await main()

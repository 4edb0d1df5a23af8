/**
 * docs/troubleshooting.md cannot drift from the messages in src/: every message a heading quotes
 * is still in the source, every message template of src/hex/errors.ts (and a maintained list of
 * the others) has a heading, and the page's index and links lead where they say.
 */
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it } from '@jest/globals'
import { RUNNER_WORDS, sentence } from '../src/step/words.ts'
import { Input, TOKEN_ENV } from '../src/step/inputs.ts'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const DOC_PATH = 'docs/troubleshooting.md'
const doc = readFileSync(join(ROOT, DOC_PATH), 'utf8')

/** Stands for an interpolation (`${…}`) of the source. */
const WILD = '\u0000'
const INPUT_NAMES: readonly string[] = Object.values(Input)

/**
 * A source file as its messages read: `${Input.X}` and `${TOKEN_ENV}` become the names they hold,
 * every other interpolation one WILD, and escaped quotes plain quotes.
 */
function normalise(source: string): string {
  const name = (key: string) => (key in Input ? Input[key as keyof typeof Input] : key)
  const text = source
    // The runner's words (src/step/words.ts): input(Input.X) is `Input 'x'`, inputs([…]) is
    // `Inputs 'x' and 'y'`, ref(Input.X) is `'x'`; with a variable, the name stays open.
    .replace(/\$\{(?:words\.)?input\(Input\.(\w+)\)\}/g, (_, key: string) => `Input '${name(key)}'`)
    .replace(/\$\{(?:words\.)?input\((\w+)\)\}/g, (_, v: string) => `Input '\${${v}}'`)
    .replace(
      /\$\{(?:words\.)?inputs\(\[([^\]]*)\]\)\}/g,
      (_, list: string) =>
        `Inputs '${[...list.matchAll(/Input\.(\w+)/g)].map((m) => name(m[1] ?? '')).join("' and '")}'`
    )
    .replace(/\$\{(?:words\.)?ref\(Input\.(\w+)\)\}/g, (_, key: string) => `'${name(key)}'`)
    .replaceAll('${words.stopped}', RUNNER_WORDS.stopped)
    .replaceAll('${sentence(words.stopped)}', sentence(RUNNER_WORDS.stopped))
    .replace(/\$\{Input\.(\w+)\}/g, (whole, key: string) =>
      key in Input ? Input[key as keyof typeof Input] : whole
    )
    .replaceAll('${TOKEN_ENV}', TOKEN_ENV)
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (c === '\\' && i + 1 < text.length) {
      const next = text[i + 1] as string
      out += `'"\`$\\`.includes(next) ? next : c + next
      i++
    } else if (c === '$' && text[i + 1] === '{') {
      let depth = 0
      let j = i + 1
      for (; j < text.length; j++) {
        if (text[j] === '{') depth++
        else if (text[j] === '}' && --depth === 0) break
      }
      out += WILD
      i = j
    } else out += c
  }
  return out
}

const sourceFiles = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts'))
  .map((file) => `src/${file.replaceAll('\\', '/')}`)
const sources = new Map(
  sourceFiles.map((file) => [file, normalise(readFileSync(join(ROOT, file), 'utf8'))])
)
const sourceLines = [...sources.values()].flatMap((text) => text.split('\n'))

/**
 * Whether `fragment` reads somewhere in `line`: its characters match the line's, and an
 * interpolation stands for any run of non-space characters (a status, an input's name), or none.
 */
function readsIn(fragment: string, line: string): boolean {
  if (line.replaceAll(WILD, '').includes(fragment)) return true
  if (!line.includes(WILD)) return false
  const n = line.length
  const close = (states: Set<number>): Set<number> => {
    for (const p of states) if (line[p] === WILD) states.add(p + 1)
    return states
  }
  let states = close(new Set(Array.from({ length: n + 1 }, (_, p) => p)))
  for (const c of fragment) {
    const next = new Set<number>()
    for (const p of states) {
      if (p >= n) continue
      if (line[p] === WILD) {
        if (!/\s/.test(c)) next.add(p)
      } else if (line[p] === c) next.add(p + 1)
    }
    states = close(next)
    if (states.size === 0) return false
  }
  return true
}

function inSource(fragment: string): boolean {
  return sourceLines.some((line) => readsIn(fragment, line))
}

interface Heading {
  level: number
  /** As written, code spans included. */
  text: string
  /** The text of each code span. */
  spans: string[]
  line: number
}

/** The headings of a Markdown text, outside fenced blocks. */
function headingsOf(markdown: string): Heading[] {
  const found: Heading[] = []
  let fence: string | undefined
  markdown.split('\n').forEach((line, i) => {
    const f = /^(`{3,}|~{3,})/.exec(line)?.[1]
    if (f !== undefined) {
      if (fence === undefined) fence = f
      else if (f.startsWith(fence)) fence = undefined
      return
    }
    const m = fence === undefined ? /^(#{1,6})\s+(.*?)\s*$/.exec(line) : null
    if (m)
      found.push({
        level: (m[1] as string).length,
        text: m[2] as string,
        spans: [...(m[2] as string).matchAll(/`([^`]+)`/g)].map((s) => s[1] as string),
        line: i + 1
      })
  })
  return found
}

/** The anchor GitHub gives a heading: its text, lower case, punctuation dropped, spaces as `-`. */
function slug(headingText: string): string {
  return headingText
    .replaceAll('`', '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replaceAll(' ', '-')
}

const headings = headingsOf(doc)
const messageHeadings = headings.filter((h) => h.level >= 3 && h.spans.length > 0)
const spans = messageHeadings.flatMap((h) => h.spans.map((span) => ({ span, heading: h })))

/** The index the page should carry between its markers: every heading below the title. */
function expectedIndex(): string {
  return headings
    .filter((h) => h.level >= 2)
    .map((h) => `${'  '.repeat(h.level - 2)}- [${h.text}](#${slug(h.text)})`)
    .join('\n')
}

/**
 * Message templates that must each have a heading quoting these words, per file. The phrases are
 * checked against the file too, so the list cannot keep words the source no longer has.
 */
const HEADED: Record<string, string[]> = {
  'src/hex/errors.ts': [
    ': no answer from ',
    ' could not be read: ',
    ' redirecting to ',
    ' rejected the API token (401 Unauthorized)',
    'Hex refused to list projects to find project ',
    ' (403 Forbidden): the API token lacks the "Run projects" scope',
    'Hex found no project ',
    'Hex found no run ',
    ' (422 Unprocessable)',
    ' when asked to '
  ],
  'src/hex/projects.ts': [
    "' matches none of the ",
    ' projects the token can see',
    'Could not list the projects to find '
  ],
  'src/runs/start.ts': [
    "Hex's answer to the trigger was lost (",
    '), so whether it started a run is unknown'
  ],
  'src/lib/errors.ts': ['Unexpected error: '],
  'src/runs/wait.ts': ['Status reads failed for the last '],
  'src/step/report.ts': [
    ' did not finish within the timeout of ',
    ' while the run was being started; Hex may have started it',
    'Not started: the workflow was cancelled first',
    'Not started: another run failed, and fail-fast is on',
    ' ended ',
    " is in progress. Input 'if-running' is skip: no run was started.",
    ' was still in progress at the timeout of ',
    'Could not tell whether the project has a run in progress, so none was started',
    "Input 'if-running' is attach: the step attached to Hex run "
  ],
  'src/step/words.ts': ['the workflow was cancelled', ' is empty and HEX_API_TOKEN is not set'],
  'src/step/settings.ts': [
    ' must be a duration such as 90s, 30m, 1h30m or a number of seconds',
    ' seconds. If you meant minutes',
    "Inputs 'project-id' and 'project-name' cannot be used together",
    "Inputs 'view-id' and 'input-params' cannot be used together",
    ' must be true or false'
  ],
  'src/step/run-settings.ts': [
    "Input 'if-running' must be one of start, wait, attach or skip",
    ", but 'run-id' follows a run that has already started"
  ],
  'src/step/status-settings.ts': [
    "Input 'commit-status' is true, but ",
    ' only applies with commit-status: true'
  ],
  'src/action/commit-status.ts': [') could not be posted: '],
  'src/github/statuses.ts': ['? Set sha to one of its commits'],
  'src/github/ask.ts': [
    'the token in github-token is not valid',
    'GitHub could not be reached: ',
    'GitHub did not answer in time'
  ],
  'src/github/comments.ts': ['GitHub did not take the comment', ' comments, and the action'],
  'src/action/pr-comment.ts': [
    ' could not be posted: ',
    ' event, not a pull request: no comment is posted',
    " event's payload has no pull_request.number"
  ],
  'src/action/main.ts': ['The pull-request comment could not be posted: '],
  'src/action/post.ts': [
    ' may still be going: cancelling it failed: ',
    ' may still be going; the inputs could not be read again to cancel them',
    ' stay pending; the inputs could not be read again to finish them',
    'The post step could not finish: '
  ],
  'src/step/narrate.ts': ["Polling without the project's run history: "],
  'src/step/outcome-words.ts': [
    // "The workflow was cancelled" is sentence(words.stopped): RUNNER_WORDS in words.ts.
    'Another run failed and fail-fast is on: stopped',
    'Could not cancel Hex run '
  ],
  'src/step/progress.ts': ["', which this action does not know"],
  'src/action/publish.ts': ['Could not write the job summary: ']
}

/** Parts of errors.ts messages (Hex's own words, the advice) the page explains in its text. */
const EXPLAINED = [
  'Hex said: ',
  'Hex trace ID',
  'input parameters not in the project',
  'invalid value for input parameter',
  'Settings > API keys',
  'Can view app',
  'attempts over '
]

/** The template literals of a source file that open a message (not its continuations). */
function messageOpenings(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  return [...code.matchAll(/`((?:[^`\\]|\\.)*)`/g)]
    .map((m) => m[1] as string)
    .filter((text) => text.length >= 25 && !/^\s/.test(text))
}

describe('docs/troubleshooting.md', () => {
  it('quotes in each message heading only words the source still has', () => {
    assert.ok(messageHeadings.length >= 40, `found ${messageHeadings.length} message headings`)
    const stale: string[] = []
    for (const { span, heading } of spans) {
      const fragments = span
        .replaceAll('’', "'")
        .split('…')
        .map((f) => f.trim())
        .filter((f) => /\w/.test(f))
      for (const fragment of fragments)
        if (!inSource(fragment)) stale.push(`line ${heading.line}: "${fragment}"`)
    }
    assert.deepEqual(stale, [], 'heading words found nowhere in src/')
  })

  it("names only the action's inputs in headings", () => {
    for (const { span, heading } of spans)
      for (const m of span.matchAll(/\bInputs? '([^'…]+)'/g))
        assert.ok(INPUT_NAMES.includes(m[1] as string), `line ${heading.line}: no input ${m[1]}`)
  })

  it('has a heading for every message template of src/hex/errors.ts', () => {
    const phrases = [...(HEADED['src/hex/errors.ts'] ?? []), ...EXPLAINED]
    const raw = readFileSync(join(ROOT, 'src/hex/errors.ts'), 'utf8')
    const openings = messageOpenings(raw)
    assert.ok(openings.length >= 10, `found ${openings.length} message templates`)
    const unlisted = openings.filter((t) => !phrases.some((p) => normalise(t).includes(p)))
    assert.deepEqual(unlisted, [], 'errors.ts messages with no phrase in HEADED or EXPLAINED')
  })

  it('has a heading for each listed message, and the source still has each phrase', () => {
    const headingText = spans.map((s) => s.span).join('\n')
    const docText = doc.replace(/\s+/g, ' ')
    for (const [file, phrases] of Object.entries(HEADED)) {
      const source = sources.get(file)
      assert.ok(source !== undefined, `${file} exists`)
      for (const phrase of phrases) {
        assert.ok(readsIn(phrase, source.replaceAll('\n', ' ')), `${file} says "${phrase}"`)
        assert.ok(headingText.includes(phrase), `a heading quotes "${phrase}" (${file})`)
      }
    }
    for (const phrase of EXPLAINED) {
      assert.ok(inSource(phrase), `src/ says "${phrase}"`)
      assert.ok(docText.includes(phrase), `the page explains "${phrase}"`)
    }
  })

  it('gives every heading its own anchor, and lists them all in its index', () => {
    const anchors = headings.map((h) => slug(h.text))
    const twice = anchors.filter((a, i) => anchors.indexOf(a) !== i)
    assert.deepEqual(twice, [], 'headings with the same anchor')
    const index = /<!-- index -->([\s\S]*?)<!-- \/index -->/.exec(doc)?.[1]
    assert.ok(index !== undefined, 'the page has <!-- index --> and <!-- /index --> markers')
    assert.equal(index.trim(), expectedIndex(), 'the index between the markers')
  })

  it('links only to headings and files that exist, and to no README anchor', () => {
    const anchors = new Set(headings.map((h) => slug(h.text)))
    for (const m of doc.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1] as string
      if (/^https?:\/\//.test(target)) continue
      if (target.startsWith('#')) {
        assert.ok(anchors.has(target.slice(1)), `no heading for ${target}`)
        continue
      }
      const [file, anchor] = target.split('#')
      assert.ok(existsSync(join(ROOT, 'docs', file as string)), `${target} exists`)
      assert.ok(anchor === undefined || !/README\.md$/.test(file as string), `${target}: no anchor`)
    }
  })

  it('checks fragments as the source reads them', () => {
    // An interpolation stands for one word (a status, an input's name), not for a sentence.
    assert.ok(readsIn("Input 'timeout' must be", `Input '${WILD}' must be ${WILD}`))
    assert.ok(readsIn('ended ERRORED after', `Hex run ${WILD} ended ${WILD} after ${WILD}.`))
    assert.ok(!readsIn('ended with an error after', `Hex run ${WILD} ended ${WILD} after`))
    assert.ok(!readsIn('ended ERRORED before', `Hex run ${WILD} ended ${WILD} after`))
    assert.equal(normalise("`Input '${Input.Timeout}' is ${x}`"), `\`Input 'timeout' is ${WILD}\``)
    assert.equal(normalise("'the project\\'s runs'"), "'the project's runs'")
  })
})

/**
 * The bundles as ASCII, for scripts/package.ts: every character past U+007F that ncc leaves in
 * them (undici's comments quote the Fetch standard's typography, the action's messages have
 * ellipses, arrows and a few emoji) written as a `\uXXXX` escape.
 *
 * Why: Node reads an ASCII file straight into a one-byte string. One character past it makes the
 * whole 1.2 MB source a two-byte string, decoded from UTF-8 at every start (3 to 4 ms, before a
 * line runs) and held at twice its size for as long as the process lives.
 *
 * The code is the same: escapes go only in comments, string literals and untagged template
 * literals, where they stand for the very characters they replace, and the escaped bundle's
 * syntax tree is checked against the original's (positions and raw text aside). Anywhere else (a
 * regular expression, a name, a tagged template's raw text) the build stops and says where.
 */
import { parse, type Node, type Options } from 'acorn'

/** Every UTF-16 unit past U+007F (a surrogate pair is two). */
const NOT_ASCII = /[\u0080-\uffff]/g
/** Where a `\u` escape means the same character. */
const ESCAPABLE = new Set(['comment', 'string', 'template'])

interface Span {
  kind: string
  start: number
  end: number
}

/** `code` with every non-ASCII UTF-16 unit escaped; throws where that would change the code. */
export function asciiOnly(code: string, file: string): string {
  if (code.search(NOT_ASCII) < 0) return code
  const spans: Span[] = []
  const options: Options = {
    ecmaVersion: 'latest',
    sourceType: 'module',
    onComment: (_block, _text, start, end) => spans.push({ kind: 'comment', start, end }),
    onToken: (token) => spans.push({ kind: token.type.label, start: token.start, end: token.end })
  }
  const before = parse(code, options)
  spans.sort((a, b) => a.start - b.start)
  const tagged = taggedTemplates(before)

  let out = ''
  let from = 0
  let s = 0
  for (const match of code.matchAll(NOT_ASCII)) {
    const at = match.index
    while (s < spans.length && (spans[s] as Span).end <= at) s++
    const span = spans[s]
    const kind = span !== undefined && span.start <= at ? span.kind : 'code'
    const where = `${file}: a character past ASCII (U+${hex(code.charCodeAt(at))}) at offset ${at}`
    if (!ESCAPABLE.has(kind)) throw new Error(`${where} is in ${kind}, where an escape differs`)
    if (kind === 'template' && tagged.some((t) => t.start <= at && at < t.end))
      throw new Error(`${where} is in a tagged template, whose raw text an escape would change`)
    out += `${code.slice(from, at)}\\u${hex(code.charCodeAt(at))}`
    from = at + 1
  }
  out += code.slice(from)

  if (!sameTree(before, parse(out, { ecmaVersion: 'latest', sourceType: 'module' })))
    throw new Error(`${file}: the escaped bundle does not parse to the same code`)
  return out
}

const hex = (unit: number): string => unit.toString(16).toUpperCase().padStart(4, '0')

/** The quasis of every tagged template, whose raw text the tag can read. */
function taggedTemplates(root: Node): Span[] {
  const found: Span[] = []
  walk(root, (node) => {
    if (node.type === 'TaggedTemplateExpression') {
      const quasi = (node as Node & { quasi: Node }).quasi
      found.push({ kind: 'template', start: quasi.start, end: quasi.end })
    }
  })
  return found
}

function walk(value: unknown, visit: (node: Node) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit)
    return
  }
  if (typeof value !== 'object' || value === null || value instanceof RegExp) return
  if (typeof (value as { type?: unknown }).type === 'string') visit(value as Node)
  for (const child of Object.values(value)) if (typeof child === 'object') walk(child, visit)
}

/** Where the text differs but the code does not: offsets, and literals' raw text. */
const IGNORED = new Set(['start', 'end', 'raw'])

function sameTree(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (a instanceof RegExp || b instanceof RegExp)
    return (
      a instanceof RegExp && b instanceof RegExp && a.source === b.source && a.flags === b.flags
    )
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    return a.every((item, i) => sameTree(item, b[i]))
  }
  const keys = Object.keys(a).filter((k) => !IGNORED.has(k))
  if (keys.length !== Object.keys(b).filter((k) => !IGNORED.has(k)).length) return false
  return keys.every(
    (k) => k in b && sameTree((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
  )
}

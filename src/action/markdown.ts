/**
 * Markdown for the job summary from text that may hold anything (Hex's answers, echoed inputs):
 * secrets redacted first, then kept on one line and inert: no HTML, no emphasis, no links but
 * the ones the summary means, no mention of anyone.
 */
import { redact, stripControls } from '../lib/safe-text.ts'

/** What the summary is rendered against besides the report. */
export interface SummaryView {
  /** The api-url of the step: links go only to its host, or to Hex's. */
  apiBase?: string
  /** Redacted from every piece of text, before any Markdown escaping. */
  secrets?: readonly string[]
}

/** One piece of text from Hex or the user is cut here: the summary stays well under GitHub's 1 MiB. */
const MAX_CELL = 4096
/** The input-parameters block is cut here, with a note saying so. */
export const MAX_PARAMS_JSON = 64 * 1024

/** Text from Hex or the user goes into a Markdown table: keep it on one line and inert. */
export function cell(raw: string): string {
  const text = raw.length > MAX_CELL ? `${raw.slice(0, MAX_CELL)}… (cut)` : raw
  return (
    stripControls(text)
      // Markdown first: a Hex message about __init__ must not turn bold. Before the entities below,
      // whose # and & it would otherwise break.
      .replace(/[\\`*_[\]~#]/g, '\\$&')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/\|/g, '&#124;')
      .replace(/\n/g, ' ')
      // GitHub links bare URLs and www. names in text; an entity (the same text to a reader) in
      // place of the `:` of `://` and the `.` of `www.` keeps Hex's text from becoming a link.
      .replace(/:\/\//g, '&#58;//')
      .replace(/\b(www)\./gi, '$1&#46;')
      // No one is mentioned (or notified) by a title or a message: `@name` stays text.
      .replace(/@/g, '&#64;')
  )
}

export function code(text: string): string {
  return `<code>${cell(text)}</code>`
}

/**
 * Whether a URL from Hex may be a link: https to the api-url's host or to a Hex host
 * (hex.tech and its subdomains), or the api-url's own origin exactly (a stand-in on loopback).
 */
export function linkable(url: string, apiBase: string | undefined): boolean {
  let target: URL
  try {
    target = new URL(url)
  } catch {
    return false
  }
  if (target.username !== '' || target.password !== '') return false
  let api: URL | undefined
  try {
    api = apiBase === undefined ? undefined : new URL(apiBase)
  } catch {
    api = undefined
  }
  if (api !== undefined && target.origin === api.origin) return true
  if (target.protocol !== 'https:') return false
  const host = target.hostname.toLowerCase()
  return host === 'hex.tech' || host.endsWith('.hex.tech') || host === api?.hostname.toLowerCase()
}

export function link(url: string, text: string, view: SummaryView): string {
  // Only links to Hex (or the api-url's host) are rendered as links; anything else is text.
  if (!linkable(url, view.apiBase)) return cell(url)
  const safe = url.replace(
    /[\s()<>|[\]`]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
  )
  return `[${cell(text)}](${safe})`
}

/** Every string in a report with the secrets redacted: done first, before any escaping. */
export function redacted<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value
  if (typeof value === 'string') return redact(value, secrets) as T
  if (Array.isArray(value)) return value.map((v: unknown) => redacted(v, secrets)) as T
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const copy: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) copy[k] = redacted(v, secrets)
    return copy as T
  }
  return value
}

/** One line of text (e.g. the post step's) for the summary: secrets redacted, then escaped. */
export function summaryText(text: string, secrets: readonly string[] = []): string {
  return cell(redact(text, secrets))
}

export function fence(body: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length))
  const ticks = '`'.repeat(longest + 1)
  return `${ticks}json\n${body}\n${ticks}`
}

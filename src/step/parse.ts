/**
 * Parsers for the inputs that take more than a word: each turns the text into its value, or adds
 * a problem to `errors` that names the input and the form it takes (settings.ts reports them all).
 */
import { errorMessage } from '../lib/errors.ts'
import { tokenUrlProblem } from '../lib/hosts.ts'
import { isUuid, uuidInside } from '../lib/ids.ts'
import { Input, type InputName } from './inputs.ts'
import { RUNNER_WORDS, type Words } from './words.ts'

/** What Hex's RunProject accepts in a notification (ProjectRunNotification). */
const NOTIFICATION_TYPES = ['SUCCESS', 'FAILURE', 'ALL']
const SCREENSHOT_FORMATS = ['png', 'pdf']

/** One item per line; blank lines are dropped. */
export function lines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
}

/**
 * A whole number from `min` (default 1) up to `max` (none by default); out of range, or not a
 * whole number, it is an error that names the allowed values, and `min` stands in.
 */
export function parseCount(
  name: InputName,
  value: string,
  errors: string[],
  words: Words,
  range: { min?: number; max?: number } = {}
): number {
  const { min = 1, max } = range
  const count = /^\d+$/.test(value) ? Number(value) : Number.NaN
  if (count >= min && (max === undefined || count <= max)) return count
  const allowed = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`
  errors.push(`${words.input(name)} must be a whole number ${allowed}, got '${value}'.`)
  return min
}

export function parseProjectId(value: string, errors: string[], words: Words): string {
  if (isUuid(value)) return value.toLowerCase()
  const inside = uuidInside(value)
  const hint = inside ? ` Did you mean '${inside}'?` : ''
  errors.push(
    `${words.input(Input.ProjectId)} must be a project UUID such as 5a8591dd-4039-49df-9202-96385ba3eff8 (found after /hex/ in the project's URL), got '${value}'.${hint}`
  )
  return value
}

export function parseInputParams(
  value: string,
  errors: string[],
  words: Words
): Record<string, unknown> {
  const input = words.input(Input.InputParams)
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch (error) {
    errors.push(
      `${input} must be a JSON object such as {"region": "emea"}: ${errorMessage(error)}.`
    )
    return {}
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const kind = Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed
    errors.push(`${input} must be a JSON object such as {"region": "emea"}, got ${kind}.`)
    return {}
  }
  if (depth(parsed) > MAX_INPUT_PARAMS_DEPTH) {
    // Deeper than this, writing the request (or the log of it) out again overflows the stack.
    errors.push(`${input} is nested more than ${MAX_INPUT_PARAMS_DEPTH} levels deep.`)
    return {}
  }
  return parsed as Record<string, unknown>
}

/** How deep input-params may nest: far beyond any real parameter, far below the stack's limit. */
export const MAX_INPUT_PARAMS_DEPTH = 100

/** How deep a parsed JSON value nests (a scalar is 0), found without recursion. */
function depth(value: unknown): number {
  let deepest = 0
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length > 0) {
    const [item, level] = stack.pop() as [unknown, number]
    if (typeof item !== 'object' || item === null) continue
    deepest = Math.max(deepest, level + 1)
    if (deepest > MAX_INPUT_PARAMS_DEPTH) return deepest
    for (const child of Object.values(item)) stack.push([child, level + 1])
  }
  return deepest
}

export function parseNotifications(
  value: string,
  errors: string[],
  words: Words
): Record<string, unknown>[] | undefined {
  if (value === '') return undefined
  const input = words.input(Input.Notifications)
  const form = `a JSON array such as [{"type": "FAILURE", "includeSuccessScreenshot": false, "userIds": ["..."]}]`
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch (error) {
    errors.push(`${input} must be ${form}: ${errorMessage(error)}.`)
    return undefined
  }
  if (!Array.isArray(parsed)) {
    errors.push(`${input} must be ${form}.`)
    return undefined
  }
  parsed.forEach((item: unknown, i) => {
    const where = `${input} item ${i + 1}`
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      errors.push(`${where} must be an object, as in ${form}.`)
      return
    }
    const o = item as Record<string, unknown>
    if (typeof o.type !== 'string' || !NOTIFICATION_TYPES.includes(o.type))
      errors.push(`${where} needs "type": one of ${NOTIFICATION_TYPES.join(', ')}.`)
    if (typeof o.includeSuccessScreenshot !== 'boolean')
      errors.push(`${where} needs "includeSuccessScreenshot": true or false.`)
    if (
      o.screenshotFormat !== undefined &&
      (typeof o.screenshotFormat !== 'string' || !SCREENSHOT_FORMATS.includes(o.screenshotFormat))
    )
      errors.push(`${where} has "screenshotFormat": it must be "png" or "pdf".`)
    for (const list of ['slackChannelIds', 'userIds', 'groupIds'])
      if (
        o[list] !== undefined &&
        !(Array.isArray(o[list]) && o[list].every((id) => typeof id === 'string'))
      )
        errors.push(`${where} has "${list}": it must be an array of strings.`)
    for (const text of ['subject', 'body'])
      if (o[text] !== undefined && typeof o[text] !== 'string')
        errors.push(`${where} has "${text}": it must be a string.`)
  })
  return parsed as Record<string, unknown>[]
}

/**
 * Accepts the API base (https://eu.hex.tech/api/v1), its parent (/api) or a bare host, and returns
 * the API base. The token goes to this host, so it must be https (plain http only on loopback,
 * for tests) and carry no credentials, query or fragment.
 */
export function parseApiUrl(value: string, errors: string[], words: Words = RUNNER_WORDS): string {
  const input = words.input(Input.ApiUrl)
  const form = `a Hex host such as https://eu.hex.tech or its API base https://eu.hex.tech/api/v1`
  let url: URL
  try {
    url = new URL(value)
  } catch {
    errors.push(`${input} must be ${form}, got '${value}'.`)
    return value
  }
  const problem = tokenUrlProblem(url)
  if (problem === 'credentials') {
    errors.push(`${input} must be ${form}, without credentials, query or fragment.`)
    return value
  }
  if (problem === 'insecure') {
    errors.push(`${input} must use https:// (the API token is sent to it), got '${value}'.`)
    return value
  }
  // A reverse proxy may put the API under a prefix; the path must still end in /api or /api/v1.
  const path = url.pathname.replace(/\/+$/, '')
  if (path === '') return `${url.origin}/api/v1`
  if (path.endsWith('/api/v1')) return `${url.origin}${path}`
  if (path.endsWith('/api')) return `${url.origin}${path}/v1`
  errors.push(`${input} must be ${form}, got '${value}' (path ${url.pathname}).`)
  return value
}

import type { ParamType } from './types.ts'

/** A RunProject body that passed validation; unknown keys are ignored, as Hex's schema allows. */
export interface RunBody {
  inputParams?: Record<string, unknown>
  dryRun?: boolean
  updatePublishedResults?: boolean
  useCachedSqlResults?: boolean
  updateCache?: boolean
  viewId?: string
  notifications?: NotificationRequest[]
}

export interface NotificationRequest {
  type: 'SUCCESS' | 'FAILURE' | 'ALL'
  includeSuccessScreenshot: boolean
  slackChannelIds?: string[]
  userIds?: string[]
  groupIds?: string[]
}

export type Validated<T> = { ok: true; value: T } | { ok: false; issues: string[] }

const BOOLEAN_FIELDS = ['dryRun', 'updatePublishedResults', 'useCachedSqlResults', 'updateCache']
const NOTIFICATION_TYPES = ['SUCCESS', 'FAILURE', 'ALL']
const RECIPIENT_LISTS = ['slackChannelIds', 'userIds', 'groupIds']

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function kind(value: unknown): string {
  if (value === null) return 'null'
  return Array.isArray(value) ? 'array' : typeof value
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
}

function notificationIssues(item: unknown, at: string): string[] {
  if (!isObject(item)) return [`${at}: expected object, received ${kind(item)}`]
  const issues: string[] = []
  if (typeof item.type !== 'string' || !NOTIFICATION_TYPES.includes(item.type)) {
    issues.push(`${at}.type: expected one of ${NOTIFICATION_TYPES.join(', ')}`)
  }
  if (typeof item.includeSuccessScreenshot !== 'boolean') {
    const got = kind(item.includeSuccessScreenshot)
    issues.push(`${at}.includeSuccessScreenshot: expected boolean, received ${got}`)
  }
  for (const list of RECIPIENT_LISTS) {
    if (item[list] !== undefined && !isStringArray(item[list])) {
      issues.push(`${at}.${list}: expected an array of strings`)
    }
  }
  for (const text of ['subject', 'body']) {
    if (item[text] !== undefined && typeof item[text] !== 'string') {
      issues.push(`${at}.${text}: expected string, received ${kind(item[text])}`)
    }
  }
  if (
    item.screenshotFormat !== undefined &&
    (typeof item.screenshotFormat !== 'string' || !['png', 'pdf'].includes(item.screenshotFormat))
  ) {
    issues.push(`${at}.screenshotFormat: expected png or pdf`)
  }
  return issues
}

/** Checks a parsed RunProject body against RunProjectRequestBody; undefined is an empty body. */
export function validateRunBody(body: unknown): Validated<RunBody> {
  if (body === undefined) return { ok: true, value: {} }
  if (!isObject(body))
    return { ok: false, issues: [`body: expected object, received ${kind(body)}`] }
  const issues: string[] = []
  if (body.inputParams !== undefined && !isObject(body.inputParams)) {
    issues.push(`inputParams: expected object, received ${kind(body.inputParams)}`)
  }
  for (const field of BOOLEAN_FIELDS) {
    if (body[field] !== undefined && typeof body[field] !== 'boolean') {
      issues.push(`${field}: expected boolean, received ${kind(body[field])}`)
    }
  }
  if (body.viewId !== undefined && typeof body.viewId !== 'string') {
    issues.push(`viewId: expected string, received ${kind(body.viewId)}`)
  }
  if (body.notifications !== undefined) {
    if (!Array.isArray(body.notifications)) {
      issues.push(`notifications: expected array, received ${kind(body.notifications)}`)
    } else {
      body.notifications.forEach((item, i) => {
        issues.push(...notificationIssues(item, `notifications[${i}]`))
      })
    }
  }
  if (issues.length > 0) return { ok: false, issues }
  return { ok: true, value: body }
}

export interface InvalidParam {
  dataType: ParamType
  inputCellType: string
  paramValue: string
  paramName: string
}

// The cell a Hex app would use for each type; Hex's own names for them are not documented.
const CELL_TYPES: Record<ParamType, string> = {
  string: 'text',
  number: 'number',
  boolean: 'checkbox'
}

function hasType(value: unknown, type: ParamType): boolean {
  return type === 'number'
    ? typeof value === 'number' && Number.isFinite(value)
    : typeof value === type
}

/** Compares input params with a project's declared inputs; undefined when they all fit. */
export function checkInputParams(
  declared: Record<string, ParamType> | undefined,
  given: Record<string, unknown>
): { invalid: InvalidParam[]; notFound: string[] } | undefined {
  if (declared === undefined) return undefined
  const invalid: InvalidParam[] = []
  const notFound: string[] = []
  for (const [name, value] of Object.entries(given)) {
    const type = declared[name]
    if (type === undefined) notFound.push(name)
    else if (!hasType(value, type)) {
      invalid.push({
        dataType: type,
        inputCellType: CELL_TYPES[type],
        paramValue: JSON.stringify(value) ?? 'undefined',
        paramName: name
      })
    }
  }
  return invalid.length === 0 && notFound.length === 0 ? undefined : { invalid, notFound }
}

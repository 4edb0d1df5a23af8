/**
 * The event that started the workflow, as the runner describes it: GITHUB_EVENT_NAME, the payload
 * at GITHUB_EVENT_PATH and GITHUB_SHA. Read once, for every GitHub feature that needs it (the
 * commit a status goes on; the pull request a comment goes on).
 */
import { readFileSync } from 'node:fs'

/** What the runner says about the event that started the workflow. */
export interface GitHubEvent {
  /** GITHUB_EVENT_NAME. */
  name: string
  /** The event's payload (the JSON file at GITHUB_EVENT_PATH); undefined when it could not be read. */
  payload: unknown
  /** GITHUB_SHA. */
  sha: string
}

/** Reads a file; tests pass their own. */
export type FileReader = (path: string) => string

const readUtf8: FileReader = (path) => readFileSync(path, 'utf8')

/** The event of this job, from the runner's variables. */
export function readEvent(env: NodeJS.ProcessEnv, readFile: FileReader = readUtf8): GitHubEvent {
  return {
    name: env.GITHUB_EVENT_NAME ?? '',
    payload: readPayload(env.GITHUB_EVENT_PATH, readFile),
    sha: env.GITHUB_SHA ?? ''
  }
}

/** The event's payload; undefined when there is none or it does not parse. */
function readPayload(path: string | undefined, readFile: FileReader): unknown {
  if (!path) return undefined
  try {
    return JSON.parse(readFile(path)) as unknown
  } catch {
    return undefined
  }
}

/** payload.a.b.c, or undefined where the path breaks off. */
export function payloadField(payload: unknown, ...path: string[]): unknown {
  let value = payload
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined
    value = (value as Record<string, unknown>)[key]
  }
  return value
}

import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

export interface ActionYml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string; post?: string; 'post-if'?: string }
  branding?: { icon: string; color: string }
}

export const ROOT = new URL('../../', import.meta.url).pathname

/** action.yml as the runner reads it. */
export function readActionYml(): ActionYml {
  return parse(readFileSync(`${ROOT}action.yml`, 'utf8')) as ActionYml
}

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

/** What `${{ github.token }}` stands for in the tests' runner: a job's GITHUB_TOKEN. */
export const RUNNER_GITHUB_TOKEN = 'ghs_stand_in_job_token'

/**
 * The inputs' defaults as a runner passes them: `${{ github.token }}` evaluated (to
 * RUNNER_GITHUB_TOKEN), every other default as written.
 */
export function runnerDefaults(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(readActionYml().inputs)
      .filter(([, spec]) => spec.default !== undefined)
      .map(([name, spec]) => [
        name,
        (spec.default as string).replace(/\$\{\{\s*github\.token\s*\}\}/g, RUNNER_GITHUB_TOKEN)
      ])
  )
}

import { isUuid } from '../lib/ids.ts'
import type { InProgressPolicy } from '../runs/types.ts'
import { Input, type InputName } from './inputs.ts'
import type { Words } from './words.ts'

// How the step gets its run, checked: run-id (follow one started elsewhere) and if-running.

/**
 * run-id follows a run started elsewhere: it must be a run UUID, of one project, and the inputs
 * that only shape a new run (`starting`, those that are set) cannot apply to it.
 */
export function runIdProblems(
  runId: string,
  projects: number,
  starting: (InputName | false)[],
  words: Words
): string[] {
  const { input, ref } = words
  const problems: string[] = []
  if (!isUuid(runId))
    problems.push(
      `${input(Input.RunId)} must be a run UUID, as the run-id output of the step that started it gives, got '${runId}'.`
    )
  if (projects > 1)
    problems.push(`${input(Input.RunId)} names one run, of one project: give a single project.`)
  const set = starting.filter((name) => name !== false)
  if (set.length > 0)
    problems.push(
      `${input(Input.RunId)} waits for a run that has already started, so ${set.map(ref).join(', ')} cannot apply: remove ${set.length > 1 ? 'them' : 'it'}.`
    )
  return problems
}

const POLICIES: readonly InProgressPolicy[] = ['start', 'wait', 'attach', 'skip']

/** if-running: one of the four words; with run-id, only start (there is nothing to start). */
export function readIfRunning(
  value: string,
  withRunId: boolean,
  errors: string[],
  { input, ref }: Words
): InProgressPolicy {
  const policy = POLICIES.find((p) => p === value)
  if (policy === undefined) {
    errors.push(
      `${input(Input.IfRunning)} must be one of start, wait, attach or skip, got '${value}'.`
    )
    return 'start'
  }
  if (policy !== 'start' && withRunId)
    errors.push(
      `${input(Input.IfRunning)} is ${policy}, but ${ref(Input.RunId)} follows a run that has already started: there is nothing to start, so nothing to ${policy === 'wait' ? 'wait before' : policy === 'attach' ? 'attach instead of' : 'skip'}. Remove one of them.`
    )
  return policy
}

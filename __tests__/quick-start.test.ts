/**
 * The README's Quick start is a whole workflow a new user copies as is, filling in the project ID
 * and the secret: its step is the one CI's `uses: ./` job runs against the stand-in Hex server
 * (with the stand-in's token for the secret, and its api-url). That it passes actionlint as copied
 * is checked in slow/actionlint.test.ts.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from '@jest/globals'
import { parse } from 'yaml'
import { ROOT } from '../test/runner/action-yml.ts'
import { quickStart } from './helpers/doc-workflows.ts'

interface Step {
  name?: string
  id?: string
  uses?: string
  with?: Record<string, string>
}
interface Workflow {
  jobs: Record<string, { steps: Step[] }>
}

const actionStep = (workflow: Workflow, match: (step: Step) => boolean): Step => {
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps)
  const found = steps.filter(match)
  assert.equal(found.length, 1, 'one step runs the action')
  return found[0] as Step
}

describe("the README's Quick start", () => {
  it("is the step CI's uses: ./ job runs against the stand-in", () => {
    const readme = actionStep(parse(quickStart()) as Workflow, (s) =>
      /hex-run-action@/.test(s.uses ?? '')
    )
    const ci = parse(readFileSync(join(ROOT, '.github/workflows/ci.yml'), 'utf8')) as Workflow
    const run = actionStep(ci, (s) => s.id === 'quick-start')
    assert.equal(run.uses, './')
    assert.equal(run.name, readme.name)
    const { 'api-url': apiUrl, 'api-token': token, ...inputs } = run.with ?? {}
    const { 'api-token': secret, ...given } = readme.with ?? {}
    assert.deepEqual(inputs, given, 'the same inputs but the token and api-url')
    assert.equal(secret, '${{ secrets.HEX_API_TOKEN }}')
    assert.equal(token, 'hxtw_test_run_token')
    assert.match(apiUrl ?? '', /steps\.fake-hex\.outputs\.api-url/)
  })
})

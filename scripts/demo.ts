/**
 * npm run demo: runs the bundled action (dist/index.js) end to end against the stand-in Hex server,
 * as a runner would, and shows what a workflow gets: the job log, the step outputs and the job
 * summary. Two runs: one that completes, and one that fails in Hex. Then both projects in one
 * step on a pull_request event with pr-comment: true, against the stand-in GitHub too, twice (two
 * pushes): the comment the step posted, edited in place the second time.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FakeGitHub } from '../test/fake-github/server.ts'
import { FakeHex } from '../test/fake-hex/server.ts'
import { readActionYml, ROOT } from '../test/runner/action-yml.ts'
import { renderLog } from '../test/runner/render-log.ts'
import { runAction, type ActionResult } from '../test/runner/run-action.ts'

const TOKEN = 'hxtw_test_run_token'
const GITHUB_TOKEN = 'ghs_demo_stand_in_token'
const PULL_REQUEST = 7
const bold = (text: string): string => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text)

function show(title: string, result: ActionResult): void {
  const rule = '─'.repeat(72)
  console.log(`\n${rule}\n${bold(title)}\n${rule}`)
  console.log(bold('\nJob log:\n'))
  console.log(renderLog(result.stdout))
  if (result.stderr.trim() !== '') console.log(result.stderr.trimEnd())
  console.log(
    bold(
      `\nStep result: ${result.exitCode === 0 ? 'success' : `failure (exit ${result.exitCode})`}`
    )
  )
  console.log(bold('\nOutputs (steps.hex.outputs):\n'))
  const names = Object.keys(readActionYml().outputs)
  const width = Math.max(...names.map((n) => n.length))
  for (const name of names) console.log(`  ${name.padEnd(width)}  ${result.outputs[name] ?? ''}`)
  console.log(bold('\nJob summary (Markdown):\n'))
  console.log(result.summary.trimEnd())
}

async function main(): Promise<void> {
  if (!existsSync(`${ROOT}dist/index.js`)) {
    console.error('dist/index.js is missing: run npm run bundle first.')
    process.exit(1)
  }
  const fake = await FakeHex.start({
    projects: [
      {
        id: '5a8591dd-4039-49df-9202-96385ba3eff8',
        title: 'Weekly revenue dashboard',
        version: 12,
        params: { region: 'string', weeks: 'number' },
        lifecycle: [
          { status: 'PENDING', ms: 600 },
          { status: 'RUNNING', ms: 2_400 },
          { status: 'COMPLETED' }
        ],
        // Its earlier runs: the action learns the usual duration and reads around the expected end.
        history: [2_300, 2_500, 2_400, 2_600, 2_350, 2_450].map((ms) => ({ ms }))
      },
      {
        id: '0b7e3a52-9c1d-4f6e-8a2b-3c4d5e6f7a81',
        title: 'Churn model refresh',
        version: 3,
        lifecycle: [
          { status: 'PENDING', ms: 300 },
          { status: 'RUNNING', ms: 1_200 },
          { status: 'ERRORED' }
        ]
      }
    ]
  })
  const github = await FakeGitHub.start({ token: GITHUB_TOKEN })
  const dir = mkdtempSync(join(tmpdir(), 'hex-demo-'))
  try {
    console.log(`Stand-in Hex API listening at ${fake.apiBase}`)
    console.log(`Stand-in GitHub API listening at ${github.apiUrl}`)
    const completed = await runAction({
      inputs: {
        'project-id': '5a8591dd-4039-49df-9202-96385ba3eff8',
        'api-token': TOKEN,
        'api-url': fake.apiBase,
        'input-params': '{"region": "emea", "weeks": 4}'
      }
    })
    show(
      '1. A run that completes  (project-id: 5a8591dd-…, input-params: region, weeks)',
      completed
    )

    const errored = await runAction({
      inputs: {
        'project-id': '0b7e3a52-9c1d-4f6e-8a2b-3c4d5e6f7a81',
        'api-token': TOKEN,
        'api-url': fake.apiBase
      }
    })
    show('2. A run that errors in Hex  (the step fails with the run link)', errored)

    const onPullRequest = (push: number) =>
      runAction({
        inputs: {
          'project-name': 'Weekly revenue dashboard\nChurn model refresh',
          'api-token': TOKEN,
          'api-url': fake.apiBase,
          'pr-comment': 'true',
          'github-token': GITHUB_TOKEN
        },
        env: pullRequestEnv(dir, github.apiUrl, push)
      })
    const commented = await onPullRequest(1)
    show('3. Both projects on a pull request  (pr-comment: true; the first push)', commented)
    const again = await onPullRequest(2)
    console.log(bold('\n4. The next push: the same step again'))
    for (const line of again.stdout.split('\n').filter((l) => /comment/i.test(l)))
      console.log(`  ${line}`)
    const comments = github.comments.on(PULL_REQUEST)
    console.log(
      bold(
        `\nThe pull request's comments: ${comments.length}, edited in place (Markdown, as GitHub stores it):\n`
      )
    )
    for (const comment of comments) console.log(comment.body)

    console.log(`\nRequests the stand-in Hex server received:`)
    for (const r of fake.requests) console.log(`  ${r.method.padEnd(6)} ${r.path} -> ${r.status}`)
    console.log(`\nRequests the stand-in GitHub API received:`)
    for (const r of github.requests) console.log(`  ${r.method.padEnd(6)} ${r.path}${r.search}`)
    const oneComment = comments.length === 1 && /updated/.test(again.stdout)
    if (completed.exitCode !== 0 || errored.exitCode !== 1 || !oneComment) {
      console.error('\nThe demo did not go as expected: see the logs above.')
      process.exitCode = 1
    }
  } finally {
    await github.close()
    await fake.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The runner's variables of a pull_request workflow run, the event's payload written to `dir`. */
function pullRequestEnv(dir: string, apiUrl: string, push: number): Record<string, string> {
  const path = join(dir, 'event.json')
  const head = String(push).repeat(40)
  writeFileSync(
    path,
    JSON.stringify({
      number: PULL_REQUEST,
      pull_request: { number: PULL_REQUEST, head: { sha: head } }
    })
  )
  return {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: path,
    GITHUB_REPOSITORY: 'acme/data',
    GITHUB_API_URL: apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: String(9_000 + push),
    GITHUB_SHA: 'f'.repeat(40),
    GITHUB_WORKFLOW_REF: 'acme/data/.github/workflows/hex.yml@refs/pull/7/merge',
    GITHUB_JOB: 'hex',
    GITHUB_ACTION: 'hex'
  }
}

await main()

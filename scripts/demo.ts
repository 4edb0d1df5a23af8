/**
 * npm run demo: runs the bundled action (dist/index.js) end to end against the stand-in Hex server,
 * as a runner would, and shows what a workflow gets: the job log, the step outputs and the job
 * summary. Two runs: one that completes, and one that fails in Hex.
 */
import { existsSync } from 'node:fs'
import { FakeHex } from '../test/fake-hex/server.ts'
import { readActionYml, ROOT } from '../test/runner/action-yml.ts'
import { renderLog } from '../test/runner/render-log.ts'
import { runAction, type ActionResult } from '../test/runner/run-action.ts'

const TOKEN = 'hxtw_test_run_token'
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
  try {
    console.log(`Stand-in Hex API listening at ${fake.apiBase}`)
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

    console.log(`\nRequests the stand-in Hex server received:`)
    for (const r of fake.requests) console.log(`  ${r.method.padEnd(6)} ${r.path} -> ${r.status}`)
    if (completed.exitCode !== 0 || errored.exitCode !== 1) {
      console.error('\nThe demo did not go as expected: see the logs above.')
      process.exitCode = 1
    }
  } finally {
    await fake.close()
  }
}

await main()

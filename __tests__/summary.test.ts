import assert from 'node:assert/strict'
import { describe, it } from '@jest/globals'
import { outputsOf, summaryOf, type RunSample } from '../test/runner/reports.ts'

const base: RunSample = {
  projectId: '5a8591dd-4039-49df-9202-96385ba3eff8',
  status: 'COMPLETED',
  succeeded: true,
  runId: 'run-1',
  runUrl: 'https://app.hex.tech/acme/app/5a85/latest?runId=run-1',
  statusUrl: 'https://app.hex.tech/api/v1/projects/5a85/runs/run-1',
  traceId: 'trace-1',
  projectVersion: '3',
  startedAt: '2026-11-29T12:00:00.000Z',
  endedAt: '2026-11-29T12:01:05.000Z',
  elapsedMs: 65_400,
  inputParams: { region: 'emea' },
  notes: []
}

describe('renderSummary', () => {
  it('shows the project, run link, status, times, duration and trace id', () => {
    const md = summaryOf(base)
    assert.match(md, /^### ✅ Hex run completed/)
    assert.match(md, /\| Project \| <code>5a8591dd-4039-49df-9202-96385ba3eff8<\/code> \|/)
    assert.match(
      md,
      /\[Open the run in Hex\]\(https:\/\/app\.hex\.tech\/acme\/app\/5a85\/latest\?runId=run-1\)/
    )
    assert.match(md, /^\| Status \| ✅ COMPLETED \|\n\| :-- \| :-- \|$/m)
    assert.match(md, /\| Started \| 2026-11-29T12:00:00.000Z \|/)
    assert.match(md, /\| Ended \| 2026-11-29T12:01:05.000Z \|/)
    assert.match(md, /\| Duration \| 1m 5s \|/)
    assert.match(md, /\| Trace ID \| <code>trace-1<\/code> \|/)
  })

  it('puts the input parameters in a collapsed block', () => {
    const md = summaryOf(base)
    assert.match(
      md,
      /<details>\n<summary>Input parameters \(1\)<\/summary>\n\n```json\n\{\n {2}"region": "emea"\n\}\n```\n\n<\/details>/
    )
  })

  it('marks each status clearly', () => {
    const marks: [string, RegExp][] = [
      ['ERRORED', /^### ❌ Hex run errored/],
      ['KILLED', /^### 🛑 Hex run was killed/],
      ['UNABLE_TO_ALLOCATE_KERNEL', /^### ❌ Hex could not allocate a kernel/],
      ['TIMEOUT', /^### ⏱️ Hex run timed out/],
      ['CANCELLED', /^### 🚫 Hex run cancelled/],
      ['ERROR', /^### ❌ Hex run failed/],
      ['PENDING', /^### ⏳ Hex run started/],
      ['SOMETHING_NEW', /^### ❔ Hex run ended SOMETHING_NEW/]
    ]
    for (const [status, pattern] of marks) assert.match(summaryOf({ ...base, status }), pattern)
  })

  it('keeps text from Hex inert and on one line', () => {
    const md = summaryOf({
      ...base,
      status: 'ERROR',
      message: 'Hex said: <script>x</script> | a\nb'
    })
    assert.match(md, /> Hex said: &lt;script&gt;x&lt;\/script&gt; &#124; a b/)
  })

  it('keeps a parameter with backticks inside its fence', () => {
    const md = summaryOf({ ...base, inputParams: { q: '```' } })
    assert.match(md, /````json\n[\s\S]*\n````/)
  })

  it('shows an error before any run without a run link', () => {
    const md = summaryOf({
      projectId: 'x',
      status: 'ERROR',
      succeeded: false,
      inputParams: {},
      message: "Input 'timeout' must be a duration",
      notes: []
    })
    assert.doesNotMatch(md, /Open the run/)
    assert.match(md, /> Input 'timeout' must be a duration/)
    assert.doesNotMatch(md, /Input parameters/, 'no empty parameters block')
  })
})

describe('reportOutputs', () => {
  it('sets every output, empty where unknown', () => {
    assert.deepEqual(outputsOf(base), {
      'run-id': 'run-1',
      'run-url': 'https://app.hex.tech/acme/app/5a85/latest?runId=run-1',
      'status-url': 'https://app.hex.tech/api/v1/projects/5a85/runs/run-1',
      status: 'COMPLETED',
      'elapsed-seconds': '65',
      'usual-seconds': '',
      'queued-seconds': '',
      'run-seconds': '',
      'project-title': '',
      'started-at': '2026-11-29T12:00:00.000Z',
      'ended-at': '2026-11-29T12:01:05.000Z',
      'trace-id': 'trace-1',
      'project-version': '3',
      runs: JSON.stringify([
        {
          projectId: '5a8591dd-4039-49df-9202-96385ba3eff8',
          runId: 'run-1',
          runUrl: 'https://app.hex.tech/acme/app/5a85/latest?runId=run-1',
          status: 'COMPLETED',
          elapsedSeconds: 65,
          usualSeconds: null,
          queuedSeconds: null,
          runSeconds: null
        }
      ])
    })
    const empty = outputsOf({
      projectId: 'x',
      status: 'ERROR',
      succeeded: false,
      inputParams: {},
      notes: []
    })
    assert.equal(Object.keys(empty).length, 14)
    assert.equal(empty.status, 'ERROR')
    assert.equal(empty['run-id'], '')
  })
})

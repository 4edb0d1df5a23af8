/**
 * The reference client of the benchmark (npm run bench): the simplest way to run a Hex project and
 * wait for it, as the design describes it. It triggers the run, then sleeps a fixed 5 s before
 * every status request until the run is terminal. It is a real process, like the action:
 *
 *   node scripts/bench/reference-client.ts <api-base> <project-id> [--no-wait]
 *
 * The token comes from HEX_API_TOKEN. It uses Node's global fetch and imports nothing, so the
 * benchmark can strip its types once and run it as plain JavaScript. Exit code 0 when the run ends
 * COMPLETED (or, with --no-wait, when it was triggered), else 1.
 */
import { setTimeout as sleep } from 'node:timers/promises'

const POLL_INTERVAL_MS = 5_000
const TERMINAL = ['COMPLETED', 'ERRORED', 'KILLED', 'UNABLE_TO_ALLOCATE_KERNEL']

async function call(url: string, token: string, init: RequestInit = {}): Promise<unknown> {
  const response = await fetch(url, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json'
    }
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${text}`)
  return JSON.parse(text) as unknown
}

function field(value: unknown, name: string): string {
  const found = (value as Record<string, unknown> | null)?.[name]
  if (typeof found !== 'string') throw new Error(`the answer has no string field ${name}`)
  return found
}

async function main(): Promise<number> {
  const [apiBase, projectId] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'))
  const wait = !process.argv.includes('--no-wait')
  const token = process.env.HEX_API_TOKEN ?? ''
  if (!apiBase || !projectId || token === '') {
    console.error(
      'usage: HEX_API_TOKEN=... reference-client.ts <api-base> <project-id> [--no-wait]'
    )
    return 2
  }
  const base = apiBase.replace(/\/+$/, '')
  const body = JSON.stringify({ updatePublishedResults: false, useCachedSqlResults: true })
  const triggered = await call(`${base}/projects/${projectId}/runs`, token, {
    method: 'POST',
    body
  })
  const runId = field(triggered, 'runId')
  console.log(`triggered run ${runId}`)
  if (!wait) return 0
  for (;;) {
    await sleep(POLL_INTERVAL_MS)
    const status = field(await call(`${base}/projects/${projectId}/runs/${runId}`, token), 'status')
    if (TERMINAL.includes(status)) {
      console.log(`run ${runId} ended ${status}`)
      return status === 'COMPLETED' ? 0 : 1
    }
  }
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error))
    process.exitCode = 1
  }
)

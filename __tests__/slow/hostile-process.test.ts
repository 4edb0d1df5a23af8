/**
 * Hostile answers against the bundled action in a real process, for what only a process shows:
 * its peak memory under huge and compressed answers, and the stdout the runner itself parses for
 * workflow commands. The in-process tests of the same classes are ../hostile-hex.test.ts and
 * ../hostile-text.test.ts.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import { ROOT, RUNNER_GITHUB_TOKEN } from '../../test/runner/action-yml.ts'
import { runAction, type ActionResult } from '../../test/runner/run-action.ts'
import { assertNoStackTrace, assertNoToken, RUN_TOKEN } from '../helpers/e2e.ts'

const MAX_RSS_PRELOAD = join(ROOT, 'scripts', 'bench', 'max-rss.js')
/** What the issue allows a hostile answer to add to a plain run's peak memory. */
const MAX_EXTRA_RSS_MIB = 40

/** How the hostile host answers a status read. */
type Mode = 'plain' | 'huge' | 'bomb' | 'commands'

const HUGE = Buffer.from(`{"status":"RUNNING","pad":"${'x'.repeat(50 * 1024 * 1024)}"}`)
/** 50 MB of zeros in about 50 KB. */
const BOMB = gzipSync(Buffer.alloc(50 * 1024 * 1024))
/** A status that, logged raw, would set an output, add a mask and stop command processing. */
const COMMANDS =
  'RUNNING\n::set-output name=status::COMPLETED\r::add-mask::x\n  ::STOP-COMMANDS::t ##[error]boom \u001b[31m'

interface Host {
  server: Server
  apiBase: string
  paths: string[]
}

function hostile(mode: Mode): Promise<Host> {
  const paths: string[] = []
  const runId = randomUUID()
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    paths.push(`${req.method} ${req.url}`)
    const [, , , , projectId] = (req.url ?? '').split('/')
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    if (req.method === 'POST')
      return json(201, { projectId, runId, runUrl: `https://app.hex.tech/acme/app/${projectId}` })
    if (req.method === 'DELETE') return res.writeHead(204).end()
    switch (mode) {
      case 'plain':
        return json(200, { projectId, runId, status: 'COMPLETED', elapsedTime: 1000 })
      case 'huge':
        return res.writeHead(200, { 'content-type': 'application/json' }).end(HUGE)
      case 'bomb':
        return res
          .writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
          .end(BOMB)
      case 'commands':
        return json(200, { projectId, runId, status: COMMANDS, projectVersion: '1' })
    }
  }
  const server = createServer((req, res) => req.resume().on('end', () => handler(req, res)))
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({ server, apiBase: `http://127.0.0.1:${port}/api/v1`, paths })
    })
  )
}

/** The bundled action against `host`, with its peak RSS (MiB) from the benchmark's preload. */
async function runMeasured(
  host: Host,
  inputs: Record<string, string> = {}
): Promise<{ result: ActionResult; rssMiB: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'hex-rss-'))
  const rssFile = join(dir, 'max-rss')
  try {
    const result = await runAction({
      inputs: {
        'project-id': randomUUID(),
        'api-token': RUN_TOKEN,
        'api-url': host.apiBase,
        timeout: '2s',
        ...inputs
      },
      env: { NODE_OPTIONS: `--import=${MAX_RSS_PRELOAD}`, BENCH_MAX_RSS_FILE: rssFile }
    })
    assertNoToken(result, RUN_TOKEN)
    assertNoStackTrace(result)
    return { result, rssMiB: Number(readFileSync(rssFile, 'utf8')) / 1024 }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const hosts: Host[] = []
let plainRss = 0

beforeAll(async () => {
  const plain = await hostile('plain')
  hosts.push(plain)
  const { result, rssMiB } = await runMeasured(plain)
  assert.equal(result.exitCode, 0, result.log)
  plainRss = rssMiB
})
afterAll(async () => {
  await Promise.all(hosts.map((h) => new Promise((resolve) => h.server.close(resolve))))
})

async function host(mode: Mode): Promise<Host> {
  const h = await hostile(mode)
  hosts.push(h)
  return h
}

describe('a hostile Hex host, against the bundled action', () => {
  for (const mode of ['huge', 'bomb'] as const) {
    it.concurrent(
      `${mode === 'huge' ? 'a 50 MB answer' : 'a gzip bomb (50 MB of zeros)'}: peak memory within ${MAX_EXTRA_RSS_MIB} MiB of a plain run`,
      async () => {
        const h = await host(mode)
        const { result, rssMiB } = await runMeasured(h)
        assert.equal(result.outputs.status, 'TIMEOUT', result.log)
        assert.match(result.log, /the answer is over 1 MiB/)
        assert.ok(
          rssMiB <= plainRss + MAX_EXTRA_RSS_MIB,
          `peak RSS ${rssMiB.toFixed(1)} MiB against ${plainRss.toFixed(1)} MiB for a plain run`
        )
        // Every request stayed on the project's runs.
        for (const path of h.paths) assert.match(path, /^(GET|POST|DELETE) \/api\/v1\/projects\//)
      }
    )
  }

  it.concurrent('a status full of workflow commands: the runner sees none of them', async () => {
    const { result } = await runMeasured(await host('commands'))
    // The runner's own parsing: a command is `::name` at a line's start (after spaces, any case,
    // a line ending in \n, \r\n or a lone \r), or `##[` anywhere.
    const lines = result.stdout.split(/\r\n|\n|\r/)
    const commands = lines
      .map((line) => /^\s*::([a-z-]+)/i.exec(line)?.[1]?.toLowerCase())
      .filter((name) => name !== undefined)
    for (const name of commands)
      assert.ok(
        ['debug', 'error', 'warning', 'group', 'endgroup', 'add-mask'].includes(name),
        `a ${name} command reached the runner:\n${result.stdout}`
      )
    // The only masks are the action's own, of the tokens.
    assert.deepEqual(
      lines.filter((line) => /^\s*::add-mask::/i.test(line)),
      [`::add-mask::${RUN_TOKEN}`, `::add-mask::${RUNNER_GITHUB_TOKEN}`]
    )
    assert.ok(!lines.some((line) => line.includes('##[')), 'no ##[ command anywhere')
    assert.ok(!result.stdout.includes('\u001b'), 'no escape sequence')
    assert.equal(result.outputs.status, 'TIMEOUT')
  })
})

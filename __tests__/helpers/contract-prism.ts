/**
 * Stoplight Prism as a mock of the contract (contract/hex-api.yaml), with request validation on:
 * a request that breaks the description is answered 422 (or 401 without a bearer token), with the
 * violations in an `sl-violations` header and in Prism's log.
 *
 * Prism matches request paths against the description's paths (`/v1/...`) and ignores the path of
 * its server URL (`https://app.hex.tech/api`), where the action always calls `{base}/api/v1/...`.
 * So Prism sits behind a small forwarder that takes the server's path off, as Hex's own front end
 * does, and records every request with Prism's verdict.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const PRISM_BIN = `${ROOT}node_modules/@stoplight/prism-cli/dist/index.js`

export interface Violation {
  location?: string[]
  severity?: string
  code?: string | number
  message?: string
}

export interface ForwardedRequest {
  method: string
  /** As the client sent it, e.g. /api/v1/projects/{id}/runs. */
  path: string
  query: Record<string, string>
  /** The request headers of the operation's own (enable-expanded-stats), lower case. */
  headers?: Record<string, string>
  /** Parsed JSON, the raw text if it does not parse, undefined if empty. */
  body: unknown
  status: number
  /** What Prism's validator reported (its sl-violations header). */
  violations: Violation[]
}

export interface PrismMock {
  /** Give this (plus /api or /api/v1) to the action as api-url. */
  origin: string
  /** Every request so far, in order of arrival. */
  readonly requests: ForwardedRequest[]
  /** Prism's log so far, stdout and stderr. */
  log(): string
  /** How long Prism took from spawn to listening. */
  startupMs: number
  close(): Promise<void>
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

function waitForListening(child: ChildProcess, log: () => string, timeoutMs: number) {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup()
      reject(new Error(`Prism did not start within ${timeoutMs} ms:\n${log()}`))
    }, timeoutMs)
    const onData = () => {
      if (/Prism is listening on/.test(log())) {
        cleanup()
        resolve()
      }
    }
    const onExit = (code: number | null) => {
      cleanup()
      reject(new Error(`Prism exited (code ${code}) before listening:\n${log()}`))
    }
    const cleanup = () => {
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      child.stderr?.off('data', onData)
      child.off('exit', onExit)
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.on('exit', onExit)
  })
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function parseBody(raw: Buffer): unknown {
  const text = raw.toString('utf8')
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

function parseViolations(header: string | string[] | undefined): Violation[] {
  if (header === undefined) return []
  try {
    const parsed = JSON.parse(Array.isArray(header) ? header.join(',') : header) as unknown
    return Array.isArray(parsed) ? (parsed as Violation[]) : [{ message: String(header) }]
  } catch {
    return [{ message: String(header) }]
  }
}

/** The headers worth checking: the ones Hex's operations define, not the transport's. */
function ownHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const value = raw['enable-expanded-stats']
  return value === undefined ? {} : { 'enable-expanded-stats': String(value) }
}

/** Forwards `{basePath}/...` to Prism as `/...`; anything else is answered 404 and recorded. */
function startForwarder(prismPort: number, basePath: string, requests: ForwardedRequest[]) {
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://forwarder')
      const body = await readAll(req)
      const record: ForwardedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: ownHeaders(req.headers),
        body: parseBody(body),
        status: 0,
        violations: []
      }
      requests.push(record)
      if (!url.pathname.startsWith(`${basePath}/`)) {
        record.status = 404
        record.violations = [{ message: `path outside the server's base path ${basePath}` }]
        res.writeHead(404).end()
        return
      }
      const headers = { ...req.headers, host: `127.0.0.1:${prismPort}` }
      const upstream = httpRequest(
        {
          host: '127.0.0.1',
          port: prismPort,
          method: req.method,
          path: `${url.pathname.slice(basePath.length)}${url.search}`,
          headers
        },
        (answer) => {
          record.status = answer.statusCode ?? 0
          record.violations = parseViolations(answer.headers['sl-violations'])
          res.writeHead(record.status, answer.headers)
          answer.pipe(res)
        }
      )
      upstream.on('error', (error) => {
        record.status = 502
        record.violations = [{ message: `Prism did not answer: ${error.message}` }]
        if (!res.headersSent) res.writeHead(502)
        res.end()
      })
      upstream.end(body)
    })()
  })
  return new Promise<Server>((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

/**
 * Starts `prism mock <description> --errors` on a free port, and the forwarder in front of it for
 * the description's first server path (e.g. /api).
 */
export async function startPrism(description: string, basePath: string): Promise<PrismMock> {
  const port = await freePort()
  const started = performance.now()
  const child = spawn(
    process.execPath,
    [PRISM_BIN, 'mock', description, '--host', '127.0.0.1', '--port', String(port), '--errors'],
    {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe']
    }
  )
  // A test run that dies early must not leave Prism behind.
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  const log = () => output
  try {
    await waitForListening(child, log, 30_000)
  } catch (error) {
    child.kill('SIGKILL')
    process.off('exit', killOnExit)
    throw error
  }
  const startupMs = performance.now() - started
  const requests: ForwardedRequest[] = []
  const forwarder = await startForwarder(port, basePath, requests)
  const { port: forwarderPort } = forwarder.address() as AddressInfo

  return {
    origin: `http://127.0.0.1:${forwarderPort}`,
    requests,
    log,
    startupMs,
    async close() {
      process.off('exit', killOnExit)
      forwarder.closeAllConnections()
      await new Promise<void>((resolve) => forwarder.close(() => resolve()))
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000)
      await exited
      clearTimeout(timer)
    }
  }
}

/**
 * The validator's complaints in Prism's log about requests whose path contains `fragment`: the
 * lines Prism writes between "Request received" for such a request and the next request.
 */
export function logViolations(log: string, fragment: string): string[] {
  const found: string[] = []
  let current: string | undefined
  for (const line of log.split('\n')) {
    const received = /\[HTTP SERVER\] \w+ (\S+) .*Request received/.exec(line)
    if (received) {
      current = received[1]
      continue
    }
    const terminated = /\[HTTP SERVER\] \w+ (\S+) .*✖/.exec(line)
    const path = terminated?.[1] ?? current
    if (path?.includes(fragment) && (/Violation/.test(line) || /✖/.test(line)))
      found.push(line.trim())
  }
  return found
}

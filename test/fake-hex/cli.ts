/**
 * Starts the stand-in Hex API for CI jobs and the demo:
 *   npm run fake-hex -- [--port N] [--config options.json] [--limits HEADERS]
 * The config holds FakeHexOptions as JSON; its key `limits` turns on Hex's per-token limits
 * (FakeLimits: readsPerMinute, triggersPerMinute, kernelsPerToken, headers, lie), and `--limits`
 * does the same with the rate-limit headers of the mode given (x-ratelimit, ratelimit,
 * ratelimit-policy or none), over the config's other limits if it has any. Prints FAKE_HEX_URL=<api base> once listening, then
 * serves until SIGINT or SIGTERM. The npm script gives it Node 24, which it needs (TypeScript run by
 * type stripping); `node test/fake-hex/cli.ts` does the same where `node` is 24.
 */
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { FakeHex } from './server.ts'
import type { FakeHexOptions, RateHeaderMode } from './server.ts'

const USAGE =
  'usage: npm run fake-hex -- [--port N] [--config file.json]' +
  ' [--limits x-ratelimit|ratelimit|ratelimit-policy|none]'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      config: { type: 'string' },
      limits: { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    }
  })
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  let options: FakeHexOptions = {}
  if (values.config !== undefined) {
    options = JSON.parse(await readFile(values.config, 'utf8')) as FakeHexOptions
  }
  if (values.port !== undefined) {
    const port = Number(values.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new Error(`bad --port: ${values.port}`)
    options.port = port
  }
  if (values.limits !== undefined) {
    // FakeHex checks the mode, with the rest of the limits.
    const headers = values.limits as RateHeaderMode
    options.limits = { ...options.limits, headers }
  }
  const fake = await FakeHex.start(options)
  process.stdout.write(`FAKE_HEX_URL=${fake.apiBase}\n`)
  const stop = (): void => {
    void fake.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  process.stderr.write(`fake-hex: ${error instanceof Error ? error.message : String(error)}\n`)
  process.stderr.write(`${USAGE}\n`)
  process.exit(1)
})

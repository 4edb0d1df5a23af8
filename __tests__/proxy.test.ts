/**
 * Self-hosted runners often reach the internet through a proxy: the action must honour
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case) as the runner does. The action's source runs
 * in process with the fetch the process runtime uses (src/lib/runtime.ts `proxyAwareFetch`), given
 * the environment of each test, against a forward proxy on 127.0.0.1. That the bundle reads them
 * from its process's environment is shown in slow/e2e.test.ts.
 */
import assert from 'node:assert/strict'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import { proxyAwareFetch } from '../src/lib/runtime.ts'
import { FakeGitHub } from '../test/fake-github/server.ts'
import type { FakeHex } from '../test/fake-hex/server.ts'
import { ForwardProxy, type ProxiedRequest } from '../test/runner/forward-proxy.ts'
import { clockOf, runAgainst, startHex } from './helpers/action.ts'
import { addProject, assertNoToken, requestsFor } from './helpers/e2e.ts'

const QUICK = [{ status: 'RUNNING', ms: 300 }, { status: 'COMPLETED' }]

let fake: FakeHex
let proxy: ForwardProxy
beforeAll(async () => {
  fake = await startHex()
  proxy = await ForwardProxy.start()
})
afterAll(async () => {
  await proxy.close()
  await fake.close()
})

/** The host a proxied request was for: a tunnel's target, or a forwarded request's URL. */
const hostOf = (s: ProxiedRequest) => (s.method === 'CONNECT' ? s.target : new URL(s.target).host)

/**
 * The action in process for a project of its own, with `env` as the runner's environment and the
 * process's proxy-aware fetch made from it; what the proxy saw meanwhile.
 */
async function runThrough(env: Record<string, string>, inputs: Record<string, string> = {}) {
  const projectId = addProject(fake, { lifecycle: QUICK })
  const seenBefore = proxy.seen.length
  const result = await runAgainst(fake, projectId, inputs, { env, fetch: proxyAwareFetch(env) })
  assert.equal(result.exitCode, 0, result.log)
  assert.equal(result.outputs.status, 'COMPLETED')
  return { projectId, result, seen: proxy.seen.slice(seenBefore) }
}

describe('proxies', () => {
  const origin = () => new URL(fake.origin).host

  for (const name of ['HTTP_PROXY', 'http_proxy']) {
    it(`sends every request through ${name}`, async () => {
      const { projectId, seen } = await runThrough({ [name]: proxy.url })
      assert.ok(seen.length >= 1, 'the proxy saw the requests')
      for (const s of seen) assert.equal(hostOf(s), origin())
      // The requests still arrived, through the tunnel.
      const sent = requestsFor(fake, projectId)
      assert.equal(sent.filter((r) => r.method === 'POST').length, 1)
      assert.ok(sent.some((r) => r.method === 'GET'))
      // The token went to Hex inside the tunnel, never to the proxy in the CONNECT request.
      for (const s of seen.filter((x) => x.method === 'CONNECT'))
        assert.equal(s.headers.authorization, undefined)
    })
  }

  it('bypasses the proxy for hosts in NO_PROXY', async () => {
    const { seen } = await runThrough({
      HTTP_PROXY: proxy.url,
      HTTPS_PROXY: proxy.url,
      NO_PROXY: '127.0.0.1'
    })
    assert.deepEqual(seen, [])
  })

  it('bypasses it for no_proxy in lower case too', async () => {
    const { seen } = await runThrough({ http_proxy: proxy.url, no_proxy: '127.0.0.1,localhost' })
    assert.deepEqual(seen, [])
  })

  it('uses no proxy when none is set', async () => {
    const { seen } = await runThrough({})
    assert.deepEqual(seen, [])
  })

  it('sends the commit statuses through it too, with the GitHub token inside the tunnel only', async () => {
    const token = 'ghs_proxy_test_token'
    const sha = '9'.repeat(40)
    const github = await FakeGitHub.start({ token, now: clockOf(fake).now })
    try {
      const { result, seen } = await runThrough(
        {
          HTTP_PROXY: proxy.url,
          GITHUB_REPOSITORY: 'acme/data',
          GITHUB_API_URL: github.apiUrl,
          GITHUB_EVENT_NAME: 'push',
          GITHUB_SHA: sha
        },
        { 'commit-status': 'true', 'github-token': token }
      )
      assertNoToken(result, token)
      assert.deepEqual(
        github.on(sha).map(([, state]) => state),
        ['pending', 'success']
      )
      const hosts = new Set(seen.map(hostOf))
      assert.ok(hosts.has(new URL(github.apiUrl).host), 'the statuses went through the proxy')
      assert.ok(hosts.has(origin()), "and Hex's requests")
      for (const s of seen) assert.ok(!JSON.stringify(s.headers).includes(token))
    } finally {
      await github.close()
    }
  })
})

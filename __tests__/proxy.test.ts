/**
 * Self-hosted runners often reach the internet through a proxy: the action must honour
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case) as the runner does.
 */
import assert from 'node:assert/strict'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import { FakeGitHub } from '../test/fake-github/server.ts'
import { FakeHex } from '../test/fake-hex/server.ts'
import { ForwardProxy } from '../test/runner/forward-proxy.ts'
import { runAction } from '../test/runner/run-action.ts'
import { addProject, assertNoToken, requestsFor, RUN_TOKEN } from './helpers/e2e.ts'

const QUICK = [{ status: 'RUNNING', ms: 300 }, { status: 'COMPLETED' }]

let fake: FakeHex
let proxy: ForwardProxy
beforeAll(async () => {
  fake = await FakeHex.start()
  proxy = await ForwardProxy.start()
})
afterAll(async () => {
  await proxy.close()
  await fake.close()
})

async function runThrough(env: Record<string, string>) {
  const projectId = addProject(fake, { lifecycle: QUICK })
  const seenBefore = proxy.seen.length
  const result = await runAction({
    inputs: { 'project-id': projectId, 'api-token': RUN_TOKEN, 'api-url': fake.apiBase },
    env
  })
  assertNoToken(result, RUN_TOKEN)
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
      for (const s of seen)
        assert.equal(s.method === 'CONNECT' ? s.target : new URL(s.target).host, origin())
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
    const github = await FakeGitHub.start({ token })
    try {
      const projectId = addProject(fake, { lifecycle: QUICK })
      const seenBefore = proxy.seen.length
      const result = await runAction({
        inputs: {
          'project-id': projectId,
          'api-token': RUN_TOKEN,
          'api-url': fake.apiBase,
          'commit-status': 'true',
          'github-token': token
        },
        env: {
          HTTP_PROXY: proxy.url,
          GITHUB_REPOSITORY: 'acme/data',
          GITHUB_API_URL: github.apiUrl,
          GITHUB_EVENT_NAME: 'push',
          GITHUB_SHA: sha
        }
      })
      assert.equal(result.exitCode, 0, result.log)
      assert.deepEqual(
        github.on(sha).map(([, state]) => state),
        ['pending', 'success']
      )
      const seen = proxy.seen.slice(seenBefore)
      const hosts = new Set(
        seen.map((s) => (s.method === 'CONNECT' ? s.target : new URL(s.target).host))
      )
      assert.ok(hosts.has(new URL(github.apiUrl).host), 'the statuses went through the proxy')
      for (const s of seen) assert.ok(!JSON.stringify(s.headers).includes(token))
    } finally {
      await github.close()
    }
  })
})

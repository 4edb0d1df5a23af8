import { setTimeout as delay } from 'node:timers/promises'
import { EnvHttpProxyAgent, fetch as undiciFetch } from 'undici'

/** What the action needs from the process besides the runner: injected so tests control time. */
export interface Runtime {
  env: NodeJS.ProcessEnv
  fetch: typeof fetch
  /** Milliseconds since the epoch. */
  now: () => number
  /** Waits; resolves early when the signal aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  random: () => number
}

/**
 * fetch through undici's EnvHttpProxyAgent, which honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY as
 * the runner does (Node's global fetch ignores them). It is the undici that @actions/core already
 * bundles, so it costs no second copy, and Node's own fetch is never loaded.
 */
function proxyAwareFetch(): typeof fetch {
  let dispatcher: EnvHttpProxyAgent | undefined
  return (input, init) => {
    dispatcher ??= new EnvHttpProxyAgent()
    return undiciFetch(input as string, {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher
    }) as unknown as Promise<Response>
  }
}

export const processRuntime: Runtime = {
  env: process.env,
  fetch: proxyAwareFetch(),
  now: () => Date.now(),
  sleep: (ms, signal) => delay(ms, undefined, { signal }).catch(() => undefined),
  random: Math.random
}

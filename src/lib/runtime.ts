import { setTimeout as delay } from 'node:timers/promises'
import { EnvHttpProxyAgent, fetch as undiciFetch } from 'undici'
import { collectGarbage } from './memory.ts'
import { warningField, withoutWarning } from './warnings.ts'

/** Time as the run's logic sees it: injected, so tests run on a fake clock. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now: () => number
  /** Waits; resolves early (never rejects) when the signal aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  /** In [0, 1): the jitter of retry backoffs. */
  random: () => number
  /**
   * A time limit `ms` from now, on this clock: every time limit (a request's) is one. Clear it when
   * the work it bounds has ended, so that no timer outlives it.
   */
  timeout: (ms: number) => TimeLimit
}

/** A time limit on a clock: its signal aborts (a TimeoutError) when the time is up. */
export interface TimeLimit {
  signal: AbortSignal
  /** Lifts the limit: its signal never aborts after this. */
  clear: () => void
}

/** What the action needs from the process besides the runner: injected so tests control it. */
export interface Runtime extends Clock {
  env: NodeJS.ProcessEnv
  fetch: typeof fetch
  /**
   * One full garbage collection (lib/memory.ts), which a long wait asks for every few minutes so
   * that its reads' garbage does not pile up; absent in tests, where it would measure nothing.
   */
  collectGarbage?: () => void
}

/**
 * fetch through undici's EnvHttpProxyAgent, which honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY as
 * the runner does (Node's global fetch ignores them), read from `env` (the process's environment,
 * or a test's) the way undici reads them: the lower-case name first, no proxy when none is set. It
 * is the undici that @actions/core already bundles, so it costs no second copy, and Node's own
 * fetch is never loaded. The agent is made at the first request, so a step that sends none makes
 * none.
 */
export function proxyAwareFetch(env: NodeJS.ProcessEnv): typeof fetch {
  let dispatcher: EnvHttpProxyAgent | undefined
  return (input, init) => {
    dispatcher ??= quietly(
      () =>
        new EnvHttpProxyAgent({
          httpProxy: env.http_proxy ?? env.HTTP_PROXY ?? '',
          httpsProxy: env.https_proxy ?? env.HTTPS_PROXY ?? '',
          noProxy: env.no_proxy ?? env.NO_PROXY ?? ''
        })
    )
    return undiciFetch(input as string, {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher
    }) as unknown as Promise<Response>
  }
}

/**
 * undici 6 marks EnvHttpProxyAgent experimental with a process warning, which would land in every
 * job log as a stray stderr line. Only that warning (code UNDICI-EHPA) is held back.
 */
function quietly<T>(make: () => T): T {
  return withoutWarning(
    (_warning, options) => warningField(options, 'code') === 'UNDICI-EHPA',
    make
  )
}

export const processRuntime: Runtime = {
  env: process.env,
  fetch: proxyAwareFetch(process.env),
  collectGarbage,
  now: () => Date.now(),
  sleep: (ms, signal) => delay(ms, undefined, { signal }).catch(() => undefined),
  random: Math.random,
  timeout: (ms) => {
    const controller = new AbortController()
    // As AbortSignal.timeout's, the timer keeps no process alive; unlike it, it can be cleared.
    const timer = setTimeout(
      () => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')),
      ms
    ).unref()
    return { signal: controller.signal, clear: () => clearTimeout(timer) }
  }
}

/**
 * Where a token may be sent: the one rule for the Hex API (api-url) and GitHub's (GITHUB_API_URL).
 * The URL carries no credentials, query or fragment, and it is https, or plain http to this
 * machine only (the stand-in servers of tests).
 */
const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i

/** What keeps a token from going to this URL, or undefined when it may. */
export function tokenUrlProblem(url: URL): 'credentials' | 'insecure' | undefined {
  if (url.username || url.password || url.search || url.hash) return 'credentials'
  if (url.protocol === 'https:') return undefined
  return url.protocol === 'http:' && LOOPBACK_HOSTS.test(url.hostname) ? undefined : 'insecure'
}

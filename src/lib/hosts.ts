/**
 * Hosts a token may be sent to over plain http: this machine only (the stand-in servers of tests).
 * Anywhere else, a token goes over https.
 */
const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.test(hostname)
}

/**
 * A token as an HTTP header can carry it: printable ASCII, no white space. A token pasted with a
 * zero-width space or a typographic quote fails here, before fetch would refuse the header.
 */
export function isPrintableToken(token: string): boolean {
  return /^[\x21-\x7e]+$/.test(token)
}

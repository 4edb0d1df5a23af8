/**
 * Text from outside (Hex's answers, input values echoed back) made safe for the places the action
 * writes: the job log, which the runner reads line by line for workflow commands, annotations,
 * step outputs and the job summary. The one place these rules live.
 *
 * The order matters: secrets are redacted first, on the text as it came, so that no later change
 * (a stripped escape sequence, Markdown's `_` → `\_`) can split a secret and let it through; and
 * once more at the end, in case stripping joined one back together.
 */

export const REDACTED = '***'

/** ANSI escape sequences: CSI (`ESC [` or the C1 byte 0x9b), OSC (`ESC ]` … BEL or ST), and two-byte ones. */
// eslint-disable-next-line no-control-regex
const ANSI = /(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -~]?/g

/** Line breaks the runner or a reader would take for one: CRLF, LF, a lone CR, NEL, U+2028/2029. */
const LINE_BREAK = /\r\n|[\n\r\u0085\u2028\u2029]/g

/** C0 controls but the tab, DEL and C1 controls; line breaks are dealt with before. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g

/**
 * A workflow command: `::name …::` at the start of a line, after any white space (the runner trims
 * it), in any case; and the older `##[name …]` anywhere in a line.
 */
const COMMAND = /^(\s*):(?=:)/
const OLD_COMMAND = /##\[/g

/**
 * How a command is defused: its first character is replaced by its full-width form (U+FF1A `：`,
 * U+FF03 `＃`). The runner no longer sees `::` or `##[`, and a reader still reads the text, with
 * the change visible (unlike a zero-width character, which would look like a real command).
 */
const DEFUSED_COLON = '\uff1a'
const DEFUSED_HASH = '\uff03'

/** Replaces each secret (longest first, so one inside another goes whole) by `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text
  const sorted = [...new Set(secrets)].filter((s) => s !== '').sort((a, b) => b.length - a.length)
  for (const secret of sorted) out = out.split(secret).join(REDACTED)
  return out
}

/** Removes ANSI escape sequences and control characters (the tab and line breaks stay). */
export function stripControls(text: string): string {
  return text
    .replace(ANSI, '')
    .replace(/\r\n|[\r\u0085]/g, '\n')
    .replace(CONTROL, '')
}

/** A line that is no workflow command. */
export function defuseCommands(line: string): string {
  return line.replace(COMMAND, `$1${DEFUSED_COLON}`).replace(OLD_COMMAND, `#${DEFUSED_HASH}[`)
}

/** The parts of a piece of text that a reader would see as lines, each made safe. */
export function safeLines(text: string, secrets: readonly string[] = []): string[] {
  const clean = redact(stripControls(redact(text, secrets)), secrets)
  return clean.split(LINE_BREAK).map(defuseCommands)
}

/**
 * One log line, annotation or output from text that may hold anything: secrets redacted, escape
 * sequences and controls removed, line breaks turned into spaces, workflow commands defused.
 */
export function safeLine(text: string, secrets: readonly string[] = []): string {
  // Defused once more after joining: a space before `::` is still the start of a command.
  return defuseCommands(safeLines(text, secrets).join(' '))
}

/**
 * Text for a place that carries its own line breaks safely (an annotation or a debug message,
 * whose data the command encoding escapes): line breaks are kept (as `\n`), each line made safe.
 */
export function safeText(text: string, secrets: readonly string[] = []): string {
  return safeLines(text, secrets).join('\n')
}

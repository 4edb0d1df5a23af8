/** What a thrown value says, for a message: an Error's message, anything else as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** A bug's message for the reader, in the words every edge uses; the stack goes to debug only. */
export function unexpectedMessage(error: unknown): string {
  return `Unexpected error: ${errorMessage(error)}`
}

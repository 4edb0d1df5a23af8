/**
 * Hex's project and run IDs are UUIDs. The one check, used for inputs (project-id, run-id) and for
 * what Hex answers before an ID goes into a request path.
 */
const UUID_TEXT = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
const UUID = new RegExp(`^${UUID_TEXT}$`, 'i')
const UUID_INSIDE = new RegExp(UUID_TEXT, 'i')

/** Whether `text` is a UUID, whole, in any case. */
export function isUuid(text: string): boolean {
  return UUID.test(text)
}

/** The first UUID inside `text` (a pasted URL, say), lower-cased; undefined when there is none. */
export function uuidInside(text: string): string | undefined {
  return UUID_INSIDE.exec(text)?.[0].toLowerCase()
}

/** The project's title on a commit status, within GitHub's limit on its description. */
import { DESCRIPTION_LIMIT } from '../github/statuses.ts'

/** A title shorter than this after cutting is left out: the status's own words come first. */
const MIN_TITLE_SHOWN = 12

/**
 * "Weekly revenue: COMPLETED in 3m 10s": the project's title before the description, cut so the
 * whole fits GitHub's 140 characters and the description is never what is cut.
 */
export function titled(description: string, title: string | undefined): string {
  if (title === undefined) return description
  const room = DESCRIPTION_LIMIT - description.length - 2
  if (room < MIN_TITLE_SHOWN && title.length > room) return description
  const shown = title.length > room ? `${title.slice(0, room - 1)}…` : title
  return `${shown}: ${description}`
}

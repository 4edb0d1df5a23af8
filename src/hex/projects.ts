import type { ProjectSummary } from './client.ts'
import { HexError } from './errors.ts'
import type { HexSession } from './session.ts'

/** A project title that matched none, or several, of the projects the token can see. */
export class ProjectNameError extends HexError {}

/** Called once per page read, for the log. */
export type PageListener = (page: number, projects: number) => void

/** How many near matches an error lists. */
const CANDIDATES_SHOWN = 10

/**
 * Resolves project titles to IDs with ListProjects, following its pages. Titles match exactly,
 * ignoring case and surrounding white space; each must match one project.
 */
export async function findProjects(
  session: HexSession,
  names: string[],
  onPage?: PageListener
): Promise<Map<string, string>> {
  const all: ProjectSummary[] = []
  let after: string | undefined
  let page = 0
  do {
    const cursor = after
    const result = await session.listProjects(names.join("', '"), cursor)
    page += 1
    all.push(...result.projects)
    onPage?.(page, result.projects.length)
    // A cursor that does not move would loop for ever.
    after = result.after !== cursor ? result.after : undefined
  } while (after !== undefined)

  const ids = new Map<string, string>()
  const problems: string[] = []
  for (const name of names) {
    const key = normalise(name)
    const matches = all.filter((p) => normalise(p.title) === key)
    const [only] = matches
    if (matches.length === 1 && only) {
      ids.set(name, only.id)
    } else if (matches.length > 1) {
      problems.push(
        `Project name '${name}' matches ${matches.length} projects: ${matches.map(describe).join(', ')}. Give the one you mean as project-id.`
      )
    } else {
      const near = all.filter(
        (p) => normalise(p.title).includes(key) || key.includes(normalise(p.title))
      )
      const shown = near.slice(0, CANDIDATES_SHOWN).map(describe)
      const more = near.length > shown.length ? ` and ${near.length - shown.length} more` : ''
      problems.push(
        `Project name '${name}' matches none of the ${all.length} projects the token can see${
          shown.length > 0 ? `; near matches: ${shown.join(', ')}${more}` : ''
        }. Check the title (and that the project is shared with the token's user), or give project-id.`
      )
    }
  }
  if (problems.length > 0)
    throw new ProjectNameError(problems.join(' '), {
      operation: 'find',
      projectId: names.join(', '),
      host: ''
    })
  return ids
}

function normalise(title: string): string {
  return title.trim().replace(/\s+/g, ' ').toLowerCase()
}

function describe(p: ProjectSummary): string {
  return `'${p.title}' (${p.id})`
}

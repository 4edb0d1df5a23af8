import { HexError } from './errors.ts'
import { PROJECTS_PAGE_SIZE } from './paths.ts'
import type { HexSession } from './session.ts'
import type { ProjectSummary } from './types.ts'

/** A project title that matched none, or several, of the projects the token can see. */
export class ProjectNameError extends HexError {}

/** Called once per page read, for the log. */
export type PageListener = (page: number, projects: number) => void

/** 100 pages of 100: 10,000 projects. A longer walk is a broken or hostile answer, or a huge workspace. */
export const MAX_PROJECT_PAGES = 100

/** How many near matches an error lists. */
const CANDIDATES_SHOWN = 10

/**
 * Resolves project titles to projects (ID and title as Hex spells it) with ListProjects, following its pages. Titles match exactly,
 * ignoring case and surrounding white space; each must match one project.
 */
export async function findProjects(
  session: HexSession,
  names: string[],
  onPage?: PageListener
): Promise<Map<string, ProjectSummary>> {
  const all: ProjectSummary[] = []
  const label = names.join("', '")
  const fail = (why: string): ProjectNameError =>
    new ProjectNameError(`Could not list the projects to find '${label}': ${why}`, {
      operation: 'find',
      projectId: names.join(', '),
      host: ''
    })
  // A cursor seen before would loop for ever.
  const seen = new Set<string>()
  let after: string | undefined
  let page = 0
  do {
    if (page >= MAX_PROJECT_PAGES)
      throw fail(
        `Hex listed more than ${MAX_PROJECT_PAGES} pages (${MAX_PROJECT_PAGES * PROJECTS_PAGE_SIZE} projects) and no end in sight. Give the project as project-id instead.`
      )
    if (page > 0 && session.clock.now() >= session.deadline)
      throw fail(
        'the timeout passed while reading the pages. Give the project as project-id instead.'
      )
    const result = await session.listProjects(label, after)
    page += 1
    all.push(...result.projects)
    onPage?.(page, result.projects.length)
    if (after !== undefined) seen.add(after)
    after = result.after
    if (after !== undefined && seen.has(after))
      throw fail(
        `Hex gave page ${page + 1} the cursor of an earlier page, so the list would never end. Give the project as project-id instead.`
      )
  } while (after !== undefined)

  const ids = new Map<string, ProjectSummary>()
  const problems: string[] = []
  for (const name of names) {
    const key = normalise(name)
    const matches = all.filter((p) => normalise(p.title) === key)
    const [only] = matches
    if (matches.length === 1 && only) {
      ids.set(name, only)
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

/**
 * The licenses.txt of a bundle: every package whose code went into it, in any of its chunks, with
 * its license type and text, in the form ncc's own licenses.txt takes (sorted by name, each entry
 * `name`, `license`, text, a blank line).
 *
 * ncc writes licenses.txt once per chunk under the same name, so a bundle with lazy chunks (the
 * action's post step, publish() and Octokit are chunks of their own) kept only the last chunk's
 * list: dist/licenses.txt named @actions/github alone, not undici, @actions/core or Octokit. This
 * builds the list from the modules of the whole compilation instead.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, sep } from 'node:path'

/** What ncc returns in `stats`: webpack's stats, whose compilation lists every module. */
export interface NccStats {
  compilation: { modules: Iterable<{ resource?: string }> }
}

/** The folder of the package a bundled file belongs to: the part up to its last node_modules/<name>. */
export function packageDirOf(resource: string): string | undefined {
  const marker = `${sep}node_modules${sep}`
  const at = resource.lastIndexOf(marker)
  if (at < 0) return undefined
  const rest = resource.slice(at + marker.length).split(sep)
  const depth = rest[0]?.startsWith('@') ? 2 : 1
  if (rest.length <= depth) return undefined
  return resource.slice(0, at + marker.length) + rest.slice(0, depth).join(sep)
}

interface PackageLicense {
  name: string
  license?: string
  text?: string
}

/**
 * A package's license, as license-webpack-plugin (ncc's) reads it: `license` of package.json, and
 * the text of the first file whose name starts with "license" or "licence".
 */
function licenseOf(dir: string): PackageLicense | undefined {
  const manifest = join(dir, 'package.json')
  if (!existsSync(manifest)) return undefined
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; license?: unknown }
  if (typeof pkg.name !== 'string') return undefined
  const file = readdirSync(dir)
    .sort()
    .find((name) => /^licen[cs]e/i.test(name))
  return {
    name: pkg.name,
    license: typeof pkg.license === 'string' ? pkg.license : undefined,
    text:
      file === undefined ? undefined : readFileSync(join(dir, file), 'utf8').replace(/\r\n/g, '\n')
  }
}

/** licenses.txt for every package in the compilation; the project's own code is not one. */
export function licensesText(stats: NccStats): string {
  const dirs = new Set<string>()
  for (const { resource } of stats.compilation.modules) {
    const dir = resource === undefined ? undefined : packageDirOf(resource)
    if (dir !== undefined) dirs.add(dir)
  }
  const byName = new Map<string, PackageLicense>()
  for (const dir of dirs) {
    const found = licenseOf(dir)
    if (found !== undefined && !byName.has(found.name)) byName.set(found.name, found)
  }
  const entries = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1))
  const text = entries
    .map((p) => [p.name, p.license, p.text].filter((part) => part !== undefined).join('\n'))
    .join('\n\n')
  return `${text.trim()}\n`
}

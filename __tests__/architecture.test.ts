/**
 * The layers of docs/architecture.md, checked: every import in src/ points down (entries → action
 * → step → runs → hex, github → lib), none forms a circle, the command line never reaches the
 * runner's edge, and the runner's, GitHub's and the network's libraries are each imported in one
 * place.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { describe, it } from '@jest/globals'
import { ROOT } from '../test/runner/action-yml.ts'

const SRC = join(ROOT, 'src')
/** Lower layers have higher ranks; an import may only go to an equal or higher rank. */
const RANK: Record<string, number> = {
  '.': 0,
  cli: 0,
  action: 1,
  step: 2,
  runs: 3,
  hex: 4,
  github: 4,
  lib: 5
}

// Spread: readdirSync's array is of Node's realm, not the test's, and deepEqual checks prototypes.
const files = [...readdirSync(SRC, { recursive: true, encoding: 'utf8' })]
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.split('\\').join('/'))

function layerOf(file: string): string {
  const top = file.includes('/') ? (file.split('/')[0] as string) : '.'
  return top
}

/** Every `from '...'` and `import('...')` of a file: [specifier, resolved path or package]. */
function importsOf(file: string): { spec: string; target: string }[] {
  const text = readFileSync(join(SRC, file), 'utf8')
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1] as string)
  return specs.map((spec) => ({
    spec,
    target: spec.startsWith('.')
      ? relative(SRC, normalize(join(SRC, dirname(file), spec)))
          .split('\\')
          .join('/')
      : spec
  }))
}

/** The imports that reach the bundle: `import type` lines are erased, so they are left out. */
function valueImportsOf(file: string): { spec: string; target: string }[] {
  const text = readFileSync(join(SRC, file), 'utf8')
  const typeOnly = new Set(
    [...text.matchAll(/^import type [^']*'([^']+)'/gm)].map((m) => m[1] as string)
  )
  return importsOf(file).filter((i) => !typeOnly.has(i.spec))
}

describe('the layers of src/', () => {
  it('every folder is a known layer', () => {
    for (const file of files) assert.ok(layerOf(file) in RANK, `${file}: not in a known layer`)
  })

  it('every import points down, never up', () => {
    const up: string[] = []
    for (const file of files)
      for (const { spec, target } of importsOf(file)) {
        if (!spec.startsWith('.')) continue
        assert.ok(files.includes(target), `${file} imports ${spec}, which is not in src/`)
        const from = RANK[layerOf(file)] as number
        const to = RANK[layerOf(target)] as number
        if (to < from) up.push(`${file} -> ${target}`)
      }
    assert.deepEqual(up, [])
  })

  it('no file imports itself through a circle', () => {
    const graph = new Map(
      files.map((f) => [
        f,
        importsOf(f)
          .filter((i) => i.spec.startsWith('.'))
          .map((i) => i.target)
      ])
    )
    const done = new Set<string>()
    const path: string[] = []
    const visit = (file: string): void => {
      if (done.has(file)) return
      assert.ok(!path.includes(file), `a circle: ${[...path, file].join(' -> ')}`)
      path.push(file)
      for (const next of graph.get(file) ?? []) visit(next)
      path.pop()
      done.add(file)
    }
    for (const file of files) visit(file)
  })

  it('the runner, GitHub and the network are each reached from one place', () => {
    const where = (pkg: RegExp) =>
      files.filter((f) => importsOf(f).some((i) => pkg.test(i.target))).sort()
    assert.deepEqual(where(/^@actions\/core$/), ['action/io.ts'])
    assert.deepEqual(where(/^@actions\/github$/), ['github/octokit.ts'])
    assert.deepEqual(where(/^undici$/), ['lib/runtime.ts'])
  })

  it('@actions/github is loaded only when GitHub is asked something: imported for its types, and at run time only by import()', () => {
    const text = readFileSync(join(SRC, 'github/octokit.ts'), 'utf8')
    const imports = [...text.matchAll(/^import (.*) from '@actions\/github'/gm)]
    for (const [line] of imports) assert.match(line, /^import type /)
    assert.match(text, /await import\('@actions\/github'\)|import\('@actions\/github'\)\.then/)
  })

  it("the command line reaches nothing of the runner's edge, nor any @actions package", () => {
    const reached = new Set<string>()
    const visit = (file: string): void => {
      if (reached.has(file)) return
      reached.add(file)
      for (const { spec, target } of valueImportsOf(file)) if (spec.startsWith('.')) visit(target)
    }
    visit('cli/index.ts')
    const runnerSide = [...reached].filter((f) => f.startsWith('action/') || f === 'index.ts')
    assert.deepEqual(runnerSide, [])
    const packages = [...reached].flatMap((f) =>
      valueImportsOf(f)
        .filter((i) => i.target.startsWith('@actions/'))
        .map((i) => `${f} -> ${i.target}`)
    )
    assert.deepEqual(packages, [])
  })

  it("the command line's bundle carries no @actions or Octokit package; the action's names every package it carries", () => {
    // An entry starts after a blank line: a package's name, then its license's SPDX id.
    const listed = (file: string): string[] =>
      [
        ...readFileSync(join(ROOT, file), 'utf8').matchAll(
          /(?:^|\n\n)((?:@[a-z0-9-]+\/)?[a-z0-9][a-z0-9._-]*)\n[A-Za-z0-9.+-]+\n/g
        )
      ].map((m) => m[1] as string)
    const cli = listed('dist/cli/licenses.txt')
    assert.deepEqual(
      cli.filter((name) => /^@(actions|octokit)\//.test(name)),
      []
    )
    assert.ok(cli.includes('undici'), cli.join(', '))
    // What only the runner's toolkit writes: the post step's state file.
    assert.doesNotMatch(readFileSync(join(ROOT, 'dist/cli/index.js'), 'utf8'), /GITHUB_STATE/)
    const action = listed('dist/licenses.txt')
    for (const name of ['@actions/core', '@actions/github', '@octokit/core', 'undici'])
      assert.ok(action.includes(name), `dist/licenses.txt lists ${name}: ${action.join(', ')}`)
  })

  it('the pacing room is reached through its interface only', () => {
    const inside = files
      .filter((f) => !f.startsWith('runs/pacing/'))
      .flatMap((f) => importsOf(f).map((i) => `${f} -> ${i.target}`))
      .filter((edge) => /-> runs\/pacing\//.test(edge) && !edge.endsWith('-> runs/pacing/index.ts'))
    assert.deepEqual(inside, [])
  })

  it('GitHub and Hex know nothing of each other', () => {
    for (const file of files.filter((f) => /^(hex|github)\//.test(f)))
      for (const { target } of importsOf(file))
        assert.doesNotMatch(
          target,
          file.startsWith('hex/') ? /^github\// : /^hex\//,
          `${file} imports ${target}`
        )
  })

  it('the run logic knows nothing of inputs, outputs or step state', () => {
    for (const file of files.filter((f) => /^(runs|hex|lib)\//.test(f)))
      for (const { target } of importsOf(file))
        assert.doesNotMatch(target, /^(action|step)\/|^@actions\//, `${file} imports ${target}`)
  })

  it('the step both edges share knows nothing of the runner', () => {
    for (const file of files.filter((f) => f.startsWith('step/')))
      for (const { target } of importsOf(file))
        assert.doesNotMatch(target, /^action\/|^@actions\//, `${file} imports ${target}`)
  })
})

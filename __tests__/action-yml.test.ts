import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from '@jest/globals'
import { Output } from '../src/action/constants.ts'
import { Defaults, Input } from '../src/step/inputs.ts'
import { readActionYml, ROOT } from '../test/runner/action-yml.ts'

describe('action.yml', () => {
  const yml = readActionYml()

  it('runs dist/index.js on node24', () => {
    assert.equal(yml.runs.using, 'node24')
    assert.equal(yml.runs.main, 'dist/index.js')
  })

  it('has branding and a description for every input and output', () => {
    assert.ok(yml.branding?.icon && yml.branding.color)
    for (const [name, spec] of [...Object.entries(yml.inputs), ...Object.entries(yml.outputs)])
      assert.ok(spec.description.trim().length > 10, `${name} has a description`)
  })

  it('declares exactly the inputs and outputs the code reads and sets', () => {
    assert.deepEqual(Object.keys(yml.inputs).sort(), Object.values(Input).sort())
    assert.deepEqual(Object.keys(yml.outputs).sort(), Object.values(Output).sort())
  })

  it('has the same defaults as the code falls back to', () => {
    for (const [name, value] of Object.entries(Defaults))
      assert.equal(yml.inputs[name]?.default, value, `default of ${name}`)
    // project-id or project-name: settings.ts checks that one of them is given.
    assert.equal(yml.inputs[Input.ProjectId]?.required, false)
  })

  it('has every input in .env.example, which npm run local-action reads', () => {
    const text = readFileSync(join(ROOT, '.env.example'), 'utf8')
    const set = [...text.matchAll(/^INPUT_([A-Z-]+)=/gm)].map((m) => (m[1] ?? '').toLowerCase())
    assert.deepEqual(set.sort(), Object.keys(yml.inputs).sort())
  })
})

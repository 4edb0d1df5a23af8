/**
 * Jest's node environment, with the seams between two realms closed where the tests meet them.
 *
 * Jest runs each test file in a vm context of its own, with its own Object, Array and Error, but
 * hands it Node's globals (fetch, structuredClone) from the realm Jest itself runs in. Objects and
 * errors those make belong to the other realm, which node --test (one realm) never showed:
 *
 * - `structuredClone` (the stand-in Hex server copies its request log with it) returns objects whose
 *   prototype is not the test's Object.prototype, and assert.deepStrictEqual checks prototypes.
 *   Here it clones as Node does, then rebuilds plain objects, arrays, Dates, Maps, Sets and RegExps
 *   in the test's realm. Anything else (typed arrays, Blobs ...) is returned as Node cloned it.
 * - `fetch` rejects with the other realm's TypeError (its cause a system error with `code`), and
 *   `Response.json()` throws its SyntaxError, so `error instanceof Error` is false in the code under
 *   test (src/hex/client.ts reads ECONNREFUSED that way) and in assert.rejects. Here the built-in
 *   error classes of the test's realm also claim the other realm's instances of the same class, as
 *   one realm would; subclasses (HexError ...) keep the ordinary check.
 */
import vm from 'node:vm'
import { TestEnvironment } from 'jest-environment-node'

const ERROR_CLASSES = [
  'Error',
  'TypeError',
  'SyntaxError',
  'RangeError',
  'ReferenceError',
  'EvalError',
  'URIError',
  'AggregateError'
]

/** Compiled in the test's context, so the copies it makes are that realm's. */
const ADOPT = `(function adopt(value, seen = new Map()) {
  if (typeof value !== 'object' || value === null) return value
  if (seen.has(value)) return seen.get(value)
  const tag = Object.prototype.toString.call(value)
  let copy
  if (Array.isArray(value)) {
    copy = new Array(value.length)
    seen.set(value, copy)
    for (let i = 0; i < value.length; i++) if (i in value) copy[i] = adopt(value[i], seen)
  } else if (tag === '[object Date]') {
    copy = new Date(value.getTime())
  } else if (tag === '[object RegExp]') {
    copy = new RegExp(value.source, value.flags)
  } else if (tag === '[object Map]') {
    copy = new Map()
    seen.set(value, copy)
    for (const [k, v] of value) copy.set(adopt(k, seen), adopt(v, seen))
  } else if (tag === '[object Set]') {
    copy = new Set()
    seen.set(value, copy)
    for (const v of value) copy.add(adopt(v, seen))
  } else if (tag === '[object Object]') {
    const proto = Object.getPrototypeOf(value)
    if (proto !== null && Object.getPrototypeOf(proto) !== null) return value
    copy = proto === null ? Object.create(null) : {}
    seen.set(value, copy)
    for (const key of Object.keys(value)) copy[key] = adopt(value[key], seen)
  } else {
    return value
  }
  seen.set(value, copy)
  return copy
})`

export default class NodeEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context)
    const inner = this.global
    const adopt = vm.runInContext(ADOPT, this.getVmContext())
    const clone = globalThis.structuredClone
    inner.structuredClone = function structuredClone(...args) {
      return adopt(clone(...args))
    }
    const hasInstance = Function.prototype[Symbol.hasInstance]
    for (const name of ERROR_CLASSES) {
      const own = inner[name]
      const other = globalThis[name]
      if (typeof own !== 'function' || typeof other !== 'function' || own === other) continue
      Object.defineProperty(own, Symbol.hasInstance, {
        configurable: true,
        value(instance) {
          if (hasInstance.call(this, instance)) return true
          return this === own && hasInstance.call(other, instance)
        }
      })
    }
  }
}

/**
 * Jest transform for the project's TypeScript: Node's own type stripping (module.stripTypeScriptTypes
 * in strip mode), the same erasure Node applies when it runs a .ts file. Types become spaces, so
 * every line and column stays where it was: coverage and stack traces need no source map.
 * It cannot compile enums, namespaces or parameter properties; tsconfig's erasableSyntaxOnly keeps
 * them out of the code.
 */
import { createHash } from 'node:crypto'
import { stripTypeScriptTypes } from 'node:module'

/** Bump when the output of this file changes, so Jest's transform cache is not reused. */
const VERSION = '1'

let warned = false

/** Node warns once per process that the API is experimental; each Jest worker would print it. */
function strip(code) {
  if (warned) return stripTypeScriptTypes(code, { mode: 'strip' })
  warned = true
  const emitWarning = Object.getOwnPropertyDescriptor(process, 'emitWarning')
  process.emitWarning = () => undefined
  try {
    return stripTypeScriptTypes(code, { mode: 'strip' })
  } finally {
    Object.defineProperty(process, 'emitWarning', emitWarning)
  }
}

export default {
  /**
   * Jest keys its transform cache on this alone, so it names everything the cached output depends
   * on: the source and its path, this transform, the Node that strips, Jest's config, and whether
   * the file is also instrumented for coverage (Jest instruments after the transform and caches both
   * together).
   */
  getCacheKey(sourceText, sourcePath, options) {
    return createHash('sha256')
      .update(
        [
          VERSION,
          process.version,
          sourcePath,
          options.configString,
          String(options.instrument)
        ].join('\0')
      )
      .update('\0')
      .update(sourceText)
      .digest('hex')
  },

  process(sourceText, sourcePath) {
    try {
      return { code: strip(sourceText) }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new Error(`strip-types: cannot strip the types from ${sourcePath}: ${reason}`, {
        cause: error
      })
    }
  }
}

/**
 * Validates JSON bodies against the response schemas of an OpenAPI 3.0 description (the contract,
 * contract/hex-api.yaml) with ajv: `$ref`s inlined, `nullable` turned into JSON Schema's null type,
 * OpenAPI-only and `x-` keys dropped.
 */
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import {
  asObject,
  NOT_IN_HEX,
  operationsOf,
  resolveRef,
  type Json
} from '../../contract/compare.ts'

// ajv-formats is CommonJS; its plugin is both module.exports and its default export.
const addFormats = addFormatsModule.default

/** Keys JSON Schema (draft-07, as ajv reads it) has no use for. */
const DROPPED = new Set([
  'nullable',
  'example',
  'discriminator',
  'xml',
  'externalDocs',
  'deprecated'
])

export interface SchemaOptions {
  /**
   * Leave out the anyOf/oneOf branches marked x-not-in-hex-description: what remains is only what
   * Hex's own description documents for that answer.
   */
  documentedOnly?: boolean
}

/** An OpenAPI 3.0 schema as a self-contained JSON Schema. */
export function toJsonSchema(doc: Json, raw: unknown, options: SchemaOptions = {}): Json {
  const schema = asObject(resolveRef(doc, raw)) ?? {}
  const out: Json = {}
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED.has(key) || key.startsWith('x-')) continue
    if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(asObject(value) ?? {}).map(([name, sub]) => [
          name,
          toJsonSchema(doc, sub, options)
        ])
      )
    } else if (key === 'items' || key === 'not') {
      out[key] = toJsonSchema(doc, value, options)
    } else if (key === 'additionalProperties' && typeof value === 'object') {
      out[key] = toJsonSchema(doc, value, options)
    } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      const branches = (value as unknown[]).filter(
        (branch) =>
          !(
            options.documentedOnly &&
            key !== 'allOf' &&
            asObject(resolveRef(doc, branch))?.[NOT_IN_HEX] !== undefined
          )
      )
      out[key] = branches.map((branch) => toJsonSchema(doc, branch, options))
    } else {
      out[key] = value
    }
  }
  if (schema.nullable !== true) return out
  if (typeof out.type === 'string') out.type = [out.type, 'null']
  if (Array.isArray(out.enum) && !out.enum.includes(null))
    out.enum = [...(out.enum as unknown[]), null]
  return typeof out.type === 'undefined' && out.enum === undefined
    ? { anyOf: [out, { type: 'null' }] }
    : out
}

/** An operation's answer for one status, as the description gives it. */
export function responseOf(doc: Json, operationId: string, status: number): Json | undefined {
  const op = operationsOf(doc).find((o) => o.op.operationId === operationId)
  if (op === undefined) throw new Error(`no operation ${operationId} in the description`)
  return asObject(resolveRef(doc, asObject(op.op.responses)?.[String(status)]))
}

/** The example the description gives for an operation's JSON answer. */
export function exampleOf(doc: Json, operationId: string, status: number): Json {
  const media = asObject(
    asObject(responseOf(doc, operationId, status)?.content)?.['application/json']
  )
  const example = asObject(media?.example)
  if (example === undefined) throw new Error(`no example for ${operationId} ${status}`)
  return example
}

/** Checks answers against a description's response schemas. */
export class ResponseValidator {
  readonly #doc: Json
  readonly #ajv = new Ajv({ allErrors: true, strict: true })
  readonly #compiled = new Map<string, ValidateFunction>()

  constructor(doc: Json) {
    this.#doc = doc
    addFormats(this.#ajv)
  }

  /**
   * What is wrong with an answer, as text; empty when it fits. `contentType` is the answer's
   * Content-Type header, `text` its body.
   */
  check(
    operationId: string,
    status: number,
    contentType: string | null,
    text: string,
    options: SchemaOptions = {}
  ): string[] {
    const response = responseOf(this.#doc, operationId, status)
    if (response === undefined) return [`the description lists no ${status} for ${operationId}`]
    const content = asObject(response.content) ?? {}
    if (Object.keys(content).length === 0)
      return text === '' ? [] : [`${status} has no body in the description, got ${text}`]
    const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
    const media = asObject(content[type])
    if (media === undefined)
      return [
        `${status} answered ${type || 'no content type'}; the description has ${Object.keys(content).join(', ')}`
      ]
    let body: unknown = text
    if (type === 'application/json') {
      try {
        body = JSON.parse(text)
      } catch {
        return [`${status} body is not JSON: ${text.slice(0, 80)}`]
      }
    }
    const validate = this.#compile(
      `${operationId} ${status} ${type} ${options.documentedOnly === true}`,
      () => toJsonSchema(this.#doc, media.schema, options)
    )
    if (validate(body)) return []
    return (validate.errors ?? []).map(
      (e) =>
        `${e.instancePath || '(body)'} ${e.message ?? 'is invalid'} ${JSON.stringify(e.params)}`
    )
  }

  #compile(key: string, build: () => Json): ValidateFunction {
    let validate = this.#compiled.get(key)
    if (validate === undefined) {
      validate = this.#ajv.compile(build())
      this.#compiled.set(key, validate)
    }
    return validate
  }
}

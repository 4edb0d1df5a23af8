/**
 * Compares contract/hex-api.yaml, the project's own short description of the Hex API, with Hex's
 * published OpenAPI description. __tests__/contract.test.ts and scripts/check-contract.ts both
 * use it, so the test and the script can never disagree on what "agrees" means.
 *
 * What the contract says must hold in Hex's description:
 * - every server URL, path, method and operationId is there, and Hex asks for bearer auth;
 * - every parameter (by name and place) and request body field is there, and every value the
 *   contract lets the action send Hex accepts too: same type (integer where Hex says number is
 *   fine), a subset of Hex's enum, Hex's format, a range inside Hex's, and every field Hex
 *   requires is required;
 * - every response status is there, and every response field is there with exactly Hex's type,
 *   nullability and enum (so the contract accepts whatever Hex may send, and no more), Hex's
 *   format if it names one, and required only where Hex requires it.
 * `$ref`s and `allOf` are resolved on both sides; where Hex offers alternatives (anyOf, oneOf),
 * agreeing with one of them is enough.
 *
 * A response or schema marked `x-not-in-hex-description` is something the action must handle
 * though Hex's description does not list it for that operation: it is reported as a note, and
 * compared with the Hex schema that `x-hex-shape` names, if any. Response headers, descriptions
 * and examples are not compared.
 */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'

export type Json = Record<string, unknown>

export interface Finding {
  /** disagreement: the contract says what Hex's description does not. note: worth a look. */
  kind: 'disagreement' | 'note'
  /** The contract's operation, as 'GET /v1/projects', or 'document' for servers and security. */
  operation: string
  /** Where in the operation, e.g. "response 200 .status" or "query limit". */
  where: string
  message: string
}

/** Where Hex publishes its description ("Download OpenAPI specification" in its API reference). */
export const HEX_DESCRIPTION_URL = 'https://static.hex.site/openapi.json'
export const CONTRACT_FILE = fileURLToPath(new URL('./hex-api.yaml', import.meta.url))
/** Marks what the action handles although Hex's description does not list it there. */
export const NOT_IN_HEX = 'x-not-in-hex-description'
/** Names the schema in Hex's components that a marked answer has the shape of. */
export const HEX_SHAPE = 'x-hex-shape'

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const

type Side = 'request' | 'response'

/** Reads a description from a file or an http(s) URL, as JSON or YAML. */
export async function loadDescription(source: string): Promise<Json> {
  let text: string
  if (/^https?:\/\//i.test(source)) {
    let response: Response
    try {
      response = await fetch(source, { signal: AbortSignal.timeout(30_000) })
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
      throw new Error(
        `could not fetch ${source}: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause: error }
      )
    }
    if (!response.ok) throw new Error(`GET ${source} answered ${response.status}`)
    text = await response.text()
  } else {
    text = await readFile(source, 'utf8')
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = parseYaml(text)
  }
  const doc = asObject(parsed)
  if (doc === undefined || typeof doc.openapi !== 'string' || asObject(doc.paths) === undefined)
    throw new Error(`${source} is not an OpenAPI description (no openapi version or paths)`)
  return doc
}

export function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : []
}

/** Follows `$ref`s (local ones, `#/...`) until a node that is not one. */
export function resolveRef(doc: Json, node: unknown): unknown {
  let current = node
  const seen = new Set<string>()
  for (;;) {
    const ref = asString(asObject(current)?.$ref)
    if (ref === undefined) return current
    if (!ref.startsWith('#/') || seen.has(ref)) throw new Error(`cannot resolve $ref ${ref}`)
    seen.add(ref)
    current = ref
      .slice(2)
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((at, key) => asObject(at)?.[key], doc)
    if (current === undefined) throw new Error(`$ref ${ref} points at nothing`)
  }
}

/** The URLs of a description's servers, in order. */
export function serverUrls(doc: Json): string[] {
  return asArray(doc.servers)
    .map((server) => asString(asObject(server)?.url))
    .filter((url): url is string => url !== undefined)
}

/** The operations a description has, as 'METHOD /path'. */
export function operationsOf(doc: Json): { key: string; path: string; method: string; op: Json }[] {
  const found = []
  for (const [path, item] of Object.entries(asObject(doc.paths) ?? {})) {
    const pathItem = asObject(resolveRef(doc, item)) ?? {}
    for (const method of METHODS) {
      const op = asObject(pathItem[method])
      if (op) found.push({ key: `${method.toUpperCase()} ${path}`, path, method, op })
    }
  }
  return found
}

/** A schema with `$ref` and `allOf` resolved: what the comparison looks at. */
interface Shape {
  type?: string
  nullable: boolean
  format?: string
  enum?: unknown[]
  minimum?: number
  maximum?: number
  properties: Map<string, unknown>
  required: Set<string>
  items?: unknown
  alternatives?: unknown[]
  notInHex?: string
  hexShape?: string
}

function shapeOf(doc: Json, raw: unknown): Shape {
  const schema = asObject(resolveRef(doc, raw)) ?? {}
  const shape: Shape = { nullable: false, properties: new Map(), required: new Set() }
  for (const part of asArray(schema.allOf)) merge(shape, shapeOf(doc, part))
  const own: Shape = {
    type: asString(schema.type),
    nullable: schema.nullable === true,
    format: asString(schema.format),
    enum: Array.isArray(schema.enum) ? (schema.enum as unknown[]) : undefined,
    minimum: typeof schema.minimum === 'number' ? schema.minimum : undefined,
    maximum: typeof schema.maximum === 'number' ? schema.maximum : undefined,
    properties: new Map(Object.entries(asObject(schema.properties) ?? {})),
    required: new Set(asArray(schema.required).filter((r): r is string => typeof r === 'string')),
    items: schema.items,
    alternatives: Array.isArray(schema.anyOf ?? schema.oneOf)
      ? asArray(schema.anyOf ?? schema.oneOf)
      : undefined,
    notInHex: asString(schema[NOT_IN_HEX]),
    hexShape: asString(schema[HEX_SHAPE])
  }
  merge(shape, own)
  return shape
}

/** Folds `from` into `into`; what `from` sets wins (the schema's own keys over its allOf parts). */
function merge(into: Shape, from: Shape): void {
  into.type = from.type ?? into.type
  into.nullable ||= from.nullable
  into.format = from.format ?? into.format
  into.enum = from.enum ?? into.enum
  into.minimum = from.minimum ?? into.minimum
  into.maximum = from.maximum ?? into.maximum
  for (const [name, schema] of from.properties) into.properties.set(name, schema)
  for (const name of from.required) into.required.add(name)
  into.items = from.items ?? into.items
  into.alternatives = from.alternatives ?? into.alternatives
  into.notInHex = from.notInHex ?? into.notInHex
  into.hexShape = from.hexShape ?? into.hexShape
}

class Comparison {
  readonly findings: Finding[] = []
  readonly contract: Json
  readonly hex: Json
  operation = 'document'

  constructor(contract: Json, hex: Json) {
    this.contract = contract
    this.hex = hex
  }

  disagree(where: string, message: string): void {
    this.findings.push({ kind: 'disagreement', operation: this.operation, where, message })
  }

  note(where: string, message: string): void {
    this.findings.push({ kind: 'note', operation: this.operation, where, message })
  }

  /** Runs `compare` into a findings list of its own, to choose among Hex's alternatives. */
  trial(compare: (c: Comparison) => void): Finding[] {
    const sub = new Comparison(this.contract, this.hex)
    sub.operation = this.operation
    compare(sub)
    return sub.findings
  }

  hexSchema(name: string): unknown {
    return asObject(asObject(this.hex.components)?.schemas)?.[name]
  }

  schema(cRaw: unknown, hRaw: unknown, where: string, side: Side): void {
    const c = shapeOf(this.contract, cRaw)
    if (c.notInHex !== undefined) {
      this.note(where, `not in Hex's description, as the contract says: ${c.notInHex}`)
      if (c.hexShape !== undefined) this.againstHexShape(cRaw, c.hexShape, where, side)
      return
    }
    if (c.alternatives) {
      for (const branch of c.alternatives) this.schema(branch, hRaw, where, side)
      return
    }
    const h = shapeOf(this.hex, hRaw)
    if (h.alternatives) {
      const trials = h.alternatives.map((alt) =>
        this.trial((sub) => sub.schema(cRaw, alt, where, side))
      )
      const count = (fs: Finding[]) => fs.filter((f) => f.kind === 'disagreement').length
      const best = trials.reduce((a, b) => (count(b) < count(a) ? b : a))
      this.findings.push(...best)
      return
    }
    if (side === 'request') this.requestValue(c, h, where)
    else this.responseValue(c, h, where)

    for (const [name, cProp] of c.properties) {
      const at = `${where}.${name}`
      const hProp = h.properties.get(name)
      if (shapeOf(this.contract, cProp).notInHex === undefined && hProp === undefined) {
        this.disagree(at, "no such field in Hex's description")
        continue
      }
      this.schema(cProp, hProp, at, side)
    }
    if (side === 'request') {
      for (const name of h.required) {
        if (!c.required.has(name))
          this.disagree(`${where}.${name}`, 'Hex requires it; the contract does not')
      }
    } else {
      for (const name of c.required) {
        if (!h.required.has(name))
          this.disagree(`${where}.${name}`, 'the contract requires it; Hex does not')
      }
    }
    if (c.items !== undefined) {
      if (h.items === undefined) this.disagree(`${where}[]`, "Hex's description gives no items")
      else this.schema(c.items, h.items, `${where}[]`, side)
    }
  }

  /** Every value the contract lets the action send must be one Hex accepts. */
  private requestValue(c: Shape, h: Shape, where: string): void {
    if (h.type !== undefined) {
      if (c.type === undefined) this.disagree(where, `the contract gives no type; Hex: ${h.type}`)
      else if (c.type !== h.type && !(c.type === 'integer' && h.type === 'number'))
        this.disagree(where, `type ${c.type}; Hex: ${h.type}`)
    }
    if (c.nullable && !h.nullable) this.disagree(where, 'nullable; Hex does not accept null')
    if (h.format !== undefined && c.format !== h.format)
      this.disagree(where, `format ${c.format ?? '(none)'}; Hex: ${h.format}`)
    if (c.format !== undefined && h.format === undefined)
      this.note(where, `format ${c.format}; Hex names none`)
    if (h.enum !== undefined) {
      if (c.enum === undefined) this.disagree(where, `no enum; Hex accepts only ${list(h.enum)}`)
      else {
        const extra = c.enum.filter((v) => !h.enum?.includes(v))
        if (extra.length > 0) this.disagree(where, `enum value ${list(extra)} not in Hex's enum`)
      }
    }
    if (h.minimum !== undefined && (c.minimum === undefined || c.minimum < h.minimum))
      this.disagree(where, `minimum ${c.minimum ?? '(none)'}; Hex: ${h.minimum}`)
    if (h.maximum !== undefined && (c.maximum === undefined || c.maximum > h.maximum))
      this.disagree(where, `maximum ${c.maximum ?? '(none)'}; Hex: ${h.maximum}`)
  }

  /** The contract must accept exactly the values Hex says it sends. */
  private responseValue(c: Shape, h: Shape, where: string): void {
    if (c.type !== h.type)
      this.disagree(where, `type ${c.type ?? '(any)'}; Hex: ${h.type ?? '(any)'}`)
    if (c.nullable !== h.nullable)
      this.disagree(where, c.nullable ? 'nullable; Hex: never null' : 'not nullable; Hex: nullable')
    if (c.format !== undefined && c.format !== h.format)
      this.disagree(where, `format ${c.format}; Hex: ${h.format ?? '(none)'}`)
    if (c.enum !== undefined || h.enum !== undefined) {
      const mine = c.enum ?? []
      const hexs = h.enum ?? []
      const extra = mine.filter((v) => !hexs.includes(v))
      const missing = hexs.filter((v) => !mine.includes(v))
      if (h.enum === undefined) this.disagree(where, `enum ${list(mine)}; Hex gives no enum`)
      else if (c.enum !== undefined) {
        if (extra.length > 0) this.disagree(where, `enum value ${list(extra)} not in Hex's enum`)
        if (missing.length > 0)
          this.disagree(where, `Hex's enum also has ${list(missing)}; the contract does not`)
      }
    }
  }

  private againstHexShape(cRaw: unknown, name: string, where: string, side: Side): void {
    const hexSchema = this.hexSchema(name)
    if (hexSchema === undefined)
      this.disagree(where, `${HEX_SHAPE} names ${name}, which Hex's description does not have`)
    else this.schema(stripMarker(this.contract, cRaw), hexSchema, `${where} (as ${name})`, side)
  }
}

/** The schema without its marker, to compare it with the Hex shape it names. */
function stripMarker(doc: Json, raw: unknown): Json {
  const schema = asObject(resolveRef(doc, raw)) ?? {}
  return Object.fromEntries(
    Object.entries(schema).filter(([key]) => key !== NOT_IN_HEX && key !== HEX_SHAPE)
  )
}

function list(values: unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ')
}

/** Parameters of an operation, path-level ones included, keyed 'in name'. */
function parametersOf(doc: Json, pathItem: Json, op: Json): Map<string, Json> {
  const params = new Map<string, Json>()
  for (const raw of [...asArray(pathItem.parameters), ...asArray(op.parameters)]) {
    const param = asObject(resolveRef(doc, raw))
    const name = asString(param?.name)
    const place = asString(param?.in)
    if (param && name !== undefined && place !== undefined)
      params.set(`${place} ${place === 'header' ? name.toLowerCase() : name}`, param)
  }
  return params
}

function contentOf(doc: Json, holder: Json | undefined): Map<string, Json> {
  const content = asObject(asObject(resolveRef(doc, holder))?.content) ?? {}
  return new Map(Object.entries(content).map(([type, media]) => [type, asObject(media) ?? {}]))
}

/** Names of the http bearer schemes a description declares. */
function bearerSchemes(doc: Json): Set<string> {
  const schemes = asObject(asObject(doc.components)?.securitySchemes) ?? {}
  return new Set(
    Object.entries(schemes)
      .filter(([, raw]) => {
        const s = asObject(resolveRef(doc, raw))
        return s?.type === 'http' && asString(s.scheme)?.toLowerCase() === 'bearer'
      })
      .map(([name]) => name)
  )
}

/** True when the operation's security (or else the document's) requires a bearer scheme. */
function usesBearer(doc: Json, op: Json): boolean {
  const bearer = bearerSchemes(doc)
  const requirements = asArray(op.security ?? doc.security)
  return requirements.some((r) => Object.keys(asObject(r) ?? {}).some((n) => bearer.has(n)))
}

function compareDocument(cmp: Comparison): void {
  const { contract, hex } = cmp
  const hexServers = serverUrls(hex)
  for (const url of serverUrls(contract)) {
    if (!hexServers.includes(url))
      cmp.disagree('servers', `${url} is not among Hex's servers (${hexServers.join(', ')})`)
  }
  const schemes = asObject(asObject(contract.components)?.securitySchemes) ?? {}
  for (const [name, raw] of Object.entries(schemes)) {
    const scheme = asObject(resolveRef(contract, raw))
    const isBearer = scheme?.type === 'http' && asString(scheme.scheme)?.toLowerCase() === 'bearer'
    if (!isBearer)
      cmp.disagree(`security scheme ${name}`, 'the contract only knows http bearer auth')
    else if (bearerSchemes(hex).size === 0)
      cmp.disagree(`security scheme ${name}`, 'Hex declares no http bearer scheme')
  }
}

function compareOperation(cmp: Comparison, path: string, method: string, cOp: Json): void {
  const { contract, hex } = cmp
  const hPathItem = asObject(resolveRef(hex, asObject(hex.paths)?.[path]))
  const hOp = asObject(hPathItem?.[method])
  if (hPathItem === undefined || hOp === undefined) {
    cmp.disagree('path', `Hex's description has no ${method.toUpperCase()} ${path}`)
    return
  }
  const cPathItem = asObject(resolveRef(contract, asObject(contract.paths)?.[path])) ?? {}
  if (asString(cOp.operationId) !== asString(hOp.operationId))
    cmp.disagree(
      'operationId',
      `${asString(cOp.operationId) ?? '(none)'}; Hex: ${asString(hOp.operationId) ?? '(none)'}`
    )
  if (usesBearer(contract, cOp) && !usesBearer(hex, hOp))
    cmp.disagree('security', 'the contract sends a bearer token; Hex asks for no bearer auth here')

  const cParams = parametersOf(contract, cPathItem, cOp)
  const hParams = parametersOf(hex, hPathItem, hOp)
  for (const [key, cParam] of cParams) {
    const hParam = hParams.get(key)
    if (hParam === undefined) {
      cmp.disagree(key, "no such parameter in Hex's description")
      continue
    }
    if (hParam.required === true && cParam.required !== true)
      cmp.disagree(key, 'Hex requires it; the contract does not')
    cmp.schema(cParam.schema, hParam.schema, key, 'request')
  }
  for (const [key, hParam] of hParams) {
    if (hParam.required === true && !cParams.has(key))
      cmp.disagree(key, 'Hex requires this parameter; the contract does not have it')
  }

  if (cOp.requestBody !== undefined) {
    const cBody = asObject(resolveRef(contract, cOp.requestBody)) ?? {}
    const hBody = asObject(resolveRef(hex, hOp.requestBody))
    if (hBody === undefined) cmp.disagree('request body', "Hex's description takes no body here")
    else {
      if (hBody.required === true && cBody.required !== true)
        cmp.disagree('request body', 'Hex requires a body; the contract does not')
      const hContent = contentOf(hex, hBody)
      for (const [type, cMedia] of contentOf(contract, cBody)) {
        const hMedia = hContent.get(type)
        if (hMedia === undefined) cmp.disagree(`request body ${type}`, 'not a type Hex takes')
        else cmp.schema(cMedia.schema, hMedia.schema, 'request body', 'request')
      }
    }
  }

  const hResponses = asObject(hOp.responses) ?? {}
  const cResponses = asObject(cOp.responses) ?? {}
  for (const [status, raw] of Object.entries(cResponses)) {
    compareResponse(cmp, status, asObject(resolveRef(contract, raw)) ?? {}, hResponses[status])
  }
  for (const status of Object.keys(hResponses)) {
    if (!(status in cResponses))
      cmp.note(`response ${status}`, 'Hex lists this status; the contract does not')
  }
}

function compareResponse(cmp: Comparison, status: string, cRes: Json, hRaw: unknown): void {
  const where = `response ${status}`
  const marker = asString(cRes[NOT_IN_HEX])
  if (hRaw === undefined) {
    if (marker === undefined) {
      cmp.disagree(where, `Hex's description lists no ${status} for this operation`)
      return
    }
    cmp.note(where, `not in Hex's description, as the contract says: ${marker}`)
    const shape = asString(cRes[HEX_SHAPE])
    const json = contentOf(cmp.contract, cRes).get('application/json')
    if (shape !== undefined && json !== undefined) {
      const hexSchema = cmp.hexSchema(shape)
      if (hexSchema === undefined)
        cmp.disagree(where, `${HEX_SHAPE} names ${shape}, which Hex's description does not have`)
      else cmp.schema(json.schema, hexSchema, `${where} body (as ${shape})`, 'response')
    }
    return
  }
  if (marker !== undefined)
    cmp.note(where, `Hex's description now lists it: drop ${NOT_IN_HEX} from the contract`)
  const hContent = contentOf(cmp.hex, asObject(hRaw))
  const cContent = contentOf(cmp.contract, cRes)
  if (cContent.size === 0 && hContent.size > 0)
    cmp.note(where, `Hex describes a body (${[...hContent.keys()].join(', ')}); the contract none`)
  for (const [type, cMedia] of cContent) {
    const hMedia = hContent.get(type)
    if (hMedia === undefined) cmp.disagree(`${where} ${type}`, 'Hex describes no such body')
    else cmp.schema(cMedia.schema, hMedia.schema, `${where} body`, 'response')
  }
}

/** Everything the contract says that Hex's description does not, and what is worth a note. */
export function compareDescriptions(contract: Json, hex: Json): Finding[] {
  const cmp = new Comparison(contract, hex)
  compareDocument(cmp)
  for (const { key, path, method, op } of operationsOf(contract)) {
    cmp.operation = key
    compareOperation(cmp, path, method, op)
  }
  return cmp.findings
}

export function formatFinding(finding: Finding): string {
  return `${finding.kind}: ${finding.operation}: ${finding.where}: ${finding.message}`
}

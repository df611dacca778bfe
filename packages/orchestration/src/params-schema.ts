/**
 * Declared run params (issue 15 #15): a pipeline may declare the params it takes, JSON-schema
 * style, and every trigger path (`run()`, the CLI's `--param`, the UI's trigger form, a run
 * request) validates against it, so a param never arrives as something the SQL did not expect.
 * The declaration is stored with the pipeline's definition (`PipelineRecord.options.params`), so
 * a UI or CLI without the pipeline's code validates the same way.
 */
import { OrchestrationError } from './errors.js'
import type { JsonObject, JsonValue } from './json.js'

/** One declared param. */
export interface ParamSpec {
  /** The JSON type of the value. */
  readonly type: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array'
  /** Shown in the UI's trigger form. */
  readonly description?: string
  /** Used when a trigger gives no value. A param with no default is optional unless `required`. */
  readonly default?: JsonValue
  /** A trigger must give it (when there is no default). @default false */
  readonly required?: boolean
  /** The only values allowed. */
  readonly enum?: readonly JsonValue[]
  /** For strings: a regular expression the whole value must match (anchored). */
  readonly pattern?: string
  readonly minLength?: number
  readonly maxLength?: number
  /** For numbers. */
  readonly minimum?: number
  readonly maximum?: number
}

/** The params a pipeline declares, by name. Undeclared params are refused when it declares any. */
export type ParamsSchema = Readonly<Record<string, ParamSpec>>

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array'])
const SPEC_KEYS = new Set([
  'type',
  'description',
  'default',
  'required',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
])

function typeOf(value: JsonValue): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}

function matchesType(spec: ParamSpec, value: JsonValue): boolean {
  const t = typeOf(value)
  return t === spec.type || (spec.type === 'number' && t === 'integer')
}

/** Why `value` does not satisfy `spec`, or undefined when it does. */
function problem(spec: ParamSpec, value: JsonValue): string | undefined {
  if (!matchesType(spec, value))
    return `must be ${spec.type === 'integer' ? 'an' : 'a'} ${spec.type}, got ${typeOf(value)}`
  if (
    spec.enum !== undefined &&
    !spec.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))
  ) {
    return `must be one of ${spec.enum.map((e) => JSON.stringify(e)).join(', ')}`
  }
  if (typeof value === 'string') {
    if (spec.pattern !== undefined && !new RegExp(`^(?:${spec.pattern})$`, 'u').test(value)) {
      return `must match /${spec.pattern}/`
    }
    if (spec.minLength !== undefined && value.length < spec.minLength) {
      return `must be at least ${spec.minLength} characters`
    }
    if (spec.maxLength !== undefined && value.length > spec.maxLength) {
      return `must be at most ${spec.maxLength} characters`
    }
  }
  if (typeof value === 'number') {
    if (spec.minimum !== undefined && value < spec.minimum) return `must be >= ${spec.minimum}`
    if (spec.maximum !== undefined && value > spec.maximum) return `must be <= ${spec.maximum}`
  }
  return undefined
}

/**
 * Checks a declaration (at `new Pipeline`, not at the first trigger).
 * @throws OrchestrationError `DF_PIPELINE_INVALID` naming the param and the problem.
 */
export function checkParamsSchema(pipeline: string, schema: unknown): ParamsSchema {
  const bad = (what: string): never => {
    throw new OrchestrationError(
      'DF_PIPELINE_INVALID',
      `[@df/orchestration] Pipeline '${pipeline}': params ${what}.`,
    )
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return bad('must be an object of { name: { type, … } }')
  }
  for (const [name, spec] of Object.entries(schema as Record<string, unknown>)) {
    if (typeof spec !== 'object' || spec === null) bad(`'${name}' must be { type, … }`)
    const s = spec as ParamSpec
    for (const key of Object.keys(s)) {
      if (!SPEC_KEYS.has(key))
        bad(`'${name}' has unknown field '${key}' (known: ${[...SPEC_KEYS].join(', ')})`)
    }
    if (!TYPES.has(s.type)) bad(`'${name}' needs a type: ${[...TYPES].join(', ')}`)
    if (s.pattern !== undefined) {
      try {
        new RegExp(s.pattern, 'u')
      } catch {
        bad(`'${name}' has an invalid pattern /${s.pattern}/`)
      }
    }
    if (s.default !== undefined) {
      const why = problem(s, s.default)
      if (why !== undefined) bad(`'${name}' default ${why}`)
    }
  }
  return schema as ParamsSchema
}

/**
 * The params a run gets: `given` checked against `schema`, with defaults filled in. Without a
 * schema, `given` is returned as is.
 * @throws OrchestrationError `DF_OPTION_INVALID` naming the param (the value is never echoed:
 * params may come from a UI and end up in SQL).
 * @example
 * validateRunParams({ region: { type: 'string', enum: ['eu', 'us'], default: 'eu' } }, {}) // { region: 'eu' }
 */
export function validateRunParams(
  schema: ParamsSchema | undefined,
  given: JsonObject,
  pipeline = 'the pipeline',
): JsonObject {
  if (schema === undefined) return given
  const bad = (what: string): never => {
    throw new OrchestrationError(
      'DF_OPTION_INVALID',
      `[@df/orchestration] ${pipeline === 'the pipeline' ? 'Run params' : `Pipeline '${pipeline}'`}: ${what}.`,
    )
  }
  for (const name of Object.keys(given)) {
    if (!(name in schema)) {
      bad(`unknown param '${name}' (declared: ${Object.keys(schema).join(', ') || 'none'})`)
    }
  }
  const out: JsonObject = {}
  for (const [name, spec] of Object.entries(schema)) {
    const value = name in given ? given[name] : spec.default
    if (value === undefined) {
      if (spec.required === true) bad(`param '${name}' is required`)
      continue
    }
    const why = problem(spec, value)
    if (why !== undefined) bad(`param '${name}' ${why}`)
    out[name] = value
  }
  return out
}

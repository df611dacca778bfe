/**
 * Checks trigger params in the browser before sending them, with the same rules the engine
 * applies (`validateRunParams` in @df/orchestration); the server checks again and has the last
 * word. Returns the problems, empty when the params are fine.
 */
import type { ParamSpec, ParamsSchema } from './types.js'

function typeOf(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number'
  return typeof v
}

function problem(spec: ParamSpec, v: unknown): string | undefined {
  const t = typeOf(v)
  if (!(t === spec.type || (spec.type === 'number' && t === 'integer'))) {
    return `must be ${spec.type === 'integer' || spec.type === 'object' || spec.type === 'array' ? 'an' : 'a'} ${spec.type}, got ${t}`
  }
  if (spec.enum !== undefined && !spec.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
    return `must be one of ${spec.enum.map((e) => JSON.stringify(e)).join(', ')}`
  }
  if (typeof v === 'string') {
    if (spec.pattern !== undefined) {
      try {
        if (!new RegExp(`^(?:${spec.pattern})$`, 'u').test(v)) return `must match /${spec.pattern}/`
      } catch {
        return undefined
      }
    }
    if (spec.minLength !== undefined && v.length < spec.minLength) {
      return `must be at least ${spec.minLength} characters`
    }
    if (spec.maxLength !== undefined && v.length > spec.maxLength) {
      return `must be at most ${spec.maxLength} characters`
    }
  }
  if (typeof v === 'number') {
    if (spec.minimum !== undefined && v < spec.minimum) return `must be >= ${spec.minimum}`
    if (spec.maximum !== undefined && v > spec.maximum) return `must be <= ${spec.maximum}`
  }
  return undefined
}

/** Parses the form's JSON text into params; `errors` says what is wrong (nothing when ok). */
export function checkParams(
  text: string,
  schema: ParamsSchema | undefined,
): { params?: Record<string, unknown>; errors: string[] } {
  let value: unknown
  const trimmed = text.trim()
  try {
    value = trimmed === '' ? {} : JSON.parse(trimmed)
  } catch (e) {
    return { errors: [`Params are not valid JSON: ${(e as Error).message}`] }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { errors: ['Params must be a JSON object, like {"region": "eu"}.'] }
  }
  const params = value as Record<string, unknown>
  if (schema === undefined || Object.keys(schema).length === 0) return { params, errors: [] }
  const errors: string[] = []
  for (const name of Object.keys(params)) {
    if (!(name in schema)) {
      errors.push(`Unknown param '${name}' (declared: ${Object.keys(schema).join(', ')}).`)
    }
  }
  for (const [name, spec] of Object.entries(schema)) {
    const v = name in params ? params[name] : spec.default
    if (v === undefined) {
      if (spec.required === true) errors.push(`Param '${name}' is required.`)
      continue
    }
    const why = problem(spec, v)
    if (why !== undefined) errors.push(`Param '${name}' ${why}.`)
  }
  return { params, errors }
}

/** The form's starting text: each declared param with its default (or an empty value). */
export function paramsTemplate(schema: ParamsSchema | undefined): string {
  if (schema === undefined) return '{}'
  const out: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(schema)) {
    if (spec.default !== undefined) out[name] = spec.default
    else if (spec.required === true) {
      out[name] =
        spec.type === 'string'
          ? ''
          : spec.type === 'boolean'
            ? false
            : spec.type === 'array'
              ? []
              : spec.type === 'object'
                ? {}
                : 0
    }
  }
  return JSON.stringify(out, null, 2)
}

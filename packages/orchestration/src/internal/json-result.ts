/**
 * Task results must be JSON and small: they are stored with the task instance (Airflow's XCom).
 * A DataFrame or a Map would silently become `{}` through JSON.stringify, so we check the shape.
 */
import { OrchestrationError } from '../errors.js'
import type { JsonValue } from '../json.js'

/** Returns `value` when it is plain JSON of at most `maxBytes` (as UTF-8 JSON text). */
export function checkJsonResult(
  value: unknown,
  maxBytes: number,
  taskId: string,
): JsonValue | undefined {
  if (value === undefined || value === null) return value as undefined
  const t = typeof value
  if (t === 'boolean' || (t === 'number' && Number.isFinite(value))) return value as JsonValue
  const path = findNonJson(value, '$', 0)
  if (path !== undefined) {
    throw new OrchestrationError(
      'DF_RESULT_INVALID',
      `[@df/orchestration] Task '${taskId}' returned a value that is not plain JSON (${path}). Return JSON: strings, numbers, booleans, null, arrays and plain objects.`,
    )
  }
  const bytes =
    t === 'string'
      ? Buffer.byteLength(value as string) + 2
      : Buffer.byteLength(JSON.stringify(value))
  if (bytes > maxBytes) {
    throw new OrchestrationError(
      'DF_RESULT_INVALID',
      `[@df/orchestration] Task '${taskId}' returned ${bytes} bytes of JSON, more than the ${maxBytes}-byte cap (maxResultBytes). Results are stored with the run: write big data to a table or file and return a reference (a table name, a path).`,
    )
  }
  return value as JsonValue
}

function findNonJson(value: unknown, path: string, depth: number): string | undefined {
  if (depth > 100) return `${path} nests deeper than 100 levels`
  if (value === null) return undefined
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value}`
    case 'object': {
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const bad = findNonJson(value[i], `${path}[${i}]`, depth + 1)
          if (bad) return bad
        }
        return undefined
      }
      const proto = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== null) {
        return `${path} is a ${(value as object).constructor?.name ?? 'class instance'}`
      }
      for (const [k, v] of Object.entries(value)) {
        if (v === undefined) continue // dropped by JSON, as users expect from `{ x: maybe }`
        const bad = findNonJson(v, `${path}.${k}`, depth + 1)
        if (bad) return bad
      }
      return undefined
    }
    default:
      return `${path} is a ${typeof value}`
  }
}

/**
 * Option checks for backend factories: unknown keys and bad values are `DF_OPTION_INVALID` with
 * the package in front, never a silent default (issue #15: unknown options are accepted silently).
 */
import { OrchestrationError } from '../errors.js'

/** The option checks of one backend package. */
export interface OptionChecks {
  /** A `DF_OPTION_INVALID` error with the package prefix. */
  invalid(message: string): OrchestrationError
  /** Throws unless `options` is an object whose keys are all in `known`. */
  known(options: unknown, known: ReadonlySet<string>): void
  /** `fallback` when undefined, else an integer >= `min`. */
  int(name: string, value: unknown, fallback: number, min: number): number
  /** `fallback` when undefined, else one of `values`. */
  oneOf<T extends string>(name: string, value: unknown, values: readonly T[], fallback: T): T
}

/** The option checks with `packageName` (e.g. `'@df/backend-mysql'`) in their messages. */
export function optionChecks(packageName: string): OptionChecks {
  const invalid = (message: string) =>
    new OrchestrationError('DF_OPTION_INVALID', `[${packageName}] ${message}`)
  return {
    invalid,
    known(options, known) {
      if (typeof options !== 'object' || options === null || Array.isArray(options)) {
        throw invalid('Options must be an object.')
      }
      for (const key of Object.keys(options)) {
        if (!known.has(key)) {
          throw invalid(`Unknown option "${key}" (known: ${[...known].join(', ')}).`)
        }
      }
    },
    int(name, value, fallback, min) {
      if (value === undefined) return fallback
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
        throw invalid(`Option "${name}" must be an integer >= ${min}.`)
      }
      return value
    },
    oneOf(name, value, values, fallback) {
      if (value === undefined) return fallback
      if (!values.includes(value as never)) {
        throw invalid(`Option "${name}" must be ${values.map((v) => `'${v}'`).join(' or ')}.`)
      }
      return value as never
    },
  }
}

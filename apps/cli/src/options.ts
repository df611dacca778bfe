/**
 * Option-value parsers for commander (`.option('--max-rows <n>', …, wholeNumber(…))`): a bad
 * value stops the command before it does anything, with exit code 2, the usage, and one message
 * that names the flag, what it accepts and what it got. Also the CLI's rule for the
 * environment: a variable set to an empty (or blank) string counts as unset.
 */
import { InvalidArgumentError } from 'commander'

/** A commander argument parser. */
export type ArgParser<T> = (value: string, previous: T) => T

/** A whole number from `min` to `max` (`--max-rows`, `--limit`, `--port`…). */
export function wholeNumber(
  flag: string,
  min: number,
  max: number,
  what = `a whole number from ${min} to ${max}`,
): ArgParser<number> {
  return (value) => {
    const n = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${flag} must be ${what}, got '${value}'.`)
    }
    return n
  }
}

/** One of `choices` (compared case-insensitively when `caseless`; the choice is returned). */
export function oneOf<T extends string>(
  flag: string,
  choices: readonly T[],
  caseless = false,
): ArgParser<T> {
  return (value) => {
    const found = choices.find((c) =>
      caseless ? c.toLowerCase() === value.toLowerCase() : c === value,
    )
    if (found === undefined) {
      throw new InvalidArgumentError(
        `${flag} must be one of ${choices.join(', ')}, got '${value}'.`,
      )
    }
    return found
  }
}

/**
 * An ISO 8601 date or instant (`2026-11-26`, `2026-11-26T02:00:00+00:00`, what Airflow's
 * `{{ ts }}` renders), returned as a UTC ISO string. A bare date is midnight UTC.
 */
export function isoInstant(flag: string): ArgParser<string> {
  return (value) => {
    const ok = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i
    const ms = ok.test(value.trim()) ? Date.parse(value.trim().replace(' ', 'T')) : Number.NaN
    if (Number.isNaN(ms)) {
      throw new InvalidArgumentError(
        `${flag} must be an ISO 8601 date or date-time (2026-11-26, 2026-11-26T02:00:00Z), got '${value}'.`,
      )
    }
    return new Date(ms).toISOString()
  }
}

/** A non-empty text value (`--run-id`). */
export function nonEmpty(flag: string): ArgParser<string> {
  return (value) => {
    if (value.trim() === '') throw new InvalidArgumentError(`${flag} must not be empty.`)
    return value
  }
}

/** Commander collector for repeatable options. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

/** `env` without the variables that are empty or blank: those count as unset everywhere. */
export function definedEnv(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {}
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v.trim() !== '') out[k] = v
  return out
}

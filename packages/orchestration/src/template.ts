/**
 * SQL templates: `{{ ds }}`, `{{ ds_nodash }}`, `{{ ts }}`, `{{ run_id }}`, `{{ params.NAME }}`,
 * `{{ data_interval_start }}`, `{{ data_interval_end }}`, rendered from the run (Airflow's macros
 * of the same names). An unknown placeholder is an error
 * before anything is sent, never an empty string in a query.
 *
 * Filters quote a value for SQL: `{{ params.v | sql }}` is a SQL literal (`'it''s'`, `5`, `TRUE`,
 * `NULL`), `{{ params.t | ident }}` a quoted identifier (`"my ""odd"" table"`). Use them for values
 * that come from outside (UI and API triggers): an unfiltered value is inserted as raw text.
 */
import { OrchestrationError } from './errors.js'
import type { JsonObject, JsonValue } from './json.js'

/** What a template is rendered from; a task's `ctx` satisfies it. */
export interface TemplateContext {
  /** ISO 8601 UTC instant of the run. */
  readonly logicalDate: string
  readonly runId: string
  readonly params: JsonObject
  /** A scheduled run's data interval (ISO 8601 UTC); both default to `logicalDate`. */
  readonly dataIntervalStart?: string
  readonly dataIntervalEnd?: string
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g

/** The filters a placeholder may end with (`{{ params.v | sql }}`). */
export const TEMPLATE_FILTERS = ['sql', 'ident'] as const

/**
 * Replaces every `{{ name }}` (or `{{ name | filter }}`) in `template`. Without a filter, values
 * are inserted as text, unquoted and unescaped: use `| sql` / `| ident` for untrusted values.
 *
 * @throws OrchestrationError `DF_TEMPLATE_INVALID` naming the unknown placeholder or filter.
 * @example
 * renderTemplate("DELETE FROM t WHERE day = '{{ ds }}'", ctx) // "… day = '2026-11-27'"
 * renderTemplate('SELECT * FROM t WHERE region = {{ params.region | sql }}', ctx)
 */
export function renderTemplate(template: string, ctx: TemplateContext): string {
  return template.replace(PLACEHOLDER, (match, inner: string) => {
    const { name, filter } = parse(inner, match)
    const value = resolve(name, ctx)
    if (filter === 'sql') return sqlLiteralOf(value)
    if (filter === 'ident') return identifierOf(value, match)
    return typeof value === 'string' ? value : JSON.stringify(value)
  })
}

/**
 * The placeholder names a template uses, without their filters (for validating a task before
 * a run). @throws OrchestrationError `DF_TEMPLATE_INVALID` for an unknown filter.
 */
export function templatePlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => parse(m[1] ?? '', m[0]).name)
}

function parse(inner: string, match: string): { name: string; filter: string | undefined } {
  const bar = inner.indexOf('|')
  if (bar < 0) return { name: inner, filter: undefined }
  const filter = inner.slice(bar + 1).trim()
  if (!(TEMPLATE_FILTERS as readonly string[]).includes(filter)) {
    throw invalid(
      `unknown filter '${filter}' in '${match}' (known: ${TEMPLATE_FILTERS.join(', ')})`,
    )
  }
  return { name: inner.slice(0, bar).trim(), filter }
}

function sqlLiteralOf(value: JsonValue): string {
  if (value === null) return 'NULL'
  if (typeof value === 'number') return String(value)
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return `'${text.replaceAll("'", "''")}'`
}

function identifierOf(value: JsonValue, match: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters
  if (typeof value !== 'string' || value === '' || /[\u0000-\u001f]/.test(value)) {
    throw invalid(`'${match}': | ident needs text without control characters`)
  }
  return `"${value.replaceAll('"', '""')}"`
}

function resolve(expr: string, ctx: TemplateContext): JsonValue {
  const date = new Date(ctx.logicalDate)
  const ds = () => {
    if (Number.isNaN(date.getTime())) {
      throw invalid(`the run's logicalDate '${ctx.logicalDate}' is not an ISO date`)
    }
    return date.toISOString().slice(0, 10)
  }
  switch (expr) {
    case 'ds':
      return ds()
    case 'ds_nodash':
      return ds().replaceAll('-', '')
    case 'ts':
      ds()
      return date.toISOString()
    case 'run_id':
      return ctx.runId
    case 'data_interval_start':
      return isoOf(ctx.dataIntervalStart ?? ctx.logicalDate, 'data_interval_start')
    case 'data_interval_end':
      return isoOf(ctx.dataIntervalEnd ?? ctx.logicalDate, 'data_interval_end')
  }
  if (expr.startsWith('params.')) {
    let value: JsonValue | undefined = ctx.params
    for (const key of expr.slice('params.'.length).split('.')) {
      value =
        value !== null &&
        typeof value === 'object' &&
        !Array.isArray(value) &&
        Object.hasOwn(value, key)
          ? value[key]
          : undefined
    }
    if (value === undefined) {
      throw invalid(`'{{ ${expr} }}' has no value: the run has no param '${expr.slice(7)}'`)
    }
    return value
  }
  throw invalid(
    `unknown placeholder '{{ ${expr} }}' (known: ds, ds_nodash, ts, run_id, data_interval_start, data_interval_end, params.NAME)`,
  )
}

function isoOf(value: string, name: string): string {
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) throw invalid(`the run's ${name} '${value}' is not an ISO date`)
  return date.toISOString()
}

function invalid(what: string): OrchestrationError {
  return new OrchestrationError('DF_TEMPLATE_INVALID', `[@df/orchestration] Template: ${what}.`)
}

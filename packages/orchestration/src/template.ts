/**
 * SQL templates: `{{ ds }}`, `{{ ds_nodash }}`, `{{ ts }}`, `{{ run_id }}`, `{{ params.NAME }}`,
 * `{{ data_interval_start }}`, `{{ data_interval_end }}`, rendered from the run (Airflow's macros
 * of the same names). An unknown placeholder is an error
 * before anything is sent, never an empty string in a query.
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

/**
 * Replaces every `{{ name }}` in `template`. Values are inserted as text, unquoted and unescaped:
 * quote them in the SQL (`'{{ ds }}'`) and never put untrusted params into identifiers.
 *
 * @throws OrchestrationError `DF_TEMPLATE_INVALID` naming the unknown placeholder.
 * @example
 * renderTemplate("DELETE FROM t WHERE day = '{{ ds }}'", ctx) // "… day = '2026-11-27'"
 */
export function renderTemplate(template: string, ctx: TemplateContext): string {
  return template.replace(PLACEHOLDER, (_match, expr: string) => resolve(expr, ctx))
}

/** The placeholder names a template uses (for validating a task before a run). */
export function templatePlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '')
}

function resolve(expr: string, ctx: TemplateContext): string {
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
    return typeof value === 'string' ? value : JSON.stringify(value)
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

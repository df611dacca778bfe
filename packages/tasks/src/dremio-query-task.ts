/**
 * `DremioQueryTask`: runs templated SQL on Dremio through the REST job API (type `dremio.query`).
 *
 * Multi-statement SQL: Dremio runs one statement per job, so the SQL is split on top-level `;`
 * (quotes and comments respected) BEFORE its templates are rendered, and the statements run in
 * order, one job each, stopping at the first failure. A param value is therefore never split
 * into more statements; quote untrusted values with `{{ params.v | sql }}` (a SQL literal) or
 * `{{ params.t | ident }}` (an identifier). Statements before the failure are NOT rolled back (Dremio has
 * no multi-statement transactions); the error says which statement failed.
 */
import type { ExecuteResult } from '@df/client'
import type { JsonObject, JsonValue } from '@df/orchestration'
import { renderTemplate, Task, type TaskContext } from '@df/orchestration'
import { clientNameOf, type DremioClientRef, resolveDremioClient } from './client-registry.js'
import { runStatement, type StatementRun } from './internal/run-statement.js'
import {
  checkContext,
  checkPlaceholders,
  type DremioTaskOptions,
  noteDremioJob,
  taskInvalid,
} from './internal/task-support.js'
import { splitSqlStatements } from './split-sql.js'

/** Options of {@link DremioQueryTask}. */
export interface DremioQueryTaskOptions extends DremioTaskOptions {
  /**
   * SQL, one or more statements separated by `;`. Templated: `{{ ds }}`, `{{ ds_nodash }}`,
   * `{{ ts }}`, `{{ run_id }}`, `{{ params.NAME }}` (inserted unquoted; `{{ params.NAME | sql }}`
   * as a quoted literal, `| ident` as a quoted identifier).
   */
  readonly sql: string
  /** Default schema path for unqualified names, e.g. `['lake', 'sales']`. */
  readonly context?: readonly string[]
  /**
   * Return the last statement's rows in the result, at most `max` (1-10,000). Results are stored
   * with the run: return references to tables, not data, for anything big.
   * @default false
   */
  readonly returnRows?: false | { readonly max: number }
  /**
   * How `returnRows` rows are fetched: `'flight'` over Arrow Flight (the fast path for results;
   * no job id is recorded, Dremio's Flight endpoint does not report one), `'auto'` (Flight when
   * reachable, else REST), or `'rest'`. Statements without `returnRows` always run as REST jobs.
   * @default 'rest'
   */
  readonly transport?: 'rest' | 'flight' | 'auto'
}

/** What a {@link DremioQueryTask} returns (its stored result). */
export interface DremioQueryResult {
  /** The (last) statement's Dremio job id (absent when its rows came over Arrow Flight). */
  readonly jobId?: string
  /** The (last) statement's result row count (1 for DML: see `recordsAffected`). */
  readonly rowCount: number
  /** Rows inserted/updated/deleted/merged, for DML and CTAS. */
  readonly recordsAffected?: number
  /** COPY INTO with `ON_ERROR 'continue'|'skip_file'`: rows rejected. */
  readonly rejectedRecords?: number
  /** Dremio's summary for DDL (`Table [a.b] dropped`). */
  readonly summary?: string
  /** OPTIMIZE/VACUUM counters, camel-cased. */
  readonly counters?: Record<string, number>
  /** With `returnRows`: up to `max` rows, and whether more existed. */
  readonly rows?: JsonObject[]
  readonly truncated?: boolean
  /** With several statements: each one's metadata, in order. */
  readonly statements?: Omit<DremioQueryResult, 'statements' | 'rows' | 'truncated'>[]
}

const MAX_ROWS = 10_000

/**
 * A task that runs SQL on Dremio.
 *
 * @example
 * const extract = new DremioQueryTask({
 *   name: 'extract',
 *   client,
 *   sql: "CREATE TABLE staging.raw_{{ ds_nodash }} AS SELECT * FROM raw.events WHERE day = '{{ ds }}'",
 *   retries: 2,
 * })
 */
export class DremioQueryTask extends Task {
  /** The task type stored with the definition. */
  static readonly TYPE = 'dremio.query'
  /** The SQL template as given. */
  readonly sql: string

  /** @throws OrchestrationError `DF_TASK_INVALID` for bad options or an unknown placeholder. */
  constructor(options: DremioQueryTaskOptions) {
    const { client, clientName, sql, context, returnRows, transport, ...taskOptions } = options
    const name = String(taskOptions.name)
    if (typeof sql !== 'string' || sql.trim() === '')
      throw taskInvalid(name, 'sql must be SQL text')
    checkPlaceholders(name, 'sql', sql)
    const ctxPath = checkContext(name, context)
    const max = rowCap(name, returnRows)
    const stored: JsonObject = { client: clientNameOf(client, clientName), sql }
    if (ctxPath) stored.context = [...ctxPath]
    if (max !== undefined) stored.returnRows = { max }
    if (transport !== undefined && !['rest', 'flight', 'auto'].includes(transport)) {
      throw taskInvalid(name, "transport must be 'rest', 'flight' or 'auto'")
    }
    if (transport !== undefined && transport !== 'rest') stored.transport = transport
    super({
      ...taskOptions,
      type: DremioQueryTask.TYPE,
      options: stored,
      run: (ctx) => runSql(ctx, client, sql, ctxPath, max, transport),
    })
    this.sql = sql
  }
}

function rowCap(
  name: string,
  returnRows: DremioQueryTaskOptions['returnRows'],
): number | undefined {
  if (returnRows === undefined || returnRows === false) return undefined
  const max = (returnRows as { max?: unknown })?.max
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_ROWS) {
    throw taskInvalid(name, `returnRows must be false or { max } with max from 1 to ${MAX_ROWS}`)
  }
  return max
}

async function runSql(
  ctx: TaskContext,
  ref: DremioClientRef,
  template: string,
  context: readonly string[] | undefined,
  maxRows: number | undefined,
  transport: DremioQueryTaskOptions['transport'],
): Promise<DremioQueryResult> {
  // Split the template, THEN render each statement: a param value can never add a statement
  // (`x'; DROP TABLE t; --` stays inside its one statement). Every statement is rendered before
  // the first runs, so an unknown placeholder or a missing param fails before any SQL is sent.
  const statements = splitSqlStatements(template).map((s) => renderTemplate(s, ctx))
  if (statements.length === 0) throw taskInvalid(ctx.taskId, 'sql has no statement')
  const client = resolveDremioClient(ref)
  const runs: StatementRun[] = []
  for (let i = 0; i < statements.length; i++) {
    const statement = statements[i] as string
    const last = i === statements.length - 1
    runs.push(
      await runStatement(client, statement, {
        signal: ctx.signal,
        context,
        onJob: (id) => noteDremioJob(ctx, id, statement),
        maxRows: last ? maxRows : undefined,
        transport,
        where: statementLabel(i, statements.length),
      }),
    )
  }
  const final = runs[runs.length - 1] as StatementRun
  const result: DremioQueryResult = { ...metadata(final) }
  if (maxRows !== undefined) {
    const rows = (final.rows ?? []).slice(0, maxRows) as JsonObject[]
    Object.assign(result, { rows, truncated: final.rowCount > rows.length })
  }
  if (runs.length > 1) Object.assign(result, { statements: runs.map(metadata) })
  return result
}

function statementLabel(i: number, n: number): string | undefined {
  if (n === 1) return undefined
  const done = i === 0 ? '' : ` (statement${i > 1 ? `s 1-${i}` : ' 1'} completed and stays applied)`
  return `Statement ${i + 1} of ${n}${done}`
}

/** The small, JSON metadata of one statement. */
export function metadata(run: StatementRun): Omit<DremioQueryResult, 'statements'> {
  return {
    ...(run.jobId !== undefined ? { jobId: run.jobId } : {}),
    rowCount: run.rowCount,
    ...executeResultFields(run.result),
  }
}

/**
 * A statement's result as the small JSON fields tasks and the CLI report: `recordsAffected`
 * (and `rejectedRecords`) for DML and CTAS, `summary` for DDL, `counters` for OPTIMIZE/VACUUM.
 */
export function executeResultFields(result: ExecuteResult | undefined): Record<string, JsonValue> {
  switch (result?.kind) {
    case 'dml':
      return result.rejectedRecords === undefined
        ? { recordsAffected: result.recordsAffected }
        : { recordsAffected: result.recordsAffected, rejectedRecords: result.rejectedRecords }
    case 'ddl':
      return { summary: result.summary }
    case 'optimize':
      return {
        counters: {
          rewrittenDataFilesCount: result.rewrittenDataFilesCount,
          rewrittenDeleteFilesCount: result.rewrittenDeleteFilesCount,
          newDataFilesCount: result.newDataFilesCount,
        },
      }
    case 'vacuum':
      return { counters: { ...result.counters } }
    default:
      return {}
  }
}

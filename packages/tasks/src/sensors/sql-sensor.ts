/**
 * `SqlSensor` (type `dremio.sql_sensor`): pokes by running a query on Dremio. It passes when the
 * query returns at least one row, or, with `predicate`, when the predicate holds for the first
 * row. Only the first row is read: put the condition in the SQL (`SELECT COUNT(*) AS n …`).
 * On success the first row is the task's result (`ctx.get('wait')` downstream), unless its JSON
 * is over 16 KiB (then the result is empty: results are stored with the run). A SQL error fails
 * the attempt at once (never "not yet").
 */
import type { JsonObject, TaskContext } from '@df/orchestration'
import { renderTemplate } from '@df/orchestration'
import { clientNameOf, type DremioClientRef, resolveDremioClient } from '../client-registry.js'
import { runStatement } from '../internal/run-statement.js'
import { checkPlaceholders, noteDremioJob, taskInvalid } from '../internal/task-support.js'
import { type PokeResult, Sensor, type SensorOptions } from './sensor.js'

/** Options of {@link SqlSensor}. */
export interface SqlSensorOptions extends SensorOptions {
  /** A DremioClient or a registered client name (only the name is stored). */
  readonly client: DremioClientRef
  /** @default 'default' */
  readonly clientName?: string
  /** The query; templated like DremioQueryTask (`{{ ds }}`, `{{ params.X }}`…). */
  readonly sql: string
  /**
   * Passes when it returns true for the query's first row (undefined when there is none).
   * In-process only: a sensor with a predicate cannot be rebuilt by type on another machine, so
   * prefer putting the condition in the SQL.
   */
  readonly predicate?: (row: JsonObject | undefined, rowCount: number) => boolean
}

/**
 * Waits until a query returns a row (or `predicate` holds).
 *
 * @example
 * const landed = new SqlSensor({
 *   name: 'wait_for_orders',
 *   client,
 *   sql: "SELECT 1 FROM lake.orders WHERE day = '{{ ds }}' LIMIT 1",
 *   mode: 'reschedule',
 *   pokeInterval: 60_000,
 *   timeout: 6 * 3_600_000,
 * })
 */
export class SqlSensor extends Sensor {
  static readonly TYPE = 'dremio.sql_sensor'
  readonly sql: string

  /** @throws OrchestrationError `DF_TASK_INVALID` for bad options. */
  constructor(options: SqlSensorOptions) {
    const { client, clientName, sql, predicate, ...rest } = options
    const name = String(rest.name)
    if (typeof sql !== 'string' || sql.trim() === '')
      throw taskInvalid(name, 'sql must be SQL text')
    checkPlaceholders(name, 'sql', sql)
    if (typeof predicate === 'string') {
      throw taskInvalid(
        name,
        'this SqlSensor was built with an in-process predicate function, which cannot be rebuilt by type on another machine: put the condition in the SQL instead',
      )
    }
    if (predicate !== undefined && typeof predicate !== 'function') {
      throw taskInvalid(name, 'predicate must be a function (row, rowCount) => boolean')
    }
    const stored: JsonObject = { client: clientNameOf(client, clientName), sql }
    if (predicate) stored.predicate = 'in-process function'
    super({
      ...rest,
      type: SqlSensor.TYPE,
      options: stored,
      poke: (ctx) => pokeSql(ctx, client, sql, predicate),
    })
    this.sql = sql
  }
}

async function pokeSql(
  ctx: TaskContext,
  ref: DremioClientRef,
  template: string,
  predicate: SqlSensorOptions['predicate'],
): Promise<PokeResult> {
  const sql = renderTemplate(template, ctx)
  const run = await runStatement(resolveDremioClient(ref), sql, {
    signal: ctx.signal,
    maxRows: 1,
    onJob: (id) => noteDremioJob(ctx, id, sql),
  })
  const row = run.rows?.[0] as JsonObject | undefined
  const met = predicate ? predicate(row, run.rowCount) === true : run.rowCount > 0
  if (!met) return false
  if (row === undefined) return true
  if (JSON.stringify(row).length > MAX_RESULT_CHARS) {
    ctx.log.info('The first row is over 16 KiB: not kept as the sensor result.')
    return true
  }
  return row
}

/** The first row is kept as the result only when it is small. */
const MAX_RESULT_CHARS = 16_384

/**
 * The seed's "Complete DAG Example" as a reusable pipeline: extract → transform → data quality →
 * load → cleanup, with `{{ ds }}` / `{{ ds_nodash }}` tables. The CLI's demo and the end-to-end
 * test both build it from here; `prepareDailyPipelineData` creates the folders and sample raw
 * events it reads (on the emulator, or on a Dremio catalog that supports CREATE FOLDER).
 */
import { type DremioClient, quotePath, sqlLiteral } from '@df/client'
import type { PipelineOptions } from '@df/orchestration'
import { Pipeline } from '@df/orchestration'
import type { DremioClientRef } from '../client-registry.js'
import { dq } from '../data-quality/checks.js'
import { DataQualityTask } from '../data-quality/data-quality-task.js'
import { DremioQueryTask } from '../dremio-query-task.js'

/** Options of {@link createDailyPipeline}. */
export interface DailyPipelineOptions extends PipelineOptions {
  /** Path prefix for the `raw`, `staging` and `analytics` folders. @default [] (top level) */
  readonly root?: readonly string[]
  /** Retries of every task (the seed's `default_args`). @default 2 */
  readonly retries?: number
  /** Pipeline name. @default 'dremio_daily_pipeline' */
  readonly name?: string
}

/** Quoted path of `folder.table` under `root`; `table` may contain placeholders. */
function at(root: readonly string[], folder: string, table: string): string {
  return `${quotePath([...root, folder])}.${table}`
}

/**
 * Builds the daily pipeline on `client` (an instance, or a registered client name).
 * @example
 * const pipeline = createDailyPipeline(client, { backend })
 * const run = await pipeline.run({ logicalDate: '2026-11-26' })
 */
export function createDailyPipeline(
  client: DremioClientRef,
  options: DailyPipelineOptions = {},
): Pipeline {
  const { root = [], retries = 2, name = 'dremio_daily_pipeline', ...pipelineOptions } = options
  const raw = at(root, 'raw', '"events"')
  const rawDay = at(root, 'staging', '"raw_events_{{ ds_nodash }}"')
  const metrics = at(root, 'staging', '"metrics_{{ ds_nodash }}"')
  const target = at(root, 'analytics', '"user_metrics"')
  const common = { client, retries, retryDelay: 1_000 }
  const extract = new DremioQueryTask({
    ...common,
    name: 'extract_raw_data',
    sql: `CREATE TABLE ${rawDay} AS
SELECT * FROM ${raw}
WHERE CAST(event_time AS DATE) = DATE '{{ ds }}'`,
  })
  const transform = new DremioQueryTask({
    ...common,
    name: 'transform_data',
    sql: `CREATE TABLE ${metrics} AS
SELECT user_id, COUNT(*) AS event_count, MAX(event_time) AS last_event
FROM ${rawDay}
GROUP BY user_id`,
  })
  const validate = new DataQualityTask({
    ...common,
    name: 'validate_metrics',
    table: [...root, 'staging', 'metrics_{{ ds_nodash }}'],
    checks: [
      dq.not_null('user_id'),
      dq.row_count({ where: 'event_count > 0', op: 'ge', value: 1 }),
      dq.unique('user_id'),
    ],
  })
  const load = new DremioQueryTask({
    ...common,
    name: 'load_to_analytics',
    sql: `INSERT INTO ${target}
SELECT DATE '{{ ds }}' AS metric_date, user_id, event_count, last_event
FROM ${metrics}`,
  })
  const cleanup = new DremioQueryTask({
    ...common,
    name: 'cleanup_staging',
    sql: `DROP TABLE ${rawDay};
DROP TABLE ${metrics};`,
  })
  const pipeline = new Pipeline(name, pipelineOptions)
  pipeline.addTask(extract, transform, validate, load, cleanup)
  extract
    .setDownstream(transform)
    .setDownstream(validate)
    .setDownstream(load)
    .setDownstream(cleanup)
  return pipeline
}

/**
 * Creates the folders, `raw.events` with `eventsPerDay` sample events for each of `days` (ISO
 * dates), and the empty `analytics.user_metrics` table. Idempotent: existing folders and tables
 * are kept as they are (raw events are not added twice).
 */
export async function prepareDailyPipelineData(
  client: DremioClient,
  options: { root?: readonly string[]; days: readonly string[]; eventsPerDay?: number },
): Promise<void> {
  const root = options.root ?? []
  for (let i = 1; i <= root.length; i++) {
    await client.execute(`CREATE FOLDER IF NOT EXISTS ${quotePath(root.slice(0, i))}`)
  }
  for (const folder of ['raw', 'staging', 'analytics']) {
    await client.execute(`CREATE FOLDER IF NOT EXISTS ${quotePath([...root, folder])}`)
  }
  const per = options.eventsPerDay ?? 20
  const rows: string[] = []
  for (const day of options.days) {
    for (let i = 0; i < per; i++) {
      const ts = `${day} ${String(i % 24).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}:00`
      rows.push(
        `(${sqlLiteral(`user_${i % 5}`)}, ${sqlLiteral(`evt_${i % 3}`)}, TIMESTAMP '${ts}')`,
      )
    }
  }
  await client.execute(
    `CREATE TABLE IF NOT EXISTS ${at(root, 'raw', '"events"')} AS SELECT * FROM (VALUES ${rows.join(', ')}) AS v(user_id, event_type, event_time)`,
  )
  await client.execute(
    `CREATE TABLE IF NOT EXISTS ${at(root, 'analytics', '"user_metrics"')} (metric_date DATE, user_id VARCHAR, event_count BIGINT, last_event TIMESTAMP)`,
  )
}

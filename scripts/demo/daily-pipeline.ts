/**
 * The seed's "Complete DAG Example" (`dremio_daily_pipeline`) as a @df pipeline module:
 * extract -> transform -> data-quality check -> load -> cleanup, with Airflow-style templated
 * dates (`{{ ds }}`, `{{ ds_nodash }}`), two retries per task as in the seed's default_args.
 *
 * Run it with the CLI against any Dremio (or the emulator):
 *   DREMIO_URL=http://localhost:9047 DREMIO_PAT=… dremio-cli pipeline run scripts/demo/daily-pipeline.ts
 * The default export is a factory: the CLI passes its Dremio client and the backend of
 * `--backend-url`, so the same file runs anywhere without edits.
 */
import type { DremioClient } from '../../packages/client/src/index.js'
import {
  type Backend,
  NonRetryableError,
  Pipeline,
  renderTemplate,
  Task,
  type TaskContext,
} from '../../packages/orchestration/src/index.js'

/** A task running templated SQL, one statement per Dremio job, stopping at the first failure. */
function sqlTask(client: DremioClient, name: string, sql: string): Task {
  return new Task({
    name,
    retries: 2,
    retryDelay: 1000,
    run: async (ctx: TaskContext) => {
      const jobs: string[] = []
      for (const statement of renderTemplate(sql, ctx)
        .split(';')
        .map((s) => s.trim())) {
        if (statement === '') continue
        const job = await client.submit(statement, { signal: ctx.signal })
        ctx.log.info(`Dremio job ${job.id} submitted: ${statement.replace(/\s+/g, ' ')}`)
        ctx.signal.addEventListener('abort', () => void job.cancel().catch(() => false))
        await job.wait({ signal: ctx.signal })
        jobs.push(job.id)
      }
      return { jobs }
    },
  })
}

/** The checks of the seed's `validate_metrics`: no NULL user_id, at least one active user. */
function qualityTask(client: DremioClient, name: string, table: string): Task {
  return new Task({
    name,
    run: async (ctx: TaskContext) => {
      const t = renderTemplate(table, ctx)
      const [nulls] = await client.query(`SELECT COUNT(*) AS n FROM ${t} WHERE user_id IS NULL`)
      const [active] = await client.query(`SELECT COUNT(*) AS n FROM ${t} WHERE event_count > 0`)
      const report = { not_null_user_id: Number(nulls?.n), active_users: Number(active?.n) }
      ctx.log.info(`checks on ${t}: ${JSON.stringify(report)}`)
      if (report.not_null_user_id !== 0 || !(report.active_users >= 1)) {
        throw new NonRetryableError(`data quality failed on ${t}: ${JSON.stringify(report)}`)
      }
      return report
    },
  })
}

/** Builds `dremio_daily_pipeline` on the CLI's client and backend. */
export default function dailyPipeline(ctx: { client: DremioClient; backend: Backend }): Pipeline {
  const { client } = ctx
  const extract = sqlTask(
    client,
    'extract_raw_data',
    `CREATE TABLE staging.raw_events_{{ ds_nodash }} AS
     SELECT * FROM raw.events
     WHERE DATE(event_time) = '{{ ds }}'`,
  )
  const transform = sqlTask(
    client,
    'transform_data',
    `CREATE TABLE staging.metrics_{{ ds_nodash }} AS
     SELECT user_id, COUNT(*) AS event_count, MAX(event_time) AS last_event
     FROM staging.raw_events_{{ ds_nodash }}
     GROUP BY user_id`,
  )
  const validate = qualityTask(client, 'validate_metrics', 'staging.metrics_{{ ds_nodash }}')
  const load = sqlTask(
    client,
    'load_to_analytics',
    `INSERT INTO analytics.user_metrics
     SELECT '{{ ds }}' AS "date", * FROM staging.metrics_{{ ds_nodash }}`,
  )
  const cleanup = sqlTask(
    client,
    'cleanup_staging',
    `DROP TABLE staging.raw_events_{{ ds_nodash }};
     DROP TABLE staging.metrics_{{ ds_nodash }};`,
  )
  extract.setDownstream(transform)
  transform.setDownstream(validate)
  validate.setDownstream(load)
  load.setDownstream(cleanup)
  return new Pipeline('dremio_daily_pipeline', {
    backend: ctx.backend,
    description: "The seed's Complete DAG Example: extract, transform, check, load, clean up.",
  }).addTask(extract, transform, validate, load, cleanup)
}

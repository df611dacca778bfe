/**
 * The seed's "Complete DAG Example" (`dremio_daily_pipeline`, `schedule_interval='0 2 * * *'`,
 * `catchup=False`) for `dremio-cli serve`: the same pipeline as ../daily-pipeline.ts, declared
 * with its schedule. Each 2 AM run covers the previous day (`{{ ds }}`), and after downtime only
 * the newest missed 2 AM runs (catchup 'latest', the default).
 *
 *   dremio-cli serve --pipelines scripts/demo/scheduled --backend-url postgresql://df@db/df
 *
 * (The relative imports are only because scripts/ is not a workspace package; in a project,
 * import from '@df/cli' and '@df/tasks'.)
 */
import type { PipelineModuleContext } from '../../../apps/cli/src/index.js'
import type { Pipeline } from '../../../packages/orchestration/src/index.js'
import { createDailyPipeline } from '../../../packages/tasks/src/index.js'

/** `dremio_daily_pipeline` on the CLI's client and backend, every day at 02:00 UTC. */
export default function dailyPipeline({ client, backend }: PipelineModuleContext): Pipeline {
  return createDailyPipeline(client, {
    backend,
    description: "The seed's Complete DAG Example, every day at 2 AM.",
    schedule: { cron: '0 2 * * *', timezone: 'UTC', catchup: 'latest' },
  })
}

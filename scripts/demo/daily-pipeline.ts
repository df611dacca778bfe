/**
 * The seed's "Complete DAG Example" (`dremio_daily_pipeline`) as a dremio-cli pipeline module:
 * extract_raw_data -> transform_data -> validate_metrics -> load_to_analytics -> cleanup_staging,
 * four DremioQueryTasks and a DataQualityTask on `{{ ds }}` / `{{ ds_nodash }}` tables, two
 * retries each (the seed's default_args). The pipeline itself is @df/orchestration's
 * `createDailyPipeline`; this file is the CLI convention around it: a default-export factory
 * that receives the CLI's Dremio client and the backend of `--backend-url`.
 *
 *   DREMIO_URL=http://localhost:9047 DREMIO_PAT=… dremio-cli pipeline run scripts/demo/daily-pipeline.ts
 *
 * (The relative imports are only because scripts/ is not a workspace package; in a project,
 * import from '@df/cli' and '@df/orchestration'.)
 */
import type { PipelineModuleContext } from '../../apps/cli/src/index.js'
import type { Pipeline } from '../../packages/orchestration/src/index.js'
import { createDailyPipeline } from '../../packages/tasks/src/index.js'

/** Builds `dremio_daily_pipeline` on the CLI's client and backend. */
export default function dailyPipeline({ client, backend }: PipelineModuleContext): Pipeline {
  return createDailyPipeline(client, {
    backend,
    description: "The seed's Complete DAG Example: extract, transform, check, load, clean up.",
  })
}

/**
 * Triggers and reruns for pipelines whose code this process does not hold: a **run request**, a
 * QUEUED run with no owner, created from the stored definition. Any engine holding the pipeline
 * (`dremio-cli serve`, `pipeline.recover()`) adopts it (docs/contracts.md, "run requests").
 */
import {
  type Backend,
  FINISHED_RUN_STATES,
  type JsonObject,
  type ParamsSchema,
  type PipelineRecord,
  type RunHistory,
  type RunRecord,
  requestRerun,
  requestRun,
  validateRunParams,
} from '@df/orchestration'
import { UiError } from './errors.js'

/** The params schema stored with a definition (`options.params`), if any. */
export function storedParams(def: PipelineRecord): ParamsSchema | undefined {
  const p = def.options.params
  return p !== undefined && typeof p === 'object' && p !== null && !Array.isArray(p)
    ? (p as unknown as ParamsSchema)
    : undefined
}

/** Checks params against a schema; a failure is a 400 naming the param (never the value). */
export function checkParams(
  schema: ParamsSchema | undefined,
  params: JsonObject,
  pipeline: string,
): JsonObject {
  try {
    return validateRunParams(schema, params, pipeline)
  } catch (cause) {
    throw new UiError('DF_UI_BAD_REQUEST', (cause as Error).message.replace(/^\[@df\/\w+\] /, ''), {
      cause,
    })
  }
}

/** Stores a run request for `def`; returns the QUEUED run. */
export function createRunRequest(
  backend: Backend,
  def: PipelineRecord,
  params: JsonObject,
  logicalDate: string,
): Promise<RunRecord> {
  return requestRun(backend, def, { params, logicalDate, trigger: 'ui' })
}

/**
 * Stores a rerun request of a finished run: a QUEUED run with no owner (`trigger: 'rerun'`,
 * `rerunOf`), the copied tasks already in their earlier state with their results.
 */
export async function createRerunRequest(
  backend: Backend & RunHistory,
  previous: RunRecord,
  from: string,
): Promise<RunRecord> {
  if (!FINISHED_RUN_STATES.has(previous.status)) {
    throw new UiError(
      'DF_UI_CONFLICT',
      `Run '${previous.id}' is still ${previous.status}; rerun it once it ended.`,
    )
  }
  const def = await backend.getPipeline(previous.pipelineId)
  if (def === undefined) {
    throw new UiError(
      'DF_UI_NOT_FOUND',
      `Pipeline '${previous.pipelineId}' has no stored definition.`,
    )
  }
  if (from !== 'failed' && !def.tasks.some((t) => t.name === from)) {
    throw new UiError('DF_UI_NOT_FOUND', `Pipeline '${def.id}' has no task '${from}'.`)
  }
  return requestRerun(backend, def, previous, await backend.getTasks(previous.id), from)
}

/**
 * Run requests: runs created by a process that does not hold the pipeline's code (a UI, an API
 * server), from the definition stored in the backend. The run is QUEUED with no owner; any
 * engine holding the pipeline (`dremio-cli serve`, `pipeline.recover()`) claims and drives it
 * (docs/contracts.md, "run requests"). A rerun request already holds the tasks it keeps, copied
 * from the earlier run exactly as `pipeline.rerun()` copies them.
 */
import { randomBytes } from 'node:crypto'
import type { Backend, PipelineRecord, RunRecord, RunTrigger, TaskRecord } from './backend.js'
import { OrchestrationError } from './errors.js'
import { copiedTasks, copiedTaskUpdate, shapeOf } from './internal/rerun-plan.js'
import { newRunId } from './internal/run-ids.js'
import type { JsonObject } from './json.js'
import { FINISHED_RUN_STATES } from './states.js'

/** Options of {@link requestRun}. */
export interface RunRequestOptions {
  /** Run params, already validated (`validateRunParams`). @default {} */
  readonly params?: JsonObject
  /** ISO 8601 logical date. @default now */
  readonly logicalDate?: string
  /** @default 'api' */
  readonly trigger?: RunTrigger
}

/** Stores a run request for `definition`; resolves with the QUEUED run. */
export async function requestRun(
  backend: Backend,
  definition: PipelineRecord,
  options: RunRequestOptions = {},
): Promise<RunRecord> {
  const now = Date.now()
  return backend.createRun({
    id: newRunId(now),
    pipelineId: definition.id,
    status: 'QUEUED',
    params: options.params ?? {},
    logicalDate: options.logicalDate ?? new Date(now).toISOString(),
    trigger: options.trigger ?? 'api',
    definitionHash: definition.definitionHash,
    createdAt: now,
    tasks: definition.tasks.map((t) => ({ taskId: t.name })),
  })
}

/**
 * Stores a rerun request of the finished run `previous` (`trigger: 'rerun'`, `rerunOf`): the
 * tasks `from` keeps (`'failed'`: every task that succeeded and is not downstream of one that did
 * not; a task name: all but it and its downstream) are copied in their earlier state with their
 * results. The run is held while they are written, so no engine adopts it half-made. Throws
 * `DF_OPTION_INVALID` when `previous` has not finished or `from` names no task.
 */
export async function requestRerun(
  backend: Backend,
  definition: PipelineRecord,
  previous: RunRecord,
  previousTasks: readonly TaskRecord[],
  from = 'failed',
): Promise<RunRecord> {
  if (!FINISHED_RUN_STATES.has(previous.status)) {
    throw new OrchestrationError(
      'DF_OPTION_INVALID',
      `[@df/orchestration] rerun: run '${previous.id}' is still ${previous.status}.`,
    )
  }
  const copied = copiedTasks(shapeOf(definition.id, definition.tasks), previousTasks, from)
  const now = Date.now()
  const id = newRunId(now)
  const run = await backend.createRun({
    id,
    pipelineId: definition.id,
    status: 'QUEUED',
    params: previous.params,
    logicalDate: previous.logicalDate,
    trigger: 'rerun',
    rerunOf: previous.id,
    definitionHash: definition.definitionHash,
    createdAt: now,
    owner: `df-run-request:${randomBytes(4).toString('hex')}`,
    leaseExpiresAt: now + 60_000,
    tasks: definition.tasks.map((t) => {
      const r = copied.get(t.name)
      return r ? { taskId: t.name, state: r.state } : { taskId: t.name }
    }),
  })
  if (copied.size > 0) {
    await backend.updateTasks([...copied.values()].map((r) => copiedTaskUpdate(id, r, previous.id)))
  }
  const released = await backend.updateRun({
    id,
    expectedVersion: run.version,
    owner: null,
    leaseExpiresAt: null,
  })
  return released.ok ? released.value : run
}

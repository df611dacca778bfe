/**
 * Triggers and reruns for pipelines whose code this process does not hold: a **run request**, a
 * QUEUED run with no owner, created from the stored definition. Any engine holding the pipeline
 * (`dremio-cli serve`, `pipeline.recover()`) adopts it (docs/contracts.md, "run requests").
 */
import { randomBytes } from 'node:crypto'
import {
  type Backend,
  FINISHED_RUN_STATES,
  type JsonObject,
  type ParamsSchema,
  type PipelineRecord,
  type RunHistory,
  type RunRecord,
  type TaskRecord,
  type TaskUpdate,
  validateRunParams,
} from '@df/orchestration'
import { UiError } from './errors.js'

let sequence = 0

/** A sortable unique run id in the engine's format (time base 36, counter, randomness). */
export function newRunId(now: number): string {
  sequence = (sequence + 1) % 1_679_616
  return `${Math.max(0, now).toString(36).padStart(9, '0')}${sequence.toString(36).padStart(4, '0')}-${randomBytes(5).toString('hex')}`
}

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
export async function createRunRequest(
  backend: Backend,
  def: PipelineRecord,
  params: JsonObject,
  logicalDate: string,
): Promise<RunRecord> {
  const now = Date.now()
  return backend.createRun({
    id: newRunId(now),
    pipelineId: def.id,
    status: 'QUEUED',
    params,
    logicalDate,
    trigger: 'ui',
    definitionHash: def.definitionHash,
    createdAt: now,
    tasks: def.tasks.map((t) => ({ taskId: t.name })),
  })
}

/**
 * The tasks a rerun re-executes: `from: 'failed'` → every task that did not succeed and
 * everything downstream; a task name → it and everything downstream. The rest is copied.
 */
export function rerunTasks(
  def: PipelineRecord,
  previous: readonly TaskRecord[],
  from: string,
): Set<string> {
  const downstream = new Map<string, string[]>(def.tasks.map((t) => [t.name, []]))
  for (const t of def.tasks) for (const u of t.upstream) downstream.get(u)?.push(t.name)
  const byName = new Map(previous.map((r) => [r.taskId, r]))
  let seeds: string[]
  if (from === 'failed') {
    seeds = def.tasks.filter((t) => byName.get(t.name)?.state !== 'SUCCESS').map((t) => t.name)
  } else {
    if (!downstream.has(from)) {
      throw new UiError('DF_UI_NOT_FOUND', `Pipeline '${def.id}' has no task '${from}'.`)
    }
    seeds = [from]
  }
  const out = new Set<string>()
  const stack = [...seeds]
  while (stack.length > 0) {
    const name = stack.pop()!
    if (out.has(name)) continue
    out.add(name)
    stack.push(...(downstream.get(name) ?? []))
  }
  return out
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
  const records = await backend.getTasks(previous.id)
  const redo = rerunTasks(def, records, from)
  const byName = new Map(records.map((r) => [r.taskId, r]))
  const copied = def.tasks.flatMap((t) => {
    const r = byName.get(t.name)
    return !redo.has(t.name) && r !== undefined ? [r] : []
  })
  const copiedNames = new Map(copied.map((r) => [r.taskId, r]))
  const now = Date.now()
  const id = newRunId(now)
  const run = await backend.createRun({
    id,
    pipelineId: def.id,
    status: 'QUEUED',
    params: previous.params,
    logicalDate: previous.logicalDate,
    trigger: 'rerun',
    rerunOf: previous.id,
    definitionHash: def.definitionHash,
    createdAt: now,
    // Held by the UI while the copied results are written, so no engine adopts it half-made.
    owner: `df-ui:${randomBytes(4).toString('hex')}`,
    leaseExpiresAt: now + 60_000,
    tasks: def.tasks.map((t) =>
      copiedNames.has(t.name)
        ? { taskId: t.name, state: copiedNames.get(t.name)!.state }
        : { taskId: t.name },
    ),
  })
  if (copied.length > 0) {
    await backend.updateTasks(
      copied.map(
        (r): TaskUpdate => ({
          runId: id,
          taskId: r.taskId,
          expectedVersion: 1,
          attempt: r.attempt,
          ...(r.startedAt !== undefined ? { startedAt: r.startedAt } : {}),
          ...(r.endedAt !== undefined ? { endedAt: r.endedAt } : {}),
          ...(r.result !== undefined ? { result: r.result } : {}),
          ...(r.error !== undefined ? { error: r.error } : {}),
          reason: `Copied from run ${previous.id} (${r.state}).`,
        }),
      ),
    )
  }
  const released = await backend.updateRun({
    id,
    expectedVersion: run.version,
    owner: null,
    leaseExpiresAt: null,
  })
  return released.ok ? released.value : run
}

/**
 * Which tasks a rerun re-executes: the seeds (every task that did not succeed, or the named
 * task) and everything downstream of them. The rest keeps its earlier state and result, copied
 * into the new run by {@link copiedTaskUpdate}. Shared by `pipeline.rerun()` (a compiled graph)
 * and `requestRerun()` (a stored definition, for processes without the pipeline's code).
 */
import type { TaskRecord, TaskUpdate } from '../backend.js'
import { OrchestrationError } from '../errors.js'

/** The DAG as a rerun needs it: task names, their positions, and each task's downstream. */
export interface RerunShape {
  readonly pipelineId: string
  readonly index: ReadonlyMap<string, number>
  readonly names: readonly string[]
  readonly downstream: readonly (readonly number[])[]
}

/** The shape of a stored definition's tasks (names and upstream names). */
export function shapeOf(
  pipelineId: string,
  tasks: readonly { readonly name: string; readonly upstream: readonly string[] }[],
): RerunShape {
  const index = new Map(tasks.map((t, i) => [t.name, i]))
  const downstream: number[][] = tasks.map(() => [])
  tasks.forEach((t, i) => {
    for (const u of t.upstream) {
      const j = index.get(u)
      if (j !== undefined) downstream[j]!.push(i)
    }
  })
  return { pipelineId, index, names: tasks.map((t) => t.name), downstream }
}

/** Task indexes to re-execute; throws `DF_OPTION_INVALID` for an unknown task name. */
export function rerunSet(
  shape: RerunShape,
  previous: readonly TaskRecord[],
  from: string,
): Set<number> {
  const byName = new Map(previous.map((r) => [r.taskId, r]))
  const seeds: number[] = []
  if (from === 'failed') {
    shape.names.forEach((name, i) => {
      if (byName.get(name)?.state !== 'SUCCESS') seeds.push(i)
    })
  } else {
    const i = shape.index.get(from)
    if (i === undefined) {
      throw new OrchestrationError(
        'DF_OPTION_INVALID',
        `[@df/orchestration] rerun({ from: '${from}' }): pipeline '${shape.pipelineId}' has no task '${from}' (use a task name or 'failed').`,
      )
    }
    seeds.push(i)
  }
  const set = new Set<number>()
  const stack = [...seeds]
  while (stack.length > 0) {
    const i = stack.pop()!
    if (set.has(i)) continue
    set.add(i)
    stack.push(...shape.downstream[i]!)
  }
  return set
}

/** The earlier records of the tasks a rerun keeps, by task name. */
export function copiedTasks(
  shape: RerunShape,
  previous: readonly TaskRecord[],
  from: string,
): Map<string, TaskRecord> {
  const redo = rerunSet(shape, previous, from)
  const byName = new Map(previous.map((r) => [r.taskId, r]))
  const copied = new Map<string, TaskRecord>()
  shape.names.forEach((name, i) => {
    const r = byName.get(name)
    if (!redo.has(i) && r) copied.set(name, r)
  })
  return copied
}

/** The write that copies an earlier task record into the new run (created at version 1). */
export function copiedTaskUpdate(runId: string, r: TaskRecord, fromRunId: string): TaskUpdate {
  return {
    runId,
    taskId: r.taskId,
    expectedVersion: 1,
    attempt: r.attempt,
    ...(r.startedAt !== undefined ? { startedAt: r.startedAt } : {}),
    ...(r.endedAt !== undefined ? { endedAt: r.endedAt } : {}),
    ...(r.result !== undefined ? { result: r.result } : {}),
    ...(r.error !== undefined ? { error: r.error } : {}),
    reason: `Copied from run ${fromRunId} (${r.state}).`,
  }
}

/**
 * Ends a run: the leaf-based outcome (Airflow's `dag-run.rst`: success when every leaf is
 * SUCCESS or SKIPPED, failed when a leaf FAILED or UPSTREAM_FAILED), a one-sentence message,
 * and the final compare-and-set that also releases the lease.
 */
import type { RunRecord, TaskCounts } from '../backend.js'
import { OrchestrationError } from '../errors.js'
import type { RunState, TaskState } from '../states.js'
import type { RunDriver } from './run-driver.js'

/** The final state and message of a run whose tasks are all finished. */
export function runOutcome(driver: RunDriver): { status: RunState; message: string } {
  const { states } = driver.table
  const { tasks, isLeaf } = driver.cfg.graph
  if (driver.cancelled !== undefined)
    return { status: 'CANCELLED', message: `Cancelled: ${driver.cancelled}` }
  const failed: string[] = []
  let succeeded = 0
  let skipped = 0
  let leafFailed = false
  for (let i = 0; i < states.length; i++) {
    const s = states[i]
    if (s === 'SUCCESS') succeeded++
    else if (s === 'SKIPPED') skipped++
    else if (s === 'FAILED') failed.push(tasks[i]!.name)
    if (isLeaf[i] && (s === 'FAILED' || s === 'UPSTREAM_FAILED' || s === 'CANCELLED'))
      leafFailed = true
  }
  const list = (names: string[]) =>
    names.length > 5 ? `${names.slice(0, 5).join(', ')}, …` : names.join(', ')
  const plural = (n: number) => (n === 1 ? '1 task' : `${n} tasks`)
  if (leafFailed) {
    return {
      status: 'FAILED',
      message:
        failed.length > 0
          ? `${plural(failed.length)} failed: ${list(failed)}.`
          : 'A leaf task did not succeed.',
    }
  }
  const base = `${plural(states.length)}: ${succeeded} succeeded, ${skipped} skipped`
  return {
    status: 'SUCCESS',
    message:
      failed.length > 0
        ? `${base}; ${failed.length} failed (${list(failed)}) but every leaf succeeded or was skipped.`
        : `${base}.`,
  }
}

/** How many tasks ended in each state (states with none left out). */
export function taskCounts(driver: RunDriver): TaskCounts {
  const counts: Partial<Record<TaskState, number>> = {}
  for (const s of driver.table.states) counts[s] = (counts[s] ?? 0) + 1
  return counts
}

/**
 * Writes the final state, the task counts and releases the lease, in one compare-and-set;
 * returns undefined when the run was lost to another engine. The driver's run version is exact
 * (renewals do not change it), so a conflict means a take-over, never a renewal.
 */
export async function finalizeRun(driver: RunDriver): Promise<RunRecord | undefined> {
  const { backend, clock, hub } = driver.cfg
  const { status, message } = runOutcome(driver)
  const endedAt = clock.now()
  const run = driver.runRecord
  const result = await backend.updateRun({
    id: run.id,
    expectedVersion: run.version,
    status,
    endedAt,
    message,
    owner: null,
    leaseExpiresAt: null,
    taskCounts: taskCounts(driver),
  })
  if (!result.ok) {
    driver.lose(
      new OrchestrationError(
        'DF_CONFLICT',
        `[@df/orchestration] Run '${run.id}' ${result.reason === 'not-found' ? 'no longer exists' : 'is now driven by another engine'}; this engine stopped driving it.`,
      ),
    )
    return undefined
  }
  if (hub.active) {
    hub.emit({
      type: 'run',
      pipelineId: run.pipelineId,
      runId: run.id,
      state: status,
      at: endedAt,
      trigger: run.trigger,
      message,
    })
  }
  return result.value
}

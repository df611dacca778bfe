/**
 * Crash recovery: claim this pipeline's RUNNING (and QUEUED) runs whose engine lease expired and
 * drive them to the end from their stored state (see docs/contracts.md, "Leases and crash recovery").
 */
import type { RunRecord } from '../backend.js'
import type { RunResult } from '../pipeline-options.js'
import type { Graph } from './graph.js'
import type { RunLauncher } from './run-launcher.js'

/**
 * Claims this pipeline's runs whose lease expired or that have no owner (one atomic
 * `claimRuns`) and resumes them: RUNNING runs at once, QUEUED runs (a dead engine's queue, or
 * run requests stored without an owner) once a `maxActiveRuns` slot frees. With `wait: false`
 * it returns once they are claimed.
 */
export async function recoverRuns(
  launcher: RunLauncher,
  _graph: Graph,
  o: { limit?: number; wait?: boolean },
): Promise<RunResult[]> {
  const graph = await launcher.c.prepare()
  const p = launcher.c.pipeline
  const now = p.clock.now()
  const claimed = await p.backend.claimRuns({
    owner: p.engineId,
    now,
    leaseExpiresAt: now + p.settings.leaseMs,
    pipelineIds: [p.name],
    limit: o.limit ?? 100,
  })
  const runs = claimed.map((run) => resume(launcher, graph, run))
  if (o.wait === false) {
    for (const r of runs) r.catch(() => {})
    return []
  }
  return Promise.all(runs)
}

async function resume(launcher: RunLauncher, graph: Graph, run: RunRecord): Promise<RunResult> {
  const backend = launcher.c.pipeline.backend
  if (run.status === 'QUEUED') {
    launcher.emitRun(run)
    run = await launcher.waitForSlot(run, undefined)
    if (run.status === 'CANCELLED') return (await launcher.load(run.id))!
  } else {
    launcher.slots.active++
    launcher.emitRun(run)
  }
  const records = await backend.getTasks(run.id)
  const removed = records.filter((r) => !graph.index.has(r.taskId) && r.state !== 'REMOVED')
  if (removed.length > 0) {
    await backend.updateTasks(
      removed.map((r) => ({
        runId: run.id,
        taskId: r.taskId,
        expectedVersion: r.version,
        state: 'REMOVED' as const,
        reason: 'The task is no longer in the pipeline.',
      })),
    )
  }
  const known = new Set(records.map((r) => r.taskId))
  const missing = graph.tasks.filter((t) => !known.has(t.name)).map((t) => t.name)
  if (missing.length > 0) {
    launcher.slots.release()
    const now = launcher.c.pipeline.clock.now()
    await backend.updateRun({
      id: run.id,
      expectedVersion: run.version,
      status: 'FAILED',
      endedAt: now,
      owner: null,
      leaseExpiresAt: null,
      message: `Recovery failed: the pipeline definition changed (tasks not in the run: ${missing.join(', ')}).`,
    })
    return (await launcher.load(run.id))!
  }
  return launcher.drive(graph, run, records, {}, undefined, true)
}

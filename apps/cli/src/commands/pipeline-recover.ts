/**
 * The body of `pipeline recover [file] [-p name] [--backend-url url]`: takes over runs whose
 * process died (RUNNING, lease expired) so none stays RUNNING forever.
 * - With the module that defines the pipeline: the engine's `pipeline.recover()` resumes each
 *   run from its stored state and drives it to the end (attempts that were running fail with
 *   "engine lease expired" and retry where retries remain; successes are not re-executed).
 * - Without it (runs store definitions, not code): each run is claimed and recorded FAILED, its
 *   unfinished tasks FAILED, so that `pipeline rerun <id> -f <module>` can pick it up.
 * - With `--executor bullmq` (and the module): the attempts the dead engine left running on
 *   `dremio-cli worker` processes are adopted (same attempt, its outcome awaited), not failed.
 * Exit 0 when every recovered run succeeded (or was marked failed as asked), 1 when a resumed
 * run ended FAILED or CANCELLED, 130/143 when SIGINT/SIGTERM cancelled the runs being resumed.
 */
import { hostname } from 'node:os'
import type { Backend, RunRecord, TaskState } from '@df/orchestration'
import { CliError } from '../cli-error.js'
import type { CliContext } from '../context.js'
import { parseParams } from '../format.js'
import { watchCancelSignals } from '../signals.js'
import type { RecoverFlags } from './pipeline.js'
import { prepare } from './pipeline-run.js'

const UNFINISHED: ReadonlySet<TaskState> = new Set<TaskState>([
  'PENDING',
  'QUEUED',
  'RUNNING',
  'UP_FOR_RETRY',
  'UP_FOR_RESCHEDULE',
])

/** `pipeline recover`. */
export async function recoverPipelineRuns(
  ctx: CliContext,
  file: string | undefined,
  flags: RecoverFlags,
): Promise<number> {
  const out = ctx.io.stdout
  if (file === undefined) {
    if ((flags.executor ?? 'in-process') !== 'in-process' || flags.redisUrl !== undefined) {
      throw new CliError(
        'DF_CLI_USAGE',
        'pipeline recover --executor needs the module that defines the pipeline (pipeline recover <file> --executor …): without it, runs are only marked FAILED.',
      )
    }
    const backend = await ctx.backend(flags.backendUrl)
    const failed = await markFailed(backend, flags.pipeline)
    if (flags.json) out.write(`${JSON.stringify(failed)}\n`)
    else if (failed.length === 0)
      out.write('No run to recover: no RUNNING run has an expired lease.\n')
    else {
      for (const r of failed) {
        out.write(
          `Run ${r.id} (${r.pipelineId}) recorded FAILED: ${r.message}\n  rerun it: dremio-cli pipeline rerun ${r.id} -f <module>${ctx.backendFlag(flags.backendUrl)}\n`,
        )
      }
    }
    return 0
  }
  const { pipeline: p, client } = await prepare(ctx, file, flags, parseParams([]))
  // SIGINT/SIGTERM cancel the runs being recovered (and their Dremio jobs), as in pipeline run.
  const driving = new Set<string>()
  const off = p.on('event', (e) => {
    if (e.type === 'run') driving.add(e.runId)
  })
  const watch = watchCancelSignals({
    onSignal: (name) => {
      for (const id of driving) p.cancelRun(id, `cancelled by ${name}`)
    },
  })
  try {
    const runs = await p.recover({ wait: true })
    if (watch.received) await client()?.cancelSubmitted()
    if (flags.json) out.write(`${JSON.stringify(runs.map(({ tasks: _t, ...run }) => run))}\n`)
    else if (runs.length === 0) {
      out.write(`No run of ${p.name} to recover: no RUNNING run has an expired lease.\n`)
    } else {
      for (const r of runs) {
        out.write(
          `Run ${r.id} (${r.pipelineId}) recovered: ${r.status}${r.message ? `: ${r.message}` : ''}\n`,
        )
      }
    }
    if (watch.received) return watch.exitCode
    return runs.every((r) => r.status === 'SUCCESS') ? 0 : 1
  } finally {
    off()
    watch.dispose()
    await p.close().catch(() => undefined)
  }
}

/**
 * Claims every RUNNING run (of `pipelineId`, or all) whose lease expired and records it FAILED,
 * with its unfinished tasks FAILED. `claimRuns` is atomic: a run another process is recovering
 * at the same moment is claimed by one of them only. It also claims QUEUED runs (they never
 * started): those are handed back without an owner, as run requests, for a process that has the
 * pipeline's code (`dremio-cli serve`, `pipeline recover FILE`) to run.
 */
async function markFailed(backend: Backend, pipelineId: string | undefined): Promise<RunRecord[]> {
  const now = Date.now()
  const owner = `dremio-cli:${hostname()}:${process.pid}`
  const claimed = await backend.claimRuns({
    owner,
    now,
    leaseExpiresAt: now + 60_000,
    ...(pipelineId ? { pipelineIds: [pipelineId] } : {}),
    limit: 1000,
  })
  const message =
    'The process running it stopped (its lease expired); marked failed by dremio-cli pipeline recover without the module.'
  const out: RunRecord[] = []
  for (const run of claimed) {
    if (run.status === 'QUEUED') {
      await backend.updateRun({
        id: run.id,
        expectedVersion: run.version,
        owner: null,
        leaseExpiresAt: null,
      })
      continue
    }
    const tasks = await backend.getTasks(run.id)
    const open = tasks.filter((t) => UNFINISHED.has(t.state))
    if (open.length > 0) {
      await backend.updateTasks(
        open.map((t) => ({
          runId: run.id,
          taskId: t.taskId,
          expectedVersion: t.version,
          state: 'FAILED' as const,
          endedAt: now,
          ...(t.state === 'RUNNING' || t.state === 'UP_FOR_RETRY'
            ? {
                error: {
                  message: 'engine lease expired: the process running it stopped',
                  code: 'DF_LEASE_EXPIRED',
                },
              }
            : {}),
          reason: `Was ${t.state} when the process running the run stopped.`,
        })),
      )
    }
    const done = await backend.updateRun({
      id: run.id,
      expectedVersion: run.version,
      status: 'FAILED',
      endedAt: now,
      message,
      owner: null,
      leaseExpiresAt: null,
    })
    if (done.ok) out.push(done.value)
  }
  return out
}

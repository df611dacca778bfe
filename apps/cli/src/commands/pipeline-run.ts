/**
 * `pipeline run <file>` and `pipeline rerun <runId> --file <file>`: load the module, run (or
 * rerun) one pipeline with the live view, and turn the outcome into an exit code (0 SUCCESS,
 * 1 FAILED, 130 cancelled by Ctrl-C / SIGTERM).
 *
 * Cancelling: the first SIGINT/SIGTERM aborts the run's signal. The engine cancels the running
 * attempts (a `DremioQueryTask` asks Dremio to cancel its job) and records the run CANCELLED;
 * then the CLI cancels, and waits for, every Dremio job its client submitted that is still
 * running, so no job outlives the command. A second signal exits at once.
 *
 * `--executor bullmq --redis-url …`: the tasks run on `dremio-cli worker` processes; this process
 * stays the engine (the live view, the backend writes) and a signal cancels the attempts on the
 * workers.
 */

import type { DremioClient } from '@df/client'
import type { JsonObject, Pipeline, RunResult } from '@df/orchestration'
import { DEFAULT_CLIENT_NAME, registerDremioClient } from '@df/tasks'
import { CliError } from '../cli-error.js'
import type { CliContext } from '../context.js'
import type { TrackingDremioClient } from '../dremio-config.js'
import { checkPipelineExecutor, createCliExecutor } from '../executor-option.js'
import { parseParams } from '../format.js'
import { createRunView } from '../live-view.js'
import { loadPipelines, selectPipeline } from '../load-pipelines.js'
import { watchCancelSignals } from '../signals.js'
import type { RunFlags } from './pipeline.js'
import { agoText, leaseExpiredAgo } from './pipeline-history.js'

/** `pipeline run <file>`. */
export async function runPipeline(ctx: CliContext, file: string, flags: RunFlags): Promise<number> {
  const params = parseParams(flags.param ?? [])
  const { pipeline: p, client } = await prepare(ctx, file, flags, params)
  return drive(ctx, p, client, flags, (signal) =>
    p.run({
      params,
      signal,
      trigger: 'cli',
      ...(flags.logicalDate ? { logicalDate: flags.logicalDate } : {}),
    }),
  )
}

/** `pipeline rerun <runId> --file <file>`. */
export async function rerunPipeline(
  ctx: CliContext,
  runId: string,
  flags: RunFlags & { file: string; from: string },
): Promise<number> {
  const backend = await ctx.backend(flags.backendUrl)
  const earlier = await backend.getRun(runId)
  if (!earlier) {
    throw new CliError('DF_CLI_NOT_FOUND', `No run '${runId}' in this backend.`)
  }
  if (earlier.status === 'RUNNING' || earlier.status === 'QUEUED') {
    const ago = leaseExpiredAgo(earlier, Date.now())
    const recover = `dremio-cli pipeline recover ${flags.file}${ctx.backendFlag(flags.backendUrl)}`
    throw new CliError(
      'DF_CLI_RUN_ACTIVE',
      ago === undefined
        ? `Run '${runId}' is still ${earlier.status} (driven by ${earlier.owner ?? 'another process'}): wait for it to finish, or cancel it there.`
        : `Run '${runId}' is ${earlier.status} but its lease expired ${agoText(ago)}: the process running it stopped. Recover it first (${recover}), then rerun it if it did not succeed.`,
    )
  }
  const { pipeline: p, client } = await prepare(
    ctx,
    flags.file,
    { ...flags, pipeline: flags.pipeline ?? earlier.pipelineId },
    earlier.params,
  )
  return drive(ctx, p, client, flags, (signal) => p.rerun(runId, { from: flags.from, signal }))
}

/** Loads the module, picks the pipeline, registers the CLI's Dremio client as `'default'`. */
export async function prepare(
  ctx: CliContext,
  file: string,
  flags: RunFlags,
  params: JsonObject,
): Promise<{ pipeline: Pipeline; client: () => TrackingDremioClient | undefined }> {
  // The executor first: a missing --redis-url is a usage error before any store is opened.
  const { executor, describe, warning } = await createCliExecutor(flags, ctx.io.env)
  if (executor !== undefined) {
    ctx.onClose(() => executor.close({ drain: false }))
    ctx.verbose(`executor: ${describe}`)
  }
  if (warning !== undefined) ctx.io.stderr.write(`[@df/cli] warning: ${warning}\n`)
  const backend = await ctx.backend(flags.backendUrl)
  let client: TrackingDremioClient | undefined
  const moduleCtx = {
    get client(): DremioClient {
      client ??= ctx.client()
      return client
    },
    backend,
    params,
    executor,
  }
  const pipelines = await loadPipelines(file, moduleCtx)
  const chosen = selectPipeline(pipelines, flags.pipeline)
  checkPipelineExecutor(chosen, executor)
  // Tasks that name their client ('default', or rebuilt from a stored description) resolve it
  // from the registry: register ours, when a connection is configured at all.
  if (client === undefined && usesNamedClient(chosen)) {
    try {
      client = ctx.client()
    } catch (error) {
      ctx.verbose(`no Dremio client registered: ${(error as Error).message}`)
    }
  }
  if (client !== undefined) ctx.onClose(registerDremioClient(DEFAULT_CLIENT_NAME, client))
  if (chosen.backend !== backend) {
    ctx.io.stderr.write(
      `[@df/cli] warning: pipeline '${chosen.name}' was built with its own backend (${chosen.backend.name}); its runs are recorded there, not in --backend-url. Export a function (ctx) => new Pipeline(name, { backend: ctx.backend }) to use the CLI's backend.\n`,
    )
  }
  return { pipeline: chosen, client: () => client }
}

/** True when a task stores a client name it resolves at run time (`options.client`). */
function usesNamedClient(pipeline: Pipeline): boolean {
  return pipeline.tasks.some((t) => typeof t.options?.client === 'string')
}

async function drive(
  ctx: CliContext,
  pipeline: Pipeline,
  client: () => TrackingDremioClient | undefined,
  flags: RunFlags,
  start: (signal: AbortSignal) => Promise<RunResult>,
): Promise<number> {
  const { stdout, stderr } = ctx.io
  const mode = flags.json ? 'json' : stdout.isTTY ? 'tty' : 'plain'
  let runId = ''
  const view = createRunView(
    mode,
    stdout,
    pipeline.name,
    pipeline.tasks.map((t) => t.name),
    `dremio-cli pipeline show {RUN}${ctx.backendFlag(flags.backendUrl)}`,
  )
  const off = pipeline.on('event', (e) => {
    if (e.type === 'run') runId = e.runId
    view.onEvent(e)
  })
  const watch = watchCancelSignals({
    onSignal: (name) => {
      if (mode !== 'json') stderr.write(`\n[dremio-cli] ${name}: cancelling run ${runId}…\n`)
    },
  })
  try {
    const run = await start(watch.signal)
    const tracking = client()
    if (run.status === 'CANCELLED' && tracking) {
      const cancelled = await tracking.cancelSubmitted()
      if (cancelled.length > 0 && mode !== 'json') {
        stderr.write(`[dremio-cli] cancelled Dremio job(s): ${cancelled.join(', ')}\n`)
      }
    }
    view.finish(run)
    if (run.status === 'SUCCESS') return 0
    return watch.received ? watch.exitCode : 1
  } finally {
    off()
    watch.dispose()
    await pipeline.close().catch(() => undefined)
  }
}

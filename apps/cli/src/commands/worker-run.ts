/**
 * `dremio-cli worker --redis-url … --pipelines <dir>`: runs the attempts engines dispatch through
 * Redis with `--executor bullmq`. It loads the same pipeline modules as the engines (function
 * tasks run from them; by-type tasks are rebuilt from their JSON options), resolves credentials
 * (the Dremio client, the profiles) from its own environment, records nothing (the engine that
 * owns a run is its only writer) and prints one line per attempt event.
 *
 * SIGTERM or Ctrl-C: takes no new attempt, lets the running ones finish for up to
 * `--shutdown-timeout`, then exits 0 (about a second later at the latest, even if an attempt
 * ignores its signal); what is still running then is abandoned to BullMQ's stalled-job check,
 * which the engine sees as a failed attempt and retries. A second signal
 * exits at once (130). The Redis URL's password is never printed.
 */
import type { DremioClient } from '@df/client'
import type { WorkerEvent } from '@df/executor-bullmq'
import { createMemoryBackend, type Pipeline } from '@df/orchestration'
import { DEFAULT_CLIENT_NAME, registerDremioClient } from '@df/tasks'
import type { CliContext } from '../context.js'
import type { TrackingDremioClient } from '../dremio-config.js'
import { importExecutorBullmq, redactRedisUrl, resolveRedisUrl } from '../executor-option.js'
import { formatTime } from '../format.js'
import { probeRedis } from '../redis-probe.js'
import { loadPipelineFiles } from '../serve-runtime.js'
import { settleWithin, waitForStopSignal } from '../signals.js'
import { durationFlag } from './serve-run.js'
import type { WorkerFlags } from './worker.js'

/** `dremio-cli worker`. */
export async function runWorker(ctx: CliContext, flags: WorkerFlags): Promise<number> {
  const url = resolveRedisUrl(flags.redisUrl, ctx.io.env, 'dremio-cli worker')
  const shutdownMs = durationFlag('--shutdown-timeout', flags.shutdownTimeout)
  const { startWorker } = await importExecutorBullmq()
  await probeRedis(url)
  const out = (line: string) => ctx.io.stdout.write(`${line}\n`)
  const stamp = (line: string) => out(`[${formatTime(Date.now()).slice(11)}] ${line}`)
  const emit = (json: object, text: string) =>
    flags.json ? out(JSON.stringify(json)) : stamp(text)

  // A lost Redis makes every connection report each reconnect attempt: one line per message
  // and at most one per 30 s while it repeats.
  const repeats = new RepeatFilter(30_000, (n, text) =>
    emit({ type: 'repeated', count: n, message: text }, `(the last error repeated ${n} times)`),
  )
  const backendUrl = flags.backendUrl ?? ctx.io.env.DF_BACKEND_URL
  const backend = backendUrl !== undefined ? await ctx.backend(backendUrl) : createMemoryBackend()
  let client: TrackingDremioClient | undefined
  const { files, pipelines } = await loadPipelineFiles(flags.pipelines, {
    get client(): DremioClient {
      client ??= ctx.client()
      return client
    },
    backend,
    params: {},
  })
  ctx.onClose(async () => {
    for (const p of pipelines) await p.close().catch(() => undefined)
  })
  // Tasks that name their client (by-type tasks rebuilt from their options) resolve it from the
  // registry: register this worker's own, when a connection is configured here.
  if (client === undefined && pipelines.some(usesNamedClient)) {
    try {
      client = ctx.client()
    } catch (error) {
      ctx.verbose(`no Dremio client registered: ${(error as Error).message}`)
    }
  }
  if (client !== undefined) ctx.onClose(registerDremioClient(DEFAULT_CLIENT_NAME, client))

  const worker = await startWorker({
    connection: url,
    concurrency: flags.concurrency,
    ...(flags.fetchers !== undefined ? { fetchers: flags.fetchers } : {}),
    pipelines,
    ...(flags.queue !== undefined ? { queue: flags.queue } : {}),
    ...(flags.prefix !== undefined ? { prefix: flags.prefix } : {}),
    ...(flags.name !== undefined ? { name: flags.name } : {}),
    onEvent: (e) => {
      const text = describeEvent(e)
      if (text !== undefined && repeats.admit(e, text)) emit(e, text)
    },
  })
  let closed = false
  ctx.onClose(async () => {
    if (!closed) await worker.close({ drain: false })
  })
  const queue = flags.queue ?? 'df'
  emit(
    {
      type: 'ready',
      name: worker.name,
      queue,
      concurrency: flags.concurrency,
      pipelines: pipelines.map((p) => p.name),
    },
    `worker ${worker.name} on ${redactRedisUrl(url)} (queue ${queue}, concurrency ${flags.concurrency}): ${pipelines.length} pipeline(s) from ${files.length} file(s): ${pipelines.map((p) => p.name).join(', ')}`,
  )

  const stop = await waitForStopSignal((fn) => ctx.onClose(fn))
  if (!flags.json) {
    stamp(`${stop}: stopping; running attempts get ${flags.shutdownTimeout} to finish`)
  }
  const drained = await settleWithin(worker.close({ drain: true }), shutdownMs)
  closed = true
  emit(
    { type: 'stopped', drained },
    drained
      ? 'stopped'
      : `stopped after ${flags.shutdownTimeout} with attempts still running: their engines see them fail (worker lost) and retry them`,
  )
  // Bounded: attempts that outlive the timeout (a task that ignores its signal) must not keep
  // the process alive; their jobs' locks expire and BullMQ fails them.
  if (!drained) setTimeout(() => process.exit(0), 1000).unref()
  return 0
}

/** One line for a worker event (`ready` is printed by the command itself). */
function describeEvent(e: WorkerEvent): string | undefined {
  switch (e.type) {
    case 'ready':
      return undefined
    case 'attempt-start':
      return `${e.runId} ${e.taskId} attempt ${e.attempt} started`
    case 'attempt-end':
      return `${e.runId} ${e.taskId} attempt ${e.attempt} ${e.status}`
    case 'error':
      return `error: ${e.message.split('\n')[0]}`
  }
}

/** Lets an error line through once per `windowMs` while it repeats, and counts the rest. */
class RepeatFilter {
  #last = ''
  #at = 0
  #count = 0
  readonly #windowMs: number
  readonly #onRepeated: (count: number, text: string) => void
  constructor(windowMs: number, onRepeated: (count: number, text: string) => void) {
    this.#windowMs = windowMs
    this.#onRepeated = onRepeated
  }

  admit(e: WorkerEvent, text: string): boolean {
    if (e.type !== 'error') return true
    const now = Date.now()
    if (text === this.#last && now - this.#at < this.#windowMs) {
      this.#count++
      return false
    }
    if (this.#count > 0) this.#onRepeated(this.#count, this.#last)
    this.#last = text
    this.#at = now
    this.#count = 0
    return true
  }
}

function usesNamedClient(pipeline: Pipeline): boolean {
  return pipeline.tasks.some((t) => typeof t.options?.client === 'string')
}

/**
 * `--executor in-process|bullmq` and `--redis-url` (or `DF_REDIS_URL`), shared by `pipeline run`,
 * `pipeline rerun`, `pipeline recover`, `serve` and `worker`. With `bullmq`, tasks run on `dremio-cli worker`
 * processes through Redis (`@df/executor-bullmq`, an optional peer loaded on demand); the
 * pipeline module builds its pipelines with `ctx.executor`. A Redis URL's password never reaches
 * the output: every message shows it as `***`.
 */
import type { Executor, Pipeline } from '@df/orchestration'
import { redactBackendUrl } from '@df/orchestration'
import { CliError } from './cli-error.js'
import type { ExecutorFlags } from './commands/executor-flags.js'
import { defaultImporter, importOptional, type ModuleImporter } from './optional-import.js'
import { probeRedis } from './redis-probe.js'

/** The URL with its password (and any `?password=`) replaced by `***`. */
export function redactRedisUrl(url: string): string {
  return redactBackendUrl(url)
}

/**
 * The Redis URL of `--redis-url`, else `DF_REDIS_URL`.
 * @throws CliError `DF_CLI_USAGE` (exit 2) when neither is set (`needed` says for what) or it is
 *   not a `redis://` / `rediss://` URL.
 */
export function resolveRedisUrl(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  needed: string,
): string {
  const url = flag ?? env.DF_REDIS_URL
  if (url === undefined || url.trim() === '') {
    throw new CliError(
      'DF_CLI_USAGE',
      `${needed} needs a Redis: pass --redis-url redis://host:6379 (or set DF_REDIS_URL).`,
    )
  }
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    parsed = undefined
  }
  if (!parsed || !/^rediss?:$/.test(parsed.protocol) || parsed.hostname === '') {
    throw new CliError(
      'DF_CLI_USAGE',
      `--redis-url must be a redis:// or rediss:// URL with a host (redis://[:password@]host:port[/db]), got '${redactRedisUrl(url)}'.`,
    )
  }
  return url
}

/** The parts of `@df/executor-bullmq` the CLI uses. */
export type ExecutorBullmqModule = typeof import('@df/executor-bullmq')

/** Imports `@df/executor-bullmq` (an optional peer). @throws CliError `DF_DEPENDENCY_MISSING` */
export function importExecutorBullmq(
  importer: ModuleImporter = defaultImporter,
): Promise<ExecutorBullmqModule> {
  return importOptional<ExecutorBullmqModule>('@df/executor-bullmq', importer)
}

/** The executor the flags ask for, and what to say about it. */
export interface ChosenExecutor {
  /** Undefined for `in-process`: each pipeline makes (and closes) its own. */
  readonly executor: Executor | undefined
  /** `in-process`, or `bullmq on redis://:***@host:6379 (queue df)`. */
  readonly describe: string
  /** Set when no worker was connected to the queue at start (the tasks would wait). */
  readonly warning?: string
}

/**
 * Creates the executor of `--executor` (nothing for in-process). The caller closes it after the
 * pipelines that use it.
 * @throws CliError `DF_CLI_USAGE` without a Redis URL, `DF_DEPENDENCY_MISSING` without the package,
 *   `DF_CLI_REDIS_UNAVAILABLE` when the Redis does not answer or refuses the URL's credentials.
 */
export async function createCliExecutor(
  flags: ExecutorFlags,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ChosenExecutor> {
  if ((flags.executor ?? 'in-process') === 'in-process') {
    const given = (['redisUrl', 'queue', 'prefix'] as const).find((k) => flags[k] !== undefined)
    if (given !== undefined) {
      const flag = { redisUrl: '--redis-url', queue: '--queue', prefix: '--prefix' }[given]
      throw new CliError(
        'DF_CLI_USAGE',
        `${flag} is only used with --executor bullmq (without it, tasks run in this process).`,
      )
    }
    return { executor: undefined, describe: 'in-process' }
  }
  const url = resolveRedisUrl(flags.redisUrl, env, '--executor bullmq')
  const { createBullmqExecutor } = await importExecutorBullmq()
  const queue = flags.queue ?? 'df'
  const prefix = flags.prefix ?? 'df'
  const { workers } = await probeRedis(url, 5000, { queue, prefix })
  const executor = createBullmqExecutor({
    connection: url,
    ...(flags.queue !== undefined ? { queue: flags.queue } : {}),
    ...(flags.prefix !== undefined ? { prefix: flags.prefix } : {}),
  })
  const describe = `bullmq on ${redactRedisUrl(url)} (queue ${queue})`
  return {
    executor,
    describe,
    ...(workers === 0
      ? {
          warning: `no dremio-cli worker is connected to queue '${queue}' (prefix '${prefix}') on ${redactRedisUrl(url)}: the tasks wait until one starts (dremio-cli worker --redis-url … --pipelines …${queue === 'df' ? '' : ` --queue ${queue}`}${prefix === 'df' ? '' : ` --prefix ${prefix}`}).`,
        }
      : {}),
  }
}

/**
 * Checks that a pipeline was built with the CLI's executor: one built without `ctx.executor`
 * would quietly run its tasks in this process.
 * @throws CliError `DF_CLI_MODULE_INVALID`
 */
export function checkPipelineExecutor(pipeline: Pipeline, executor: Executor | undefined): void {
  if (executor === undefined || pipeline.executor === executor) return
  throw new CliError(
    'DF_CLI_MODULE_INVALID',
    `Pipeline '${pipeline.name}' was not built with the CLI's executor (it has '${pipeline.executor.name}'), so --executor ${executor.name} cannot run it on the workers: build it in a default-export factory as new Pipeline(name, { backend: ctx.backend, executor: ctx.executor }).`,
  )
}

/**
 * The executor flags of `pipeline run`, `pipeline rerun` and `serve` (registration only: no
 * engine, no Redis client is loaded for `--help`). The executor itself is made in
 * `../executor-option.ts` when the command runs.
 */
import type { Command } from 'commander'
import { nonEmpty, oneOf } from '../options.js'

/** The values `--executor` accepts. */
export const EXECUTOR_NAMES = ['in-process', 'bullmq'] as const

/** One of {@link EXECUTOR_NAMES}. */
export type ExecutorName = (typeof EXECUTOR_NAMES)[number]

/** The executor flags, as commander parses them. */
export interface ExecutorFlags {
  readonly executor?: ExecutorName
  readonly redisUrl?: string
  readonly queue?: string
  readonly prefix?: string
}

/** `--redis-url`, `--queue`, `--prefix`: shared with `worker`. */
export function addRedisOptions(cmd: Command): Command {
  return cmd
    .option(
      '--redis-url <url>',
      'Redis of the workers, redis://[:password@]host:port[/db] (or DF_REDIS_URL)',
    )
    .option(
      '--queue <name>',
      "BullMQ queue name (default 'df'); engines and workers must agree",
      nonEmpty('--queue'),
    )
    .option(
      '--prefix <prefix>',
      "Redis key prefix (default 'df'); engines and workers must agree",
      nonEmpty('--prefix'),
    )
}

/** Adds `--executor` and the Redis options to `cmd`. */
export function addExecutorOptions(cmd: Command): Command {
  cmd.option(
    '--executor <name>',
    `where tasks run: ${EXECUTOR_NAMES.join(' or ')} (bullmq: on dremio-cli worker processes)`,
    oneOf('--executor', EXECUTOR_NAMES),
    'in-process',
  )
  return addRedisOptions(cmd)
}

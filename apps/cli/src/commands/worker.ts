/**
 * `dremio-cli worker`: a long-running process that runs task attempts dispatched through Redis
 * by engines started with `--executor bullmq`. Only the registration is here; the body
 * (worker-run.ts), the engine and `@df/executor-bullmq` load when the command runs.
 */
import type { Command } from 'commander'
import { wholeNumber } from '../options.js'
import type { Action } from '../program.js'
import { addRedisOptions } from './executor-flags.js'

/** The flags of `worker`. */
export interface WorkerFlags {
  readonly redisUrl?: string
  readonly pipelines: string
  readonly backendUrl?: string
  readonly concurrency: number
  readonly fetchers?: number
  readonly queue?: string
  readonly prefix?: string
  readonly name?: string
  readonly shutdownTimeout: string
  readonly json?: boolean
}

/** Registers `worker` on the program. */
export function registerWorkerCommand(program: Command, action: Action): void {
  const worker = program
    .command('worker')
    .description(
      'run the tasks that `pipeline run` / `serve` --executor bullmq dispatch through Redis, until SIGTERM',
    )
    .requiredOption(
      '--pipelines <path>',
      'the pipeline modules the engines run (a file or a directory): function tasks run from them',
    )
  addRedisOptions(worker)
    .option(
      '--backend-url <url>',
      'the backend handed to the pipeline modules as ctx.backend (default: none, an in-memory one; workers record nothing)',
    )
    .option(
      '--concurrency <n>',
      'attempts run at once (1-1000)',
      wholeNumber('--concurrency', 1, 1000),
      16,
    )
    .option(
      '--fetchers <n>',
      'BullMQ workers sharing the concurrency, each fetching jobs one at a time (1-64; default min(4, concurrency/8))',
      wholeNumber('--fetchers', 1, 64),
    )
    .option('--name <name>', 'worker name on the attempt records (default host:pid:random)')
    .option(
      '--shutdown-timeout <duration>',
      'on SIGTERM, how long running attempts get to finish',
      '30s',
    )
    .option('--json', 'print every event as one JSON line')
    .action(
      action(async (ctx, flags: WorkerFlags) =>
        (await import('./worker-run.js')).runWorker(ctx, flags),
      ),
    )
}

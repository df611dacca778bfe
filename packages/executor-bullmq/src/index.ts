/**
 * `@df/executor-bullmq`: distributed execution for `@df/orchestration` on Redis with BullMQ.
 * Engines dispatch attempts with `createBullmqExecutor`; workers in other processes or machines
 * run them with `startWorker` (or `dremio-cli worker`).
 */
export type { BullmqExecutor } from './executor.js'
export { createBullmqExecutor } from './executor.js'
export { jobIdOf } from './keys.js'
export type {
  BullmqExecutorOptions,
  LocalWorkerOptions,
  RedisConnection,
  WorkerEvent,
  WorkerHandle,
  WorkerOptions,
} from './options.js'
export { startWorker } from './worker.js'

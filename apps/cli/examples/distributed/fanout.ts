/**
 * The README's "Distributed" example: `dremio-cli worker --pipelines apps/cli/examples/distributed`
 * runs these tasks for `dremio-cli pipeline run … --executor bullmq`. The engine and every worker
 * load this same file: a worker runs a function task from it (code is never sent through Redis),
 * and refuses an attempt whose pipeline definition differs from the engine's.
 *
 * `fanout`: six `part_<i>` tasks (300 ms each, returning the worker's host and process id) and a
 * `report` that gathers them through `ctx.get`.
 */
import { hostname } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import type { PipelineModuleContext } from '@df/cli'
import { Pipeline, Task, type TaskContext } from '@df/orchestration'

export default ({ backend, executor }: PipelineModuleContext): Pipeline => {
  const parts = Array.from(
    { length: 6 },
    (_, i) =>
      new Task({
        name: `part_${i}`,
        run: async (ctx: TaskContext) => {
          await sleep(300, undefined, { signal: ctx.signal })
          ctx.log.info(`part ${i} on ${hostname()}:${process.pid}`)
          return { part: i, host: hostname(), pid: process.pid }
        },
      }),
  )
  const report = new Task({
    name: 'report',
    run: (ctx: TaskContext) => ({ parts: parts.map((p) => ctx.get(p.name) ?? null) }),
  })
  for (const p of parts) p.setDownstream(report)
  // `executor` is the one of `--executor` (undefined: in this process), `backend` of `--backend-url`.
  return new Pipeline('fanout', { backend, executor }).addTask(...parts, report)
}

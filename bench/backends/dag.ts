/**
 * The engine benchmark's DAG (bench/engine): `width` × `depth` no-op tasks, each depending on the
 * task with the same index in the layer before, run with maxWorkers 4 on a given backend.
 */
import { type Backend, createInProcessExecutor, Pipeline, Task } from '@df/orchestration'

/** A layered pipeline on `backend`; one per backend so each stores its own definition. */
export function layeredPipeline(backend: Backend, width: number, depth: number): Pipeline {
  const pipeline = new Pipeline(`bench_${width}x${depth}`, {
    backend,
    executor: createInProcessExecutor(),
    maxWorkers: 4,
  })
  const tasks: Task[] = []
  for (let layer = 0; layer < depth; layer++) {
    for (let i = 0; i < width; i++) {
      const t = new Task({ name: `t${layer}_${i}`, run: async () => {} })
      if (layer > 0) tasks[tasks.length - width]!.setDownstream(t)
      tasks.push(t)
    }
  }
  return pipeline.addTask(...tasks)
}

/** Runs the pipeline once; returns the wall time in ms (throws unless the run succeeded). */
export async function timeRun(pipeline: Pipeline): Promise<number> {
  const t0 = performance.now()
  const run = await pipeline.run()
  const ms = performance.now() - t0
  if (run.status !== 'SUCCESS') throw new Error(`run ended ${run.status}: ${run.message}`)
  return ms
}

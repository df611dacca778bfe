/**
 * Engine benchmark (issue 3): a layered DAG, width × depth, where each task depends on the task
 * with the same index in the layer before; no-op async tasks; in-process executor; memory
 * backend; maxWorkers 4.
 *
 * Figures: tasks/s per run, p50/p99 of "last upstream finished → task started" (measured inside
 * the task functions with performance.now(), so engine, backend writes and queueing all count),
 * and the heap after runs 1, 50 and 100 (after gc()). Usage: pnpm bench engine [runs] [width] [depth]
 */
import { createInProcessExecutor, createMemoryBackend, Pipeline, Task } from '@df/orchestration'

const runs = Number(process.argv[2] ?? 100)
const width = Number(process.argv[3] ?? 100)
const depth = Number(process.argv[4] ?? 100)
const n = width * depth
const gc = (globalThis as { gc?: () => void }).gc

const startedAt = new Float64Array(n)
const endedAt = new Float64Array(n)
const backend = createMemoryBackend()
const pipeline = new Pipeline('bench', {
  backend,
  executor: createInProcessExecutor(),
  maxWorkers: 4,
})
const tasks: Task[] = []
for (let layer = 0; layer < depth; layer++) {
  for (let i = 0; i < width; i++) {
    const k = layer * width + i
    const t = new Task({
      name: `t${layer}_${i}`,
      run: async () => {
        startedAt[k] = performance.now()
        await undefined
        endedAt[k] = performance.now()
      },
    })
    if (layer > 0) tasks[k - width]!.setDownstream(t)
    tasks.push(t)
  }
}
pipeline.addTask(...tasks)

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!
}

const heapMb = () => {
  gc?.()
  return (process.memoryUsage().heapUsed / 1024 / 1024).toFixed(1)
}

console.log('run\ttasks\tms\ttasks_per_s\tp50_delay_us\tp99_delay_us\theap_mb')
const rates: number[] = []
const p99s: number[] = []
const delays = new Float64Array(n - width)
for (let r = 1; r <= runs; r++) {
  const t0 = performance.now()
  const run = await pipeline.run()
  const ms = performance.now() - t0
  if (run.status !== 'SUCCESS') throw new Error(`run ${r} ended ${run.status}: ${run.message}`)
  for (let k = width; k < n; k++) delays[k - width] = startedAt[k]! - endedAt[k - width]!
  delays.sort()
  const p50 = percentile(delays, 0.5) * 1000
  const p99 = percentile(delays, 0.99) * 1000
  rates.push(n / (ms / 1000))
  p99s.push(p99)
  // Keep the heap figure about the engine, not about run history kept in the memory backend.
  await backend.deleteRuns({ before: Number.POSITIVE_INFINITY })
  const heap = r === 1 || r === Math.ceil(runs / 2) || r === runs ? heapMb() : ''
  if (r <= 3 || heap !== '' || r % 10 === 0) {
    console.log(
      `${r}\t${n}\t${ms.toFixed(1)}\t${Math.round(n / (ms / 1000))}\t${p50.toFixed(1)}\t${p99.toFixed(1)}\t${heap}`,
    )
  }
}
rates.sort((a, b) => a - b)
p99s.sort((a, b) => a - b)
console.log(
  `median\t${n}\t-\t${Math.round(rates[Math.floor(rates.length / 2)]!)}\t-\t${p99s[Math.floor(p99s.length / 2)]!.toFixed(1)}\t`,
)
await pipeline.close()

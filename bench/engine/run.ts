/**
 * Engine benchmark (issue 3): a layered DAG, width × depth, where each task depends on the task
 * with the same index in the layer before; no-op async tasks; in-process executor; memory
 * backend; maxWorkers 4.
 *
 * Figures: tasks/s per run, p50/p99 of "last upstream finished → task started" (measured inside
 * the task functions with performance.now(), so engine, backend writes and queueing all count),
 * and the heap after runs 1, 50 and 100 (after gc()).
 * Usage: pnpm bench engine [runs=100] [width=100] [depth=100] [depth-first|fifo]
 */
import { createInProcessExecutor, createMemoryBackend, Pipeline, Task } from '@df/orchestration'

const runs = Number(process.argv[2] ?? 100)
const width = Number(process.argv[3] ?? 100)
const depth = Number(process.argv[4] ?? 100)
const scheduling = (process.argv[5] ?? 'depth-first') as 'depth-first' | 'fifo'
const n = width * depth
const gc = (globalThis as { gc?: () => void }).gc

const startedAt = new Float64Array(n)
const endedAt = new Float64Array(n)
const backend = createMemoryBackend()
const pipeline = new Pipeline('bench', {
  backend,
  executor: createInProcessExecutor(),
  maxWorkers: 4,
  scheduling,
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

/** The floor: the same tasks and dependencies through a bare 4-slot promise pool (no engine). */
async function bare(): Promise<number> {
  const ready: number[] = []
  for (let i = width - 1; i >= 0; i--) ready.push(i)
  const fns = tasks.map((t) => t.fn)
  const t0 = performance.now()
  await new Promise<void>((resolve) => {
    let running = 0
    let done = 0
    const pump = (): void => {
      while (running < 4 && ready.length > 0) {
        const k = ready.pop()!
        running++
        void (fns[k]!(undefined as never) as Promise<void>).then(() => {
          running--
          if (k + width < n) ready.push(k + width)
          if (++done === n) resolve()
          else pump()
        })
      }
    }
    pump()
  })
  return performance.now() - t0
}

console.log(`# ${width}x${depth} layered DAG, maxWorkers 4, scheduling ${scheduling}, ${runs} runs`)
console.log(
  'run\ttasks\tms\ttasks_per_s\ttasks_per_cpu_s\tp50_delay_us\tp99_delay_us\tbare_tasks_per_s\tengine_vs_bare\theap_mb',
)
const rates: number[] = []
const cpuRates: number[] = []
const p99s: number[] = []
const ratios: number[] = []
const delays = new Float64Array(n - width)
for (let r = 1; r <= runs; r++) {
  const bareMs = await bare()
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const run = await pipeline.run()
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const cpuMs = (cpu.user + cpu.system) / 1000
  if (run.status !== 'SUCCESS') throw new Error(`run ${r} ended ${run.status}: ${run.message}`)
  for (let k = width; k < n; k++) delays[k - width] = startedAt[k]! - endedAt[k - width]!
  delays.sort()
  const p50 = percentile(delays, 0.5) * 1000
  const p99 = percentile(delays, 0.99) * 1000
  rates.push(n / (ms / 1000))
  cpuRates.push(n / (cpuMs / 1000))
  p99s.push(p99)
  ratios.push(bareMs / ms)
  // Keep the heap figure about the engine, not about run history kept in the memory backend.
  await backend.deleteRuns({ before: Number.POSITIVE_INFINITY })
  const heap = r === 1 || r === Math.ceil(runs / 2) || r === runs ? heapMb() : ''
  if (r <= 3 || heap !== '' || r % 10 === 0) {
    console.log(
      [
        r,
        n,
        ms.toFixed(1),
        Math.round(n / (ms / 1000)),
        Math.round(n / (cpuMs / 1000)),
        p50.toFixed(1),
        p99.toFixed(1),
        Math.round(n / (bareMs / 1000)),
        (bareMs / ms).toFixed(3),
        heap,
      ].join('\t'),
    )
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
console.log(
  [
    'median',
    n,
    '-',
    Math.round(median(rates)),
    Math.round(median(cpuRates)),
    '-',
    median(p99s).toFixed(1),
    '-',
    median(ratios).toFixed(3),
    '',
  ].join('\t'),
)
await pipeline.close()

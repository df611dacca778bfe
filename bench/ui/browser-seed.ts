/**
 * Pipelines for the browser half of `bench/ui`: a 10,000-task DAG (layers of 100, each task
 * fed by 1–3 tasks of the layer before, a few failures near the end) and a 50-task chain whose
 * tasks take a little time, for watching state changes arrive.
 */
import { type Backend, NonRetryableError, Pipeline, Task } from '@df/orchestration'

/** `n` no-op tasks in layers of `width`; about 1 % of the last two layers fail. */
export function largePipeline(backend: Backend, n = 10_000, width = 100): Pipeline {
  const p = new Pipeline(`large_${n}`, { backend, maxWorkers: 64 })
  const layers = Math.ceil(n / width)
  const tasks: Task[] = []
  for (let i = 0; i < n; i++) {
    const layer = Math.floor(i / width)
    const failing = layer >= layers - 2 && i % 97 === 0
    tasks.push(
      new Task({
        name: `l${String(layer).padStart(3, '0')}_t${String(i % width).padStart(3, '0')}`,
        run: () => {
          if (failing) throw new NonRetryableError('synthetic failure')
          return null
        },
      }),
    )
  }
  p.addTask(...tasks)
  for (let i = width; i < n; i++) {
    const base = (Math.floor(i / width) - 1) * width
    const fanIn = 1 + (i % 3)
    for (let k = 0; k < fanIn; k++) {
      const j = base + ((i * 31 + k * 17) % width)
      tasks[j]?.setDownstream(tasks[i] as Task)
    }
  }
  return p
}

/** `n` tasks in a chain named `name`; the first waits for `start`, each then takes about `ms`. */
export function chainPipeline(
  name: string,
  backend: Backend,
  start: () => Promise<void>,
  n = 50,
  ms = 40,
): Pipeline {
  const p = new Pipeline(name, { backend })
  const tasks: Task[] = []
  for (let i = 0; i < n; i++) {
    tasks.push(
      new Task({
        name: `step_${String(i).padStart(2, '0')}`,
        run: async (ctx) => {
          if (i === 0) await start()
          await ctx.sleep(ms)
          return i
        },
      }),
    )
  }
  p.addTask(...tasks)
  for (let i = 1; i < n; i++) tasks[i - 1]?.setDownstream(tasks[i] as Task)
  return p
}

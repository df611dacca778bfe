/** Real pipelines the browser tests run (on the same SQLite backend as the UI server). */
import { type Backend, NonRetryableError, Pipeline, Task } from '@df/orchestration'
import type { Latch } from './harness.js'

/**
 * The demo's shape: extract → transform → validate → load → cleanup, params
 * `{ region: 'eu' | 'us' = 'eu', limit?: integer ≥ 1 }`. `transform` waits on `latch`.
 */
export function demoPipeline(backend: Backend, latch: Latch): Pipeline {
  const p = new Pipeline('demo_etl', {
    backend,
    description: 'Orders from the lake to the mart',
    params: {
      region: { type: 'string', enum: ['eu', 'us'], default: 'eu', description: 'Which shard' },
      limit: { type: 'integer', minimum: 1, description: 'Rows to copy' },
    },
  })
  const extract = new Task({
    name: 'extract',
    run: (ctx) => {
      ctx.log.info(`extracting orders for ${String(ctx.params.region)}`)
      ctx.setMeta?.('dremioJobId', '1f2e3d4c-0000-4abc-9def-000000000042')
      return { table: `staging.orders_${String(ctx.params.region)}` }
    },
  })
  const transform = new Task({
    name: 'transform',
    run: async (ctx) => {
      ctx.log.info('waiting for the latch')
      const aborted = new Promise<void>((r) => ctx.signal.addEventListener('abort', () => r()))
      await Promise.race([latch.wait(), aborted])
      ctx.signal.throwIfAborted()
      ctx.log.info('transformed')
      return 'ok'
    },
  })
  const validate = new Task({ name: 'validate', run: () => ({ nulls: 0 }) })
  const load = new Task({ name: 'load', run: () => ({ rows: 1234 }) })
  const cleanup = new Task({ name: 'cleanup', triggerRule: 'all_done', run: () => null })
  p.addTask(extract, transform, validate, load, cleanup)
  extract.setDownstream(transform)
  transform.setDownstream(validate)
  validate.setDownstream(load)
  load.setDownstream(cleanup)
  return p
}

/** a → b → c; `b` fails (no retry) while `fail.value` is true. */
export function flakyPipeline(backend: Backend, fail: { value: boolean }): Pipeline {
  const p = new Pipeline('flaky', { backend })
  const a = new Task({ name: 'a', run: () => 1 })
  const b = new Task({
    name: 'b',
    run: (ctx) => {
      ctx.log.warn('checking the source')
      if (fail.value) throw new NonRetryableError('source table is empty')
      return 2
    },
  })
  const c = new Task({ name: 'c', run: () => 3 })
  p.addTask(a, b, c)
  a.setDownstream(b)
  b.setDownstream(c)
  return p
}

/** `n` no-op tasks in layers of `width`, each fed by 1–3 tasks of the layer before; a few fail. */
export function largePipeline(backend: Backend, n: number, width = 100): Pipeline {
  const p = new Pipeline(`large_${n}`, { backend, maxWorkers: 64 })
  const layers = Math.ceil(n / width)
  const tasks: Task[] = []
  for (let i = 0; i < n; i++) {
    const layer = Math.floor(i / width)
    const failing = layer === layers - 2 && i % 37 === 0
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
    for (let k = 0; k <= i % 3; k++)
      tasks[base + ((i * 31 + k * 17) % width)]?.setDownstream(tasks[i] as Task)
  }
  return p
}

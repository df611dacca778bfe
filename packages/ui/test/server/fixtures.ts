/** Pipelines the API tests run: a three-task ETL with declared params, one that fails. */
import { type Backend, NonRetryableError, Pipeline, Task } from '@df/orchestration'

/** extract → transform → load, params { region: 'eu'|'us' (default 'eu'), limit?: integer }. */
export function etlPipeline(backend: Backend, engineId?: string): Pipeline {
  const p = new Pipeline('etl', {
    backend,
    description: 'Loads orders',
    params: {
      region: { type: 'string', enum: ['eu', 'us'], default: 'eu' },
      limit: { type: 'integer', minimum: 1 },
    },
    ...(engineId !== undefined ? { engineId } : {}),
  })
  const extract = new Task({
    name: 'extract',
    run: (ctx) => {
      ctx.log.info(`extracting ${String(ctx.params.region)}`)
      ctx.setMeta?.('dremioJobId', 'job-123')
      return { rows: 3 }
    },
  })
  const transform = new Task({ name: 'transform', run: (ctx) => ctx.get('extract') })
  const load = new Task({ name: 'load', run: () => 'ok' })
  p.addTask(extract, transform, load)
  extract.setDownstream(transform)
  transform.setDownstream(load)
  return p
}

/** a → b (fails, no retry) → c; b logs a line and fails with a message. */
export function flakyPipeline(
  backend: Backend,
  fail: { value: boolean } = { value: true },
): Pipeline {
  const p = new Pipeline('flaky', { backend })
  const a = new Task({ name: 'a', run: () => 1 })
  const b = new Task({
    name: 'b',
    run: (ctx) => {
      ctx.log.warn('about to fail')
      if (fail.value) throw new NonRetryableError('b broke')
      return 2
    },
  })
  const c = new Task({ name: 'c', run: () => 3 })
  p.addTask(a, b, c)
  a.setDownstream(b)
  b.setDownstream(c)
  return p
}

/** One task that waits until released (or cancelled). */
export function slowPipeline(backend: Backend, engineId: string, leaseMs = 600): Pipeline {
  const p = new Pipeline('slow', { backend, engineId, leaseMs })
  p.addTask(
    new Task({
      name: 'wait',
      run: async (ctx) => {
        for (let i = 0; i < 400 && !ctx.signal.aborted; i++) await ctx.sleep(25)
        ctx.signal.throwIfAborted()
        return 'done'
      },
    }),
  )
  return p
}

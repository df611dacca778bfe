import { expect, it } from 'vitest'
import {
  type Backend,
  createInProcessExecutor,
  createManualClock,
  createMemoryBackend,
  OrchestrationError,
  Pipeline,
  Task,
} from '../src/index.js'

/** A real memory backend whose next `failures` updateTasks calls throw (fault injection). */
function flaky(failures: number): { backend: Backend; calls: () => number } {
  const inner = createMemoryBackend()
  let left = failures
  let calls = 0
  const backend: Backend = {
    ...inner,
    name: 'flaky-memory',
    async updateTasks(updates, options) {
      calls++
      if (left > 0) {
        left--
        throw new OrchestrationError('DF_BACKEND_UNAVAILABLE', '[test] store unreachable')
      }
      return inner.updateTasks(updates, options)
    },
  }
  return { backend, calls: () => calls }
}

it('retries a batch write after a transient backend error and finishes the run', async () => {
  const clock = createManualClock(0)
  const { backend, calls } = flaky(2)
  const p = new Pipeline('faulty', { backend, clock, executor: createInProcessExecutor({ clock }) })
  const a = new Task({ name: 'a', run: () => 1 })
  const b = new Task({ name: 'b', run: (ctx) => ctx.get<number>('a')! + 1 })
  a.setDownstream(b)
  const done = p.addTask(a, b).run()
  await clock.advance(100)
  await clock.advance(400)
  const run = await done
  expect(run.status).toBe('SUCCESS')
  expect(run.tasks.b?.result).toBe(2)
  expect(calls()).toBeGreaterThan(2)
})

it('gives up after 3 retries: run() rejects with the backend error', async () => {
  const clock = createManualClock(0)
  const { backend } = flaky(10)
  const p = new Pipeline('down', { backend, clock, executor: createInProcessExecutor({ clock }) })
  const done = p.addTask(new Task({ name: 'a', run: () => 1 })).run()
  const settled = done.catch((e: unknown) => e)
  await clock.advance(100)
  await clock.advance(400)
  await clock.advance(1600)
  expect(await settled).toMatchObject({ code: 'DF_BACKEND_UNAVAILABLE' })
})

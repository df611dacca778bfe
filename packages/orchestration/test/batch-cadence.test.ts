/**
 * The cadence of write batches: after a write that settled without I/O (the memory backend) the
 * next batch goes at once, so a successor starts without waiting for an event-loop turn; after a
 * write that waited for I/O the engine lets released attempts run first, so a quick task's
 * RUNNING and outcome travel as one update.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import {
  type Backend,
  createInProcessExecutor,
  createMemoryBackend,
  Pipeline,
  Task,
  type TaskUpdate,
} from '../src/index.js'

function chain(backend: Backend, length: number, run: (i: number) => void): Pipeline {
  const pipeline = new Pipeline('cadence', { backend, executor: createInProcessExecutor() })
  const tasks = Array.from(
    { length },
    (_, i) =>
      new Task({
        name: `t${i}`,
        run: async () => {
          run(i)
        },
      }),
  )
  for (let i = 1; i < length; i++) tasks[i - 1]!.setDownstream(tasks[i]!)
  pipeline.addTask(...tasks)
  return pipeline
}

describe('write-batch cadence', () => {
  it('memory backend: a successor starts before an event-loop turn set at its upstream fires', async () => {
    const turnsPassed: boolean[] = []
    let turned = false
    const pipeline = chain(createMemoryBackend(), 5, (i) => {
      if (i > 0) turnsPassed.push(turned)
      turned = false
      setImmediate(() => {
        turned = true
      })
    })
    const run = await pipeline.run()
    expect(run.status).toBe('SUCCESS')
    // With a wait of even one setImmediate between batches, every entry would be true.
    expect(turnsPassed).toEqual([false, false, false, false])
    await pipeline.close()
  })

  it('a write that waits for I/O: a quick task writes RUNNING and SUCCESS as one update', async () => {
    const inner = createMemoryBackend()
    const updates: TaskUpdate[] = []
    const backend: Backend = Object.create(inner, {
      updateTasks: {
        value: async (batch: readonly TaskUpdate[]) => {
          updates.push(...batch)
          await sleep(2)
          return inner.updateTasks(batch)
        },
      },
    })
    const pipeline = chain(backend, 6, () => {})
    const run = await pipeline.run()
    expect(run.status).toBe('SUCCESS')
    // Tasks t1..t5 each start after an acknowledged write: their RUNNING folds into their SUCCESS.
    for (let i = 1; i < 6; i++) {
      const own = updates.filter((u) => u.taskId === `t${i}`)
      expect(own.map((u) => u.state)).toEqual(['SUCCESS'])
    }
    await pipeline.close()
  })
})

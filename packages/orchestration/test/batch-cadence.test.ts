/**
 * The cadence of write batches: after a write that settled without I/O (the memory backend) the
 * next batch goes at once, so a successor starts without waiting for an event-loop turn; after a
 * write that waited for I/O the engine lets released attempts run first, so a quick task's
 * RUNNING and outcome travel as one update. A remote executor's RUNNING mark is held up to 200 ms
 * for its outcome: one update for a quick task, RUNNING stored within the hold for a slow one.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import {
  type Backend,
  createInProcessExecutor,
  createMemoryBackend,
  type Executor,
  Pipeline,
  Task,
  type TaskUpdate,
} from '../src/index.js'

/** The in-process executor flagged remote, as a BullMQ one is (it gets the remote dispatch fields). */
function remoteExecutor(): Executor {
  const inner = createInProcessExecutor()
  return Object.assign(Object.create(inner) as Executor, { remote: true })
}

/** The memory backend with every update recorded; `waitMs` > 0: each write waits for I/O first. */
function recording(waitMs = 0): { backend: Backend; inner: Backend; updates: TaskUpdate[] } {
  const inner = createMemoryBackend()
  const updates: TaskUpdate[] = []
  const backend: Backend = Object.create(inner, {
    updateTasks: {
      value: async (batch: readonly TaskUpdate[]) => {
        updates.push(...batch)
        if (waitMs > 0) await sleep(waitMs)
        return inner.updateTasks(batch)
      },
    },
  })
  return { backend, inner, updates }
}

function chain(
  backend: Backend,
  length: number,
  run: (i: number) => void | Promise<void>,
  executor: Executor = createInProcessExecutor(),
): Pipeline {
  const pipeline = new Pipeline('cadence', { backend, executor })
  const tasks = Array.from(
    { length },
    (_, i) =>
      new Task({
        name: `t${i}`,
        run: async () => {
          await run(i)
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
    const { backend, updates } = recording(2)
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

  it('remote executor: a quick attempt stores RUNNING and SUCCESS as one update', async () => {
    const { backend, updates } = recording()
    const pipeline = chain(backend, 4, () => {}, remoteExecutor())
    const run = await pipeline.run()
    expect(run.status).toBe('SUCCESS')
    for (let i = 0; i < 4; i++) {
      const own = updates.filter((u) => u.taskId === `t${i}`)
      expect(own.map((u) => u.state)).toEqual(['SUCCESS'])
      expect(own[0]?.attemptRecord).toMatchObject({ attempt: 1, state: 'SUCCESS' })
    }
    await pipeline.close()
  })

  it('remote executor: a slow attempt is stored RUNNING within the hold, while it runs', async () => {
    const { backend, inner, updates } = recording()
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let startedAt = 0
    const pipeline = chain(
      backend,
      1,
      async () => {
        startedAt = Date.now()
        await gate
      },
      remoteExecutor(),
    )
    let runId = ''
    pipeline.on('event', (e) => {
      if (e.type === 'run') runId = e.runId
    })
    const running = pipeline.run()
    while (startedAt === 0 || runId === '') await sleep(5)
    let state: string | undefined
    while (state !== 'RUNNING') {
      expect(Date.now() - startedAt).toBeLessThan(5000)
      await sleep(10)
      state = (await inner.getTasks(runId))[0]?.state
    }
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(150)
    release()
    expect((await running).status).toBe('SUCCESS')
    expect(updates.map((u) => u.state)).toEqual(['RUNNING', 'SUCCESS'])
    await pipeline.close()
  })
})

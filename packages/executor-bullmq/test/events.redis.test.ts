/**
 * What reaches an engine without a reply of the worker's own: outcomes through BullMQ's event
 * stream (the reconciler switched off here, so nothing else could deliver them), starts that arm
 * the timeout backstop, and a cancel whose pub/sub message was lost (only its marker key was
 * written), which the worker's marker poll still turns into an abort of the running attempt.
 */
import { requireService } from '@df/conformance/backend'
import type { TaskDispatch, TaskOutcome } from '@df/orchestration'
import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { createBullmqExecutor } from '../src/index.js'
import { redisTestScope, slowDispatch, startWorkers } from './helpers.js'

const url = requireService('DF_TEST_REDIS_URL') as string
const scope = redisTestScope(url, 'events')
const { prefix } = scope

async function started(queue: string) {
  scope.procs = await startWorkers(1, { DF_REDIS_URL: url, DF_PREFIX: prefix, DF_QUEUE: queue })
  // No reconciler in these tests: outcomes can only come through the event stream.
  const executor = createBullmqExecutor({
    connection: url,
    prefix,
    queue,
    reconcileIntervalMs: 3_600_000,
  })
  scope.cleanup.push(() => executor.close())
  const outcomes: Array<{ d: TaskDispatch; o: TaskOutcome; at: number }> = []
  const workers: string[] = []
  await executor.start({
    run: () => Promise.resolve({ status: 'success' }),
    onOutcome: (d, o) => {
      outcomes.push({ d, o, at: Date.now() })
    },
    onStart: (_d, worker) => {
      workers.push(worker)
    },
  })
  return { executor, outcomes, workers }
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe.skipIf(url === undefined)('outcomes and cancels without worker replies', () => {
  it('outcomes arrive through BullMQ events, with the worker name, reconciler off', async () => {
    const { executor, outcomes, workers } = await started('e1')
    const t0 = Date.now()
    for (let k = 0; k < 5; k++) await executor.dispatch(slowDispatch(`ev-${process.pid}-${k}`, 50))
    await until(() => outcomes.length === 5, 10_000)
    expect(outcomes.map((x) => x.o.status)).toEqual(Array(5).fill('success'))
    expect(Date.now() - t0).toBeLessThan(10_000)
    expect(workers).toEqual(Array(5).fill('w1'))
  }, 30_000)

  it('a cancel whose message was lost (marker only) aborts the running attempt', async () => {
    const { executor, outcomes } = await started('e2')
    const runId = `lost-${process.pid}`
    await executor.dispatch(slowDispatch(runId, 30_000))
    await scope.procs[0]!.waitFor((e) => e.type === 'attempt-start', 10_000)
    const redis = new Redis(url)
    // What a cancelling engine writes besides its (here: lost) pub/sub message.
    await redis.set(`${prefix}:e2:df:cancelled:${runId}`, 'cancelled by a test', 'EX', 60)
    redis.disconnect()
    const t0 = Date.now()
    await until(() => outcomes.length === 1, 10_000)
    expect(outcomes[0]!.o).toMatchObject({ status: 'cancelled' })
    expect(Date.now() - t0).toBeLessThan(5_000)
    await scope.procs[0]!.waitFor(
      (e) => e.type === 'attempt-end' && e.status === 'cancelled',
      5_000,
    )
  }, 30_000)
})

/**
 * Timeouts: the worker enforces `timeoutMs` (the task ignores nothing here: its signal aborts);
 * when the worker itself is frozen (SIGSTOP) the engine-side backstop fails the attempt at
 * `timeoutMs + timeoutMarginMs` after its start reply.
 */
import { requireService } from '@df/conformance/backend'
import type { TaskOutcome } from '@df/orchestration'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createBullmqExecutor } from '../src/index.js'
import {
  dropPrefix,
  killAll,
  type Proc,
  slowDispatch,
  startWorkers,
  uniquePrefix,
} from './helpers.js'

const url = requireService('DF_TEST_REDIS_URL') as string
const prefix = uniquePrefix('timeout')
let procs: Proc[] = []
const cleanup: Array<() => Promise<void>> = []

afterEach(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGCONT')
  await killAll(procs)
  procs = []
  for (const c of cleanup.splice(0)) await c()
})
afterAll(async () => {
  if (url !== undefined) await dropPrefix(url, prefix)
})

async function started(queue: string, lockMs: string) {
  procs = await startWorkers(1, {
    DF_REDIS_URL: url,
    DF_PREFIX: prefix,
    DF_QUEUE: queue,
    DF_LOCK_MS: lockMs,
  })
  const executor = createBullmqExecutor({ connection: url, prefix, queue, timeoutMarginMs: 300 })
  cleanup.push(() => executor.close())
  const outcomes: TaskOutcome[] = []
  let resolve: (o: TaskOutcome) => void = () => {}
  const first = new Promise<TaskOutcome>((r) => {
    resolve = r
  })
  await executor.start({
    run: () => Promise.resolve({ status: 'success' }),
    onOutcome: (_d, o) => {
      outcomes.push(o)
      resolve(o)
    },
  })
  return { executor, outcomes, first }
}

describe.skipIf(url === undefined)('attempt timeouts on worker processes', () => {
  it('the worker aborts the signal at timeoutMs and reports a retryable timed-out failure', async () => {
    const { executor, first } = await started('t1', '5000')
    const t0 = Date.now()
    await executor.dispatch(slowDispatch(`to-${process.pid}-1`, 30_000, 800))
    const outcome = await first
    expect(outcome).toMatchObject({ status: 'failed', retryable: true, timedOut: true })
    expect(outcome.status === 'failed' && outcome.error.code).toBe('DF_TASK_TIMEOUT')
    expect(outcome.status === 'failed' && outcome.error.message).toMatch(/timed out after 800 ms/)
    expect(Date.now() - t0).toBeLessThan(10_000)
    await procs[0]!.waitFor((e) => e.type === 'attempt-end' && e.status === 'failed', 10_000)
  }, 60_000)

  it('a frozen worker (SIGSTOP): the engine backstop fails the attempt at timeoutMs + margin', async () => {
    const { executor, first } = await started('t2', '30000')
    const t0 = Date.now()
    await executor.dispatch(slowDispatch(`to-${process.pid}-2`, 30_000, 1500))
    await procs[0]!.waitFor((e) => e.type === 'attempt-start', 30_000)
    procs[0]!.child.kill('SIGSTOP')
    const outcome = await first
    expect(outcome).toMatchObject({ status: 'failed', retryable: true, timedOut: true })
    expect(outcome.status === 'failed' && outcome.error.message).toMatch(
      /sent no outcome within its 1500 ms timeout plus 300 ms/,
    )
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1500)
    expect(Date.now() - t0).toBeLessThan(15_000)
  }, 60_000)
})

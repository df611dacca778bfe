import { describe, expect, it } from 'vitest'
import {
  computeRetryDelay,
  createInProcessExecutor,
  createManualClock,
  NonRetryableError,
  Pipeline,
  resolveRetryPolicy,
  Task,
  type TaskCallbackInfo,
} from '../src/index.js'
import { deferred, history } from './helpers.js'

describe('retry delays', () => {
  it('computes fixed, exponential (multiplier), capped and jittered delays', () => {
    const fixed = resolveRetryPolicy('t', { retries: 3, retryDelay: 500 })
    expect([1, 2, 3].map((n) => computeRetryDelay(fixed, n))).toEqual([500, 500, 500])
    const exp = resolveRetryPolicy('t', {
      retries: 5,
      retryDelay: 1000,
      retryBackoff: 'exponential',
      retryMultiplier: 3,
      maxRetryDelay: 20_000,
    })
    expect([1, 2, 3, 4].map((n) => computeRetryDelay(exp, n))).toEqual([1000, 3000, 9000, 20_000])
    const jitter = resolveRetryPolicy('t', { retryDelay: 1000, retryJitter: 0.5 })
    expect(computeRetryDelay(jitter, 1, () => 0)).toBe(1000)
    expect(computeRetryDelay(jitter, 1, () => 0.999)).toBe(500)
  })
})

describe('retries in a run (fake clock, no real sleeps)', () => {
  it('retries with exponential backoff at the right times, recording every attempt', async () => {
    const clock = createManualClock(0)
    const startedAt: number[] = []
    const retries: TaskCallbackInfo[] = []
    const flaky = new Task({
      name: 'flaky',
      retries: 3,
      retryDelay: 1000,
      retryBackoff: 'exponential',
      onRetry: (info) => {
        retries.push(info)
      },
      run: (ctx) => {
        startedAt.push(clock.now())
        if (ctx.attempt < 3) throw new Error(`transient ${ctx.attempt}`)
        return { attempt: ctx.attempt }
      },
    })
    const other = new Task({ name: 'other', run: () => 'independent' })
    const p = new Pipeline('retry', { clock, executor: createInProcessExecutor({ clock }) })
    p.addTask(flaky, other)
    const done = p.run()
    await clock.flush()
    expect(startedAt).toEqual([0])
    // Waiting for the retry does not block other tasks.
    const mid = await history(p.backend).listRuns({ pipelineId: 'retry' })
    const tasks = await p.backend.getTasks(mid.items[0]!.id)
    expect(tasks.map((t) => [t.taskId, t.state])).toEqual([
      ['flaky', 'UP_FOR_RETRY'],
      ['other', 'SUCCESS'],
    ])
    expect(tasks[0]?.nextAttemptAt).toBe(1000)
    await clock.advance(999)
    expect(startedAt).toEqual([0])
    await clock.advance(1)
    expect(startedAt).toEqual([0, 1000])
    await clock.advance(2000) // second retry waits 2 × 1000
    expect(startedAt).toEqual([0, 1000, 3000])
    const run = await done
    expect(run.status).toBe('SUCCESS')
    expect(run.tasks.flaky).toMatchObject({ state: 'SUCCESS', attempt: 3, result: { attempt: 3 } })
    expect(retries.map((r) => [r.attempt, r.nextAttemptAt, r.error?.message])).toEqual([
      [1, 1000, 'transient 1'],
      [2, 3000, 'transient 2'],
    ])
    const attempts = await history(p.backend).listAttempts(run.id, 'flaky')
    expect(attempts.map((a) => [a.attempt, a.state, a.startedAt, a.endedAt])).toEqual([
      [1, 'FAILED', 0, 0],
      [2, 'FAILED', 1000, 1000],
      [3, 'SUCCESS', 3000, 3000],
    ])
    expect(attempts[0]?.error).toMatchObject({ message: 'transient 1', name: 'Error' })
    expect(attempts[0]?.error?.stack).toContain('transient 1')
  })

  it('fails at once on NonRetryableError and after the last retry otherwise', async () => {
    const clock = createManualClock(0)
    let calls = 0
    let failures: TaskCallbackInfo[] = []
    const fatal = new Task({
      name: 'fatal',
      retries: 5,
      run: () => {
        calls++
        throw new NonRetryableError('bad credentials')
      },
      onFailure: (info) => {
        failures.push(info)
      },
    })
    const p = new Pipeline('fatal', { clock, executor: createInProcessExecutor({ clock }) })
    const run = await p.addTask(fatal).run()
    expect(calls).toBe(1)
    expect(run.tasks.fatal).toMatchObject({ state: 'FAILED', attempt: 1 })
    expect(failures).toHaveLength(1)

    failures = []
    let tries = 0
    const always = new Task({
      name: 'always',
      retries: 2,
      retryDelay: 10,
      run: () => {
        tries++
        throw new Error('nope')
      },
    })
    const p2 = new Pipeline('exhaust', { clock, executor: createInProcessExecutor({ clock }) })
    const done = p2.addTask(always).run()
    await clock.advance(10)
    await clock.advance(10)
    const run2 = await done
    expect(tries).toBe(3)
    expect(run2.tasks.always).toMatchObject({ state: 'FAILED', attempt: 3 })
    expect(run2.status).toBe('FAILED')
  })

  it('times an attempt out: aborts ctx.signal, retries, then fails with DF_TASK_TIMEOUT', async () => {
    const clock = createManualClock(0)
    const aborted: unknown[] = []
    const hang = new Task({
      name: 'hang',
      timeoutMs: 5000,
      retries: 1,
      retryDelay: 100,
      run: (ctx) =>
        new Promise(() => {
          ctx.signal.addEventListener('abort', () => aborted.push(ctx.signal.reason))
        }),
    })
    const p = new Pipeline('timeout', { clock, executor: createInProcessExecutor({ clock }) })
    const done = p.addTask(hang).run()
    await clock.advance(5000)
    expect(aborted).toHaveLength(1)
    expect(aborted[0]).toMatchObject({ code: 'DF_TASK_TIMEOUT' })
    await clock.advance(100)
    await clock.advance(5000)
    const run = await done
    expect(run.tasks.hang).toMatchObject({ state: 'FAILED', attempt: 2 })
    expect(run.tasks.hang?.error).toMatchObject({ code: 'DF_TASK_TIMEOUT' })
    const attempts = await history(p.backend).listAttempts(run.id, 'hang')
    expect(attempts.map((a) => [a.attempt, a.state, a.startedAt, a.endedAt])).toEqual([
      [1, 'FAILED', 0, 5000],
      [2, 'FAILED', 5100, 10_100],
    ])
  })
})

describe('cancellation', () => {
  it('cancels a whole run with an AbortSignal: running attempts aborted, the rest CANCELLED', async () => {
    const started = deferred()
    let signalAborted = false
    const first = new Task({
      name: 'first',
      run: (ctx) =>
        new Promise((_resolve, reject) => {
          started.resolve()
          ctx.signal.addEventListener('abort', () => {
            signalAborted = true
            reject(ctx.signal.reason)
          })
        }),
    })
    const second = new Task({ name: 'second', run: () => 'never' })
    const cleanup = new Task({ name: 'cleanup', triggerRule: 'all_done', run: () => 'never' })
    first.setDownstream(second).setDownstream(cleanup)
    const controller = new AbortController()
    const done = new Pipeline('cancel')
      .addTask(first, second, cleanup)
      .run({ signal: controller.signal })
    await started.promise
    controller.abort()
    const run = await done
    expect(signalAborted).toBe(true)
    expect(run.status).toBe('CANCELLED')
    expect(run.message).toContain('cancelled by the run() signal')
    expect(Object.values(run.tasks).map((t) => t.state)).toEqual([
      'CANCELLED',
      'CANCELLED',
      'CANCELLED',
    ])
  })

  it('cancels by run id and cancels retry waits', async () => {
    const clock = createManualClock(0)
    const flaky = new Task({
      name: 'flaky',
      retries: 3,
      retryDelay: 60_000,
      run: () => {
        throw new Error('later')
      },
    })
    const p = new Pipeline('cancel-id', { clock, executor: createInProcessExecutor({ clock }) })
    const done = p.addTask(flaky).run()
    await clock.flush()
    const { items } = await history(p.backend).listRuns({ pipelineId: 'cancel-id' })
    expect(p.cancelRun(items[0]!.id, 'operator said stop')).toBe(true)
    const run = await done
    expect(run.status).toBe('CANCELLED')
    expect(run.tasks.flaky).toMatchObject({ state: 'CANCELLED', reason: 'operator said stop' })
    expect(p.cancelRun('nope')).toBe(false)
    // The retry timer was cleared: only the lease timer may remain, and it stops with the run.
    expect(clock.pendingTimers).toBe(0)
  })
})

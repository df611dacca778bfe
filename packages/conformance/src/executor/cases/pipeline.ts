/**
 * Cases through a real `Pipeline` on the executor: topological order, retries with backoff on the
 * engine's (fake) clock, NonRetryableError, and re-dispatch after an engine's lease expired
 * (at-least-once: a new attempt with a new idempotency key; the late outcome is ignored).
 */
import {
  createManualClock,
  NonRetryableError,
  OrchestrationError,
  Pipeline,
  requireBackendFeature,
  Task,
} from '@df/orchestration'
import { expect } from 'vitest'
import { defineExecutorCase, type ExecutorCase } from '../harness.js'

let seq = 0
const unique = (base: string) => `${base}-${process.pid}-${++seq}`

/** Steps (e.g. flushes a fake clock) until `cond` holds; 30 s of real time at most. */
async function until(cond: () => boolean, step: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 30_000
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('[@df/conformance] timed out waiting for the engine')
    await step()
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
}

/** Counts UP_FOR_RETRY events of a pipeline (emitted once the retry timer is armed). */
function retries(p: Pipeline): () => number {
  let n = 0
  p.on('event', (e) => {
    if (e.type === 'task' && e.state === 'UP_FOR_RETRY') n++
  })
  return () => n
}

export const pipelineCases: readonly ExecutorCase[] = [
  defineExecutorCase(
    'executor.order.topological',
    'starts every task only after all its upstream tasks ended (diamond + chain)',
    async (ctx) => {
      const log: string[] = []
      const make = (name: string) =>
        new Task({
          name,
          run: async () => {
            log.push(`start ${name}`)
            await new Promise((resolve) => setTimeout(resolve, 1))
            log.push(`end ${name}`)
          },
        })
      const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map(make) as [Task, Task, Task, Task, Task]
      a.setDownstream([b, c])
      d.setUpstream([b, c])
      d.setDownstream(e)
      const p = new Pipeline(unique('order'), {
        executor: await ctx.executor(4),
        backend: await ctx.backend(),
        maxWorkers: 4,
      })
      const run = await p.addTask(e, d, c, b, a).run()
      expect(run.status).toBe('SUCCESS')
      const at = (entry: string) => log.indexOf(entry)
      for (const [up, down] of [
        ['a', 'b'],
        ['a', 'c'],
        ['b', 'd'],
        ['c', 'd'],
        ['d', 'e'],
      ]) {
        expect(at(`end ${up}`)).toBeLessThan(at(`start ${down}`))
      }
    },
  ),

  defineExecutorCase(
    'executor.retry.backoff',
    'retries a retryable failure after the backoff delay, recording each attempt',
    async (ctx) => {
      const clock = createManualClock(1_000_000)
      const starts: number[] = []
      const flaky = new Task({
        name: 'flaky',
        retries: 2,
        retryDelay: 1000,
        retryBackoff: 'exponential',
        run: (c) => {
          starts.push(clock.now())
          if (c.attempt < 3) throw new Error(`transient ${c.attempt}`)
          return 'ok'
        },
      })
      const p = new Pipeline(unique('retry'), {
        clock,
        executor: await ctx.executor(2),
        backend: await ctx.backend(),
      })
      const retried = retries(p.addTask(flaky))
      const done = p.run()
      await until(
        () => retried() >= 1,
        () => clock.flush(),
      )
      await clock.advance(1000)
      await until(
        () => retried() >= 2,
        () => clock.flush(),
      )
      await clock.advance(2000)
      const run = await done
      expect(run.tasks.flaky).toMatchObject({ state: 'SUCCESS', attempt: 3, result: 'ok' })
      expect(starts).toEqual([1_000_000, 1_001_000, 1_003_000])
      const attempts = await requireBackendFeature(
        p.backend,
        'RunHistory',
        'executor.retry.backoff',
      ).listAttempts(run.id, 'flaky')
      expect(attempts.map((a) => [a.attempt, a.state])).toEqual([
        [1, 'FAILED'],
        [2, 'FAILED'],
        [3, 'SUCCESS'],
      ])
    },
  ),

  defineExecutorCase(
    'executor.retry.non-retryable',
    'fails at once on NonRetryableError whatever retries remain',
    async (ctx) => {
      let calls = 0
      const fatal = new Task({
        name: 'fatal',
        retries: 3,
        retryDelay: 0,
        run: () => {
          calls++
          throw new NonRetryableError('bad input')
        },
      })
      const p = new Pipeline(unique('fatal'), {
        executor: await ctx.executor(2),
        backend: await ctx.backend(),
      })
      const run = await p.addTask(fatal).run()
      expect(run.tasks.fatal).toMatchObject({ state: 'FAILED', attempt: 1 })
      expect(run.tasks.fatal?.error?.name).toBe('NonRetryableError')
      expect(calls).toBe(1)
    },
  ),

  defineExecutorCase(
    'executor.redelivery.after-lease-expiry',
    'after an engine lease expires, the attempt is re-dispatched with a new attempt number and idempotency key',
    async (ctx) => {
      const backend = await ctx.backend()
      const name = unique('redeliver')
      const keys: string[] = []
      let release: () => void = () => {}
      const hung = new Promise<void>((resolve) => {
        release = resolve
      })
      const build = (
        engine: string,
        clock: ReturnType<typeof createManualClock>,
        executor: Awaited<ReturnType<typeof ctx.executor>>,
      ) => {
        const t = new Task({
          name: 'work',
          retries: 1,
          retryDelay: 0,
          run: async (c) => {
            keys.push(`${engine}:${c.runId}/${c.taskId}/${c.attempt}`)
            if (engine === 'dead') await hung
            return engine
          },
        })
        return new Pipeline(name, {
          backend,
          clock,
          executor,
          engineId: engine,
          leaseMs: 10_000,
        }).addTask(t)
      }
      const deadClock = createManualClock(0)
      const dead = build('dead', deadClock, await ctx.executor(2))
      const abandoned = dead.run()
      await until(
        () => keys.length >= 1,
        () => deadClock.flush(),
      )
      // The engine dies once the attempt's start is stored (a remote executor's RUNNING mark
      // may be held a little, to fold with a quick outcome): recovery must then not rerun it.
      const runId = keys[0]!.slice('dead:'.length).split('/')[0]!
      let stored = false
      await until(
        () => stored,
        async () => {
          await deadClock.advance(50)
          stored = (await backend.getTasks(runId))[0]?.state === 'RUNNING'
        },
      )
      const liveClock = createManualClock(60_000)
      const live = build('live', liveClock, await ctx.executor(2))
      const retried = retries(live)
      const recovering = live.recover()
      await until(
        () => retried() >= 1,
        () => liveClock.flush(),
      )
      await liveClock.advance(1) // the dead attempt's retry (retryDelay 0) is due

      const [run] = await recovering
      expect(run?.tasks.work).toMatchObject({ state: 'SUCCESS', attempt: 2, result: 'live' })
      expect(keys).toEqual([`dead:${run!.id}/work/1`, `live:${run!.id}/work/2`])
      release()
      const late = await abandoned.catch((e: unknown) => e)
      expect(OrchestrationError.is(late) && late.code).toBe('DF_CONFLICT')
      expect((await backend.getTasks(run!.id))[0]).toMatchObject({
        state: 'SUCCESS',
        result: 'live',
      })
    },
  ),
]

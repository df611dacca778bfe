/**
 * The engine's write pattern: a task starts only once the outcomes that made it ready are
 * acknowledged by the backend, while tasks whose inputs are already stored keep the workers busy
 * meanwhile; updates of one task waiting in the same batch fold into one row update. Checked on
 * the real memory backend, observed (not replaced) through a wrapper that delays each write (or,
 * for a dead engine, never delivers it).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import {
  type Backend,
  createInProcessExecutor,
  createManualClock,
  createMemoryBackend,
  Pipeline,
  Task,
  type TaskUpdate,
} from '../src/index.js'
import { history } from './helpers.js'

/** The memory backend, with every `updateTasks` taking `delayMs` and its acknowledged SUCCESSes recorded. */
function observedBackend(delayMs: number): {
  backend: Backend
  durableSuccess: Set<string>
  updates: TaskUpdate[]
  batches: number
} {
  const inner = createMemoryBackend()
  const seen = { durableSuccess: new Set<string>(), updates: [] as TaskUpdate[], batches: 0 }
  const backend: Backend = Object.create(inner, {
    updateTasks: {
      value: async (updates: readonly TaskUpdate[]) => {
        seen.batches++
        seen.updates.push(...updates)
        await sleep(delayMs) // the write is "in flight": nothing in it is durable yet
        const results = await inner.updateTasks(updates)
        for (const u of updates) if (u.state === 'SUCCESS') seen.durableSuccess.add(u.taskId)
        return results
      },
    },
  })
  return {
    backend,
    durableSuccess: seen.durableSuccess,
    get updates() {
      return seen.updates
    },
    get batches() {
      return seen.batches
    },
  }
}

describe('durable before downstream', () => {
  it('never starts a task before its upstream SUCCESS is acknowledged, and keeps workers busy', async () => {
    const observed = observedBackend(5)
    const width = 8
    const depth = 6
    const violations: string[] = []
    const tasks: Task[] = []
    for (let layer = 0; layer < depth; layer++) {
      for (let i = 0; i < width; i++) {
        const upstream = layer > 0 ? [`t${layer - 1}_${i}`, `t${layer - 1}_${(i + 1) % width}`] : []
        const t = new Task({
          name: `t${layer}_${i}`,
          run: () => {
            for (const u of upstream) {
              if (!observed.durableSuccess.has(u)) violations.push(`t${layer}_${i} before ${u}`)
            }
          },
        })
        tasks.push(t)
        if (layer > 0) t.setUpstream(upstream.map((n) => tasks.find((x) => x.name === n)!))
      }
    }
    const pipeline = new Pipeline('durable', { backend: observed.backend, maxWorkers: 4 })
    pipeline.addTask(...tasks)
    const run = await pipeline.run()
    expect(run.status).toBe('SUCCESS')
    expect(violations).toEqual([])
    // Each layer's tasks run while the previous layer's write is in flight: about one batch per
    // layer, far fewer than one per task (48 tasks, 4 workers: 12+ batches if workers waited).
    expect(observed.batches).toBeLessThanOrEqual(3 * depth)
    await pipeline.close()
  })

  it('folds a task queued, started and finished within one batch into one update', async () => {
    const observed = observedBackend(2)
    const tasks = Array.from({ length: 40 }, (_, i) => new Task({ name: `n${i}`, run: () => i }))
    const pipeline = new Pipeline('folded', { backend: observed.backend, maxWorkers: 4 })
    pipeline.addTask(...tasks)
    const run = await pipeline.run()
    expect(run.status).toBe('SUCCESS')
    const perTask = new Map<string, number>()
    for (const u of observed.updates) perTask.set(u.taskId, (perTask.get(u.taskId) ?? 0) + 1)
    // Unfolded, a task waiting for a worker costs QUEUED + RUNNING + SUCCESS (36 × 3 + 4 × 2).
    expect(observed.updates.length).toBeLessThanOrEqual(2 * tasks.length)
    for (const t of Object.values(run.tasks)) {
      // The stored version counts the updates applied: the engine's predicted versions held.
      expect(t.version).toBe(1 + perTask.get(t.taskId)!)
      expect([t.state, t.attempt, t.result]).toEqual(['SUCCESS', 1, Number(t.taskId.slice(1))])
      expect(t.startedAt).toBeLessThanOrEqual(t.endedAt!)
    }
    const attempts = await history(observed.backend).listAttempts(run.id, 'n7')
    expect(attempts.map((a) => [a.attempt, a.state])).toEqual([[1, 'SUCCESS']])
    await pipeline.close()
  })

  it('keeps the attempt records of a failure and its immediate retry apart', async () => {
    const observed = observedBackend(2)
    let calls = 0
    const flaky = new Task({
      name: 'flaky',
      retries: 2,
      retryDelay: 0,
      run: () => {
        calls++
        if (calls < 3) throw new Error(`boom ${calls}`)
        return 'ok'
      },
    })
    const pipeline = new Pipeline('retry-fold', { backend: observed.backend })
    pipeline.addTask(flaky)
    const run = await pipeline.run()
    expect(run.status).toBe('SUCCESS')
    const attempts = await history(observed.backend).listAttempts(run.id, 'flaky')
    expect(attempts.map((a) => [a.attempt, a.state, a.error?.message])).toEqual([
      [1, 'FAILED', 'boom 1'],
      [2, 'FAILED', 'boom 2'],
      [3, 'SUCCESS', undefined],
    ])
    expect(run.tasks.flaky).toMatchObject({ state: 'SUCCESS', attempt: 3, result: 'ok' })
    await pipeline.close()
  })

  it('reruns an attempt whose RUNNING write never landed under the same attempt number', async () => {
    const store = createMemoryBackend()
    // The dead engine's writes never reach the store (it died with them in flight).
    const frozen: Backend = Object.create(store, {
      updateTasks: { value: () => new Promise(() => {}) },
      renewLeases: { value: () => new Promise(() => {}) },
    })
    const keys: string[] = []
    const build = (
      engine: string,
      backend: Backend,
      clock: ReturnType<typeof createManualClock>,
    ) => {
      const a = new Task({
        name: 'a',
        run: (ctx) => {
          keys.push(`${engine} ${ctx.runId}/a/${ctx.attempt}`)
          return 1
        },
      })
      const b = new Task({ name: 'b', run: (ctx) => ctx.get<number>('a') + 1 })
      a.setDownstream(b)
      return new Pipeline('unrecorded', {
        backend,
        clock,
        executor: createInProcessExecutor({ clock }),
        engineId: engine,
        leaseMs: 1000,
      }).addTask(a, b)
    }
    const deadClock = createManualClock(0)
    void build('dead', frozen, deadClock).run()
    await deadClock.flush()
    const [run] = (await store.listRuns({ pipelineId: 'unrecorded' })).items
    // 'a' ran (its inputs, the created run, were durable) but the store never heard of it.
    expect(keys).toEqual([`dead ${run!.id}/a/1`])
    expect((await store.getTasks(run!.id)).map((t) => [t.taskId, t.state, t.attempt])).toEqual([
      ['a', 'PENDING', 0],
      ['b', 'PENDING', 0],
    ])
    const [recovered] = await build('live', store, createManualClock(5000)).recover()
    expect(recovered?.status).toBe('SUCCESS')
    // The same attempt number, so the same idempotency key: at-least-once, recognisably.
    expect(keys).toEqual([`dead ${run!.id}/a/1`, `live ${run!.id}/a/1`])
    expect(recovered?.tasks.b?.result).toBe(2)
  })
})

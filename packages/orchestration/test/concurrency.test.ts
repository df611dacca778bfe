import { describe, expect, it } from 'vitest'
import { createMemoryBackend, definePool, Pipeline, Task } from '../src/index.js'
import { deferred, history, settle } from './helpers.js'

/** Tasks that block until released, tracking how many run at once. */
function gated(count: number, extra: { pool?: string; prefix?: string } = {}) {
  const gates = Array.from({ length: count }, () => deferred())
  const stats = { running: 0, max: 0, started: 0 }
  const tasks = gates.map(
    (gate, i) =>
      new Task({
        name: `${extra.prefix ?? 't'}${i}`,
        ...(extra.pool ? { pool: extra.pool } : {}),
        run: async () => {
          stats.running++
          stats.started++
          stats.max = Math.max(stats.max, stats.running)
          await gate.promise
          stats.running--
        },
      }),
  )
  const release = () => {
    for (const g of gates) g.resolve()
  }
  return { tasks, stats, release, gates }
}

describe('concurrency', () => {
  it('limits attempts per run with maxWorkers', async () => {
    const { tasks, stats, gates } = gated(6)
    const done = new Pipeline('workers', { maxWorkers: 2 }).addTask(...tasks).run()
    await settle()
    expect(stats).toMatchObject({ running: 2, started: 2 })
    for (const g of gates) {
      g.resolve()
      await settle()
    }
    expect((await done).status).toBe('SUCCESS')
    expect(stats.max).toBe(2)
  })

  it('shares pool slots across pipelines; waiting tasks stay QUEUED', async () => {
    definePool('warehouse', 2)
    const one = gated(3, { pool: 'warehouse', prefix: 'a' })
    const two = gated(3, { pool: 'warehouse', prefix: 'b' })
    const backend = createMemoryBackend()
    const p1 = new Pipeline('pool-1', { backend }).addTask(...one.tasks)
    const p2 = new Pipeline('pool-2', { backend }).addTask(...two.tasks)
    const runs = [p1.run(), p2.run()]
    await settle()
    expect(one.stats.running + two.stats.running).toBe(2)
    const queued = (
      await Promise.all((await backend.listRuns({})).items.map((r) => backend.getTasks(r.id)))
    )
      .flat()
      .filter((t) => t.state === 'QUEUED')
    expect(queued).toHaveLength(4)
    one.release()
    two.release()
    for (let i = 0; i < 6; i++) await settle()
    expect((await Promise.all(runs)).map((r) => r.status)).toEqual(['SUCCESS', 'SUCCESS'])
    expect(one.stats.max + two.stats.max).toBeLessThanOrEqual(4)
  })

  it('queues runs beyond maxActiveRuns until a slot frees', async () => {
    const gate = deferred()
    let active = 0
    let maxActive = 0
    const p = new Pipeline('active', { maxActiveRuns: 1 }).addTask(
      new Task({
        name: 'work',
        run: async () => {
          active++
          maxActive = Math.max(maxActive, active)
          await gate.promise
          active--
        },
      }),
    )
    const first = p.run()
    const second = p.run()
    await settle()
    const statuses = (await history(p.backend).listRuns({ pipelineId: 'active' })).items.map(
      (r) => r.status,
    )
    expect(statuses.sort()).toEqual(['QUEUED', 'RUNNING'])
    gate.resolve()
    const results = await Promise.all([first, second])
    expect(results.map((r) => r.status)).toEqual(['SUCCESS', 'SUCCESS'])
    expect(maxActive).toBe(1)
    expect(results[1]!.startedAt!).toBeGreaterThanOrEqual(results[0]!.endedAt!)
  })

  it('cancels a queued run without starting it', async () => {
    const gate = deferred()
    const p = new Pipeline('queued-cancel', { maxActiveRuns: 1 }).addTask(
      new Task({ name: 'work', run: () => gate.promise }),
    )
    const first = p.run()
    const controller = new AbortController()
    const second = p.run({ signal: controller.signal })
    await settle()
    controller.abort()
    const cancelled = await second
    expect(cancelled.status).toBe('CANCELLED')
    expect(cancelled.message).toContain('Cancelled while queued')
    gate.resolve()
    expect((await first).status).toBe('SUCCESS')
  })
})

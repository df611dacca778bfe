/**
 * The base Sensor on the engine with a manual clock: poke and reschedule modes, backoff, the
 * timeout counted from the first poke, soft fail, and reschedules not using up retries.
 * No real sleeps: time moves only with `clock.advance`.
 */

import {
  createInProcessExecutor,
  createManualClock,
  definePool,
  Pipeline,
  RescheduleTaskError,
  Task,
  type TaskEvent,
} from '@df/orchestration'
import { describe, expect, it } from 'vitest'
import { Sensor } from '../../src/sensors/sensor.js'
import { history } from '../history.js'

function pipeline(name: string, maxWorkers = 4) {
  const clock = createManualClock(0)
  const p = new Pipeline(name, { clock, maxWorkers, executor: createInProcessExecutor({ clock }) })
  const events: TaskEvent[] = []
  p.on('event', (e) => {
    if (e.type === 'task') events.push(e)
  })
  return { clock, p, events }
}

describe('Sensor', () => {
  it('poke mode sleeps on the engine clock between pokes and passes its value on', async () => {
    const { clock, p } = pipeline('poke_mode')
    const pokedAt: number[] = []
    const s = new Sensor({
      name: 's',
      pokeInterval: 1000,
      poke: (ctx) => {
        pokedAt.push(ctx.now())
        return pokedAt.length === 3 ? { found: 'it' } : false
      },
    })
    p.addTask(s)
    const done = p.run()
    await clock.flush()
    expect(pokedAt).toEqual([0])
    await clock.advance(999)
    expect(pokedAt).toEqual([0])
    await clock.advance(1)
    expect(pokedAt).toEqual([0, 1000])
    await clock.advance(1000)
    const run = await done
    expect(run.status).toBe('SUCCESS')
    // One attempt held the slot the whole time.
    expect(run.tasks.s).toMatchObject({ state: 'SUCCESS', attempt: 1, result: { found: 'it' } })
    expect(pokedAt).toEqual([0, 1000, 2000])
    const [attempt] = await history(p.backend).listAttempts(run.id, 's')
    expect(attempt?.log).toContain('Sensor condition not met (poke 1); next poke in 1000 ms.')
    expect(attempt?.log).toContain('Sensor condition met on poke 3.')
  })

  it('reschedule mode frees the slot between pokes (another task runs with maxWorkers 1)', async () => {
    const { clock, p, events } = pipeline('resched', 1)
    let flag = false
    const s = new Sensor({ name: 's', mode: 'reschedule', pokeInterval: 5000, poke: () => flag })
    const other = new Task({
      name: 'other',
      run: (ctx) => {
        flag = true
        return ctx.now()
      },
    })
    p.addTask(s, other)
    const done = p.run()
    await clock.flush()
    // The sensor poked first, gave its only worker slot back, and `other` ran meanwhile.
    const states = events.map((e) => `${e.taskId}:${e.state}`)
    expect(states).toEqual([
      's:RUNNING',
      'other:QUEUED',
      's:UP_FOR_RESCHEDULE',
      'other:RUNNING',
      'other:SUCCESS',
    ])
    expect(events[2]?.nextAttemptAt).toBe(5000)
    await clock.advance(5000)
    const run = await done
    expect(run.status).toBe('SUCCESS')
    expect(run.tasks.s).toMatchObject({ state: 'SUCCESS', attempt: 2, startedAt: 0 })
    const attempts = await history(p.backend).listAttempts(run.id, 's')
    expect(attempts.map((a) => [a.attempt, a.state, a.startedAt])).toEqual([
      [1, 'UP_FOR_RESCHEDULE', 0],
      [2, 'SUCCESS', 5000],
    ])
  })

  it('poke mode holds the slot: with maxWorkers 1 the other task waits until the sensor ends', async () => {
    const { clock, p, events } = pipeline('hold', 1)
    const s = new Sensor({
      name: 's',
      pokeInterval: 1000,
      timeout: 2000,
      softFail: true,
      poke: () => false,
    })
    const other = new Task({ name: 'other', run: (ctx) => ctx.now() })
    p.addTask(s, other)
    const done = p.run()
    await clock.advance(1000)
    expect(events.filter((e) => e.taskId === 'other' && e.state === 'RUNNING')).toEqual([])
    await clock.advance(1000)
    const run = await done
    // Soft fail: SKIPPED on timeout, and the pipeline goes on.
    expect(run.tasks.s).toMatchObject({ state: 'SKIPPED', attempt: 1 })
    expect(run.tasks.s?.reason).toContain('timed out')
    expect(run.tasks.other).toMatchObject({ state: 'SUCCESS', result: 2000 })
  })

  it('times out counting from the first poke across reschedules, without retries', async () => {
    const { clock, p, events } = pipeline('timeout')
    let pokes = 0
    const s = new Sensor({
      name: 's',
      mode: 'reschedule',
      pokeInterval: 1000,
      exponentialBackoff: true,
      maxPokeInterval: 4000,
      timeout: 10_000,
      retries: 3,
      poke: () => {
        pokes++
        return false
      },
    })
    p.addTask(s)
    const done = p.run()
    for (let i = 0; i < 12; i++) await clock.advance(1000)
    const run = await done
    expect(run.status).toBe('FAILED')
    // Backoff 1000, 2000, 4000, then capped at 4000 but cut to the 10 s left: pokes at 0, 1, 3, 7, 10 s.
    const waits = events.filter((e) => e.state === 'UP_FOR_RESCHEDULE').map((e) => e.nextAttemptAt)
    expect(waits).toEqual([1000, 3000, 7000, 10_000])
    expect(pokes).toBe(5)
    expect(run.tasks.s).toMatchObject({ state: 'FAILED', attempt: 5, startedAt: 0 })
    expect(run.tasks.s?.error).toMatchObject({
      name: 'SensorTimeoutError',
      code: 'DF_TASK_TIMEOUT',
    })
    expect(events.some((e) => e.state === 'UP_FOR_RETRY')).toBe(false)
  })

  it('a poke error fails at once (never "not yet") and reschedules do not use up retries', async () => {
    const { clock, p, events } = pipeline('errors')
    let pokes = 0
    const s = new Sensor({
      name: 's',
      mode: 'reschedule',
      pokeInterval: 1000,
      retries: 1,
      retryDelay: 500,
      poke: () => {
        pokes++
        if (pokes === 4) throw new Error('boom on poke 4')
        return pokes === 5
      },
    })
    p.addTask(s)
    const done = p.run()
    for (let i = 0; i < 3; i++) await clock.advance(1000)
    // Attempt 4 failed; with 3 reschedules before it, it is the first try: one retry is left.
    expect(events.at(-1)).toMatchObject({ state: 'UP_FOR_RETRY', attempt: 4, nextAttemptAt: 3500 })
    expect(events.at(-1)?.error?.message).toBe('boom on poke 4')
    await clock.advance(500)
    const run = await done
    expect(run.tasks.s).toMatchObject({ state: 'SUCCESS', attempt: 5 })
  })

  it('a failing poke with no retries left fails the task on the first poke', async () => {
    const { p } = pipeline('fail_fast')
    let pokes = 0
    const s = new Sensor({
      name: 's',
      pokeInterval: 1000,
      poke: () => {
        pokes++
        throw new Error('bad query')
      },
    })
    p.addTask(s)
    const run = await p.run()
    expect(pokes).toBe(1)
    expect(run.tasks.s).toMatchObject({ state: 'FAILED', attempt: 1 })
  })

  it('RescheduleTaskError from any task frees its pool slot until it is due', async () => {
    const { clock, p, events } = pipeline('resched_pool')
    definePool('sensor_test_pool', 1)
    const first = new Task({
      name: 'first',
      pool: 'sensor_test_pool',
      run: (ctx) => {
        if (ctx.attempt === 1) throw new RescheduleTaskError(ctx.now() + 100)
        return ctx.taskStartedAt
      },
    })
    const second = new Task({ name: 'second', pool: 'sensor_test_pool', run: (ctx) => ctx.now() })
    p.addTask(first, second)
    const done = p.run()
    await clock.flush()
    expect(events.filter((e) => e.taskId === 'second').map((e) => e.state)).toContain('SUCCESS')
    await clock.advance(100)
    const run = await done
    // taskStartedAt is the first attempt's start, not the second's.
    expect(run.tasks.first).toMatchObject({ state: 'SUCCESS', attempt: 2, result: 0 })
  })

  it('ctx.sleep rejects when the run is cancelled, ending a poke-mode sensor at once', async () => {
    const { clock, p } = pipeline('sleep_cancel')
    let pokes = 0
    const s = new Sensor({
      name: 's',
      pokeInterval: 60_000,
      poke: () => {
        pokes++
        return false
      },
    })
    p.addTask(s)
    const done = p.run()
    await clock.flush()
    const [run0] = (await history(p.backend).listRuns({ pipelineId: 'sleep_cancel' })).items
    expect(p.cancelRun(run0?.id as string)).toBe(true)
    const run = await done
    expect(run.tasks.s?.state).toBe('CANCELLED')
    await clock.advance(120_000)
    expect(pokes).toBe(1)
  })

  it('rejects bad options', () => {
    const poke = () => true
    expect(() => new Sensor({ name: 'x', poke, mode: 'wait' as never })).toThrow(/mode must be/)
    expect(() => new Sensor({ name: 'x', poke, pokeInterval: -1 })).toThrow(/pokeInterval/)
    expect(() => new Sensor({ name: 'x', poke, timeout: 0 })).toThrow(/timeout/)
  })
})

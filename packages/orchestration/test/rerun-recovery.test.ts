import { describe, expect, it } from 'vitest'
import {
  createInProcessExecutor,
  createManualClock,
  createMemoryBackend,
  OrchestrationError,
  Pipeline,
  Task,
} from '../src/index.js'
import { deferred, states } from './helpers.js'

describe('rerun', () => {
  it('reruns from failed: keeps successes with their results, re-executes the failed part', async () => {
    const calls: string[] = []
    let loadWorks = false
    const build = (p: Pipeline) => {
      const extract = new Task({
        name: 'extract',
        run: () => {
          calls.push('extract')
          return { table: 'staging.orders' }
        },
      })
      const side = new Task({ name: 'side', run: () => calls.push('side') })
      const load = new Task({
        name: 'load',
        run: (ctx) => {
          calls.push('load')
          if (!loadWorks) throw new Error('warehouse down')
          return {
            from: ctx.get<{ table: string }>('extract')?.table ?? null,
            region: ctx.params.region ?? null,
          }
        },
      })
      const report = new Task({ name: 'report', run: () => calls.push('report') })
      extract.setDownstream(load).setDownstream(report)
      return p.addTask(extract, side, load, report)
    }
    const p = build(new Pipeline('rerun'))
    const first = await p.run({ params: { region: 'eu' } })
    expect(states(first)).toEqual({
      extract: 'SUCCESS',
      side: 'SUCCESS',
      load: 'FAILED',
      report: 'UPSTREAM_FAILED',
    })
    expect(calls).toEqual(['extract', 'side', 'load'])

    calls.length = 0
    loadWorks = true
    const second = await p.rerun(first.id)
    expect(calls).toEqual(['load', 'report'])
    expect(second).toMatchObject({
      status: 'SUCCESS',
      trigger: 'rerun',
      rerunOf: first.id,
      params: { region: 'eu' },
    })
    expect(second.id).not.toBe(first.id)
    expect(second.tasks.extract).toMatchObject({
      state: 'SUCCESS',
      result: { table: 'staging.orders' },
    })
    expect(second.tasks.extract?.reason).toContain(`Copied from run ${first.id}`)
    expect(second.tasks.load?.result).toEqual({ from: 'staging.orders', region: 'eu' })
    // The result (built from the rows each update returned, copied tasks included) is the store's.
    expect(first).toStrictEqual(await p.getRun(first.id))
    expect(second).toStrictEqual(await p.getRun(second.id))

    calls.length = 0
    const third = await p.rerun(second.id, { from: 'load' })
    expect(calls).toEqual(['load', 'report'])
    expect(third.status).toBe('SUCCESS')
    await expect(p.rerun(second.id, { from: 'nope' })).rejects.toMatchObject({
      code: 'DF_OPTION_INVALID',
    })
    await expect(p.rerun('missing')).rejects.toMatchObject({ code: 'DF_NOT_FOUND' })
  })
})

describe('recovery after an engine died', () => {
  it('takes over an expired-lease run, fails the dead attempt with a clear error, retries it and keeps successes', async () => {
    const backend = createMemoryBackend()
    const calls: string[] = []
    const hung = deferred()
    const build = (name: string, opts: ConstructorParameters<typeof Pipeline>[1]) => {
      const a = new Task({
        name: 'a',
        run: () => {
          calls.push(`a@${name}`)
          return 'a-result'
        },
      })
      const b = new Task({
        name: 'b',
        retries: 1,
        retryDelay: 0,
        run: async (ctx) => {
          calls.push(`b@${name}#${ctx.attempt}`)
          if (name === 'dead') await hung.promise // engine 1 "dies" with b running
          return `b saw ${ctx.get('a')}`
        },
      })
      const c = new Task({ name: 'c', run: (ctx) => `c saw ${ctx.get('b')}` })
      a.setDownstream(b).setDownstream(c)
      return new Pipeline('recoverable', opts).addTask(a, b, c)
    }
    // Engine 1: its clock never moves again (the process is gone), so it never renews.
    const deadClock = createManualClock(0)
    const dead = build('dead', {
      backend,
      clock: deadClock,
      executor: createInProcessExecutor({ clock: deadClock }),
      engineId: 'engine-1',
      leaseMs: 30_000,
    })
    const abandoned = dead.run()
    await deadClock.flush()
    const [stuck] = (await backend.listRuns({ pipelineId: 'recoverable' })).items
    expect(stuck).toMatchObject({ status: 'RUNNING', owner: 'engine-1', leaseExpiresAt: 30_000 })

    // Engine 2, later: the lease has expired.
    const liveClock = createManualClock(60_000)
    const live = build('live', {
      backend,
      clock: liveClock,
      executor: createInProcessExecutor({ clock: liveClock }),
      engineId: 'engine-2',
    })
    const recovering = live.recover()
    await liveClock.advance(1) // the retry of the dead attempt is due at once (retryDelay 0)
    const [recovered] = await recovering
    expect(recovered).toMatchObject({ id: stuck!.id, status: 'SUCCESS' })
    expect(states(recovered!)).toEqual({ a: 'SUCCESS', b: 'SUCCESS', c: 'SUCCESS' })
    expect(recovered!.tasks.c?.result).toBe('c saw b saw a-result')
    expect(calls).toEqual(['a@dead', 'b@dead#1', 'b@live#2']) // a not re-executed
    const attempts = await backend.listAttempts(stuck!.id, 'b')
    expect(attempts.map((x) => [x.attempt, x.state])).toEqual([
      [1, 'FAILED'],
      [2, 'SUCCESS'],
    ])
    expect(attempts[0]?.error?.message).toContain('engine lease expired (process died?)')
    expect(recovered!.owner).toBeUndefined()
    expect(recovered!.tasks.b?.error).toBeUndefined() // cleared by the successful retry

    // The dead engine wakes up: its late outcome loses the compare-and-set and it stops.
    hung.resolve()
    const late = await abandoned.catch((e: unknown) => e)
    expect(OrchestrationError.is(late) && late.code).toBe('DF_CONFLICT')
    expect((await backend.getRun(stuck!.id))?.status).toBe('SUCCESS')
    expect(await live.recover()).toEqual([])
  })

  it('renews its lease while a run is long, so nobody takes it over', async () => {
    const backend = createMemoryBackend()
    const clock = createManualClock(0)
    const gate = deferred()
    const p = new Pipeline('long', {
      backend,
      clock,
      executor: createInProcessExecutor({ clock }),
      leaseMs: 30_000,
      engineId: 'e1',
    })
    p.addTask(new Task({ name: 'slow', run: () => gate.promise }))
    const done = p.run()
    await clock.advance(120_000)
    const [run] = (await backend.listRuns({})).items
    expect(run).toMatchObject({ owner: 'e1', status: 'RUNNING' })
    expect(run!.leaseExpiresAt!).toBeGreaterThan(120_000)
    const other = await backend.claimRuns({
      owner: 'e2',
      now: 120_000,
      leaseExpiresAt: 150_000,
      limit: 10,
    })
    expect(other).toEqual([])
    gate.resolve()
    expect((await done).status).toBe('SUCCESS')
    expect(clock.pendingTimers).toBe(0) // the renewal timer stops with the last run
  })

  it('recovers expired runs in the background when run() is called with recoverOnRun', async () => {
    const backend = createMemoryBackend()
    const deadClock = createManualClock(0)
    const never = new Promise<void>(() => {})
    const dead = new Pipeline('auto', {
      backend,
      clock: deadClock,
      executor: createInProcessExecutor({ clock: deadClock }),
      engineId: 'dead',
    }).addTask(new Task({ name: 'step', retries: 1, retryDelay: 0, run: () => never }))
    void dead.run().catch(() => {})
    await deadClock.flush()
    const liveClock = createManualClock(100_000)
    const live = new Pipeline('auto', {
      backend,
      clock: liveClock,
      executor: createInProcessExecutor({ clock: liveClock }),
      engineId: 'live',
      recoverOnRun: true,
    }).addTask(new Task({ name: 'step', retries: 1, retryDelay: 0, run: () => 'done' }))
    const fresh = live.run()
    await liveClock.advance(1)
    expect((await fresh).status).toBe('SUCCESS')
    const runs = (await backend.listRuns({ pipelineId: 'auto' })).items
    // Both the fresh run and the dead engine's run (retried: attempt 2) ended.
    expect(runs.map((r) => r.status)).toEqual(['SUCCESS', 'SUCCESS'])
    const tasks = await Promise.all(runs.map((r) => backend.getTasks(r.id)))
    expect(tasks.map((t) => t[0]?.attempt).sort()).toEqual([1, 2])
    expect(runs.every((r) => r.owner === undefined)).toBe(true)
  })

  it('close() waits for the runs recoverOnRun took over (a CLI must not exit first)', async () => {
    const backend = createMemoryBackend()
    const deadClock = createManualClock(0)
    const never = new Promise<void>(() => {})
    const dead = new Pipeline('auto-close', {
      backend,
      clock: deadClock,
      executor: createInProcessExecutor({ clock: deadClock }),
      engineId: 'dead',
    }).addTask(new Task({ name: 'step', retries: 1, retryDelay: 0, run: () => never }))
    void dead.run().catch(() => {})
    await deadClock.flush()
    const gate = deferred<void>()
    const liveClock = createManualClock(100_000)
    const live = new Pipeline('auto-close', {
      backend,
      clock: liveClock,
      executor: createInProcessExecutor({ clock: liveClock }),
      engineId: 'live',
      recoverOnRun: true,
    }).addTask(
      new Task({
        name: 'step',
        retries: 1,
        retryDelay: 0,
        // Attempt 2 is the dead run's retry: it finishes only when the gate opens.
        run: async (ctx) => (ctx.attempt === 2 ? gate.promise.then(() => 'recovered') : 'fresh'),
      }),
    )
    const fresh = live.run()
    await liveClock.advance(1)
    expect((await fresh).status).toBe('SUCCESS')
    let closed = false
    const closing = live.close().then(() => {
      closed = true
    })
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(closed).toBe(false)
    gate.resolve()
    await liveClock.advance(1)
    await closing
    const runs = (await backend.listRuns({ pipelineId: 'auto-close' })).items
    expect(runs.map((r) => r.status)).toEqual(['SUCCESS', 'SUCCESS'])
  })

  it("also takes over a dead engine's QUEUED runs (leased while they wait)", async () => {
    const backend = createMemoryBackend()
    const deadClock = createManualClock(0)
    const never = new Promise<void>(() => {})
    const dead = new Pipeline('queued-recovery', {
      backend,
      clock: deadClock,
      executor: createInProcessExecutor({ clock: deadClock }),
      engineId: 'dead',
      maxActiveRuns: 1,
    }).addTask(new Task({ name: 'step', run: () => never }))
    void dead.run().catch(() => {})
    void dead.run().catch(() => {})
    await deadClock.flush()
    const before = (await backend.listRuns({ pipelineId: 'queued-recovery' })).items
    expect(before.map((r) => [r.status, r.owner]).sort()).toEqual([
      ['QUEUED', 'dead'],
      ['RUNNING', 'dead'],
    ])
    const liveClock = createManualClock(100_000)
    const live = new Pipeline('queued-recovery', {
      backend,
      clock: liveClock,
      executor: createInProcessExecutor({ clock: liveClock }),
      engineId: 'live',
    }).addTask(new Task({ name: 'step', run: () => 'done' }))
    const recovered = await live.recover()
    const byStatus = Object.fromEntries(recovered.map((r) => [r.status, r]))
    // The running run's attempt died with its engine (no retries left); the queued one runs.
    expect(Object.keys(byStatus).sort()).toEqual(['FAILED', 'SUCCESS'])
    expect(byStatus.FAILED?.tasks.step?.error?.message).toContain('engine lease expired')
    expect(byStatus.SUCCESS?.tasks.step).toMatchObject({
      state: 'SUCCESS',
      attempt: 1,
      result: 'done',
    })
    const after = (await backend.listRuns({ pipelineId: 'queued-recovery' })).items
    expect(after.every((r) => r.owner === undefined && r.status !== 'QUEUED')).toBe(true)
  })
})

import { describe, expect, it } from 'vitest'
import {
  chain,
  Pipeline,
  type PipelineEvent,
  SkipTaskError,
  Task,
  type TaskOptions,
} from '../src/index.js'
import { deferred, history, states } from './helpers.js'

const ok = (name: string, extra: Partial<TaskOptions> = {}) =>
  new Task({ name, run: async () => name, ...extra })
const boom = (name: string, extra: Partial<TaskOptions> = {}) =>
  new Task({
    name,
    run: async () => {
      throw new Error(`${name} broke`)
    },
    ...extra,
  })

describe('real graphs', () => {
  it('cascades a failure: A fails → B (all_success) UPSTREAM_FAILED → C (one_failed) runs', async () => {
    const a = boom('A')
    const b = ok('B')
    const c = ok('C', { triggerRule: 'one_failed' })
    a.setDownstream(b).setDownstream(c)
    const run = await new Pipeline('cascade').addTask(a, b, c).run()
    expect(states(run)).toEqual({ A: 'FAILED', B: 'UPSTREAM_FAILED', C: 'SUCCESS' })
    expect(run.tasks.A?.error?.message).toBe('A broke')
    expect(run.tasks.A?.error?.stack).toContain('A broke')
    expect(run.tasks.B?.reason).toContain('upstream task failed')
    // Leaf-based outcome: the only leaf (C) succeeded.
    expect(run.status).toBe('SUCCESS')
    expect(run.message).toContain('1 failed (A)')
  })

  it('joins branches with none_failed_min_one_success after a skipped branch', async () => {
    const start = ok('start')
    const left = new Task({
      name: 'left',
      run: () => {
        throw new SkipTaskError('not today')
      },
    })
    const leftChild = ok('left_child')
    const right = ok('right')
    const join = new Task({
      name: 'join',
      triggerRule: 'none_failed_min_one_success',
      run: async (ctx) => [ctx.get('right'), ctx.get('left_child') ?? null],
    })
    const badJoin = ok('bad_join') // all_success: skipped because a branch was skipped
    start.setDownstream([left, right])
    left.setDownstream(leftChild).setDownstream([join, badJoin])
    right.setDownstream([join, badJoin])
    const run = await new Pipeline('branch')
      .addTask(start, left, leftChild, right, join, badJoin)
      .run()
    expect(states(run)).toEqual({
      start: 'SUCCESS',
      left: 'SKIPPED',
      left_child: 'SKIPPED',
      right: 'SUCCESS',
      join: 'SUCCESS',
      bad_join: 'SKIPPED',
    })
    expect(run.tasks.left?.reason).toBe('not today')
    expect(run.tasks.join?.result).toEqual(['right', null])
    expect(run.status).toBe('SUCCESS')
  })

  it('fires a one_failed alert before the other upstreams finish', async () => {
    const slow = deferred()
    const alertRan = deferred()
    const events: string[] = []
    const failing = boom('failing')
    const slowTask = new Task({
      name: 'slow',
      run: async () => {
        await slow.promise
        events.push('slow done')
      },
    })
    const alert = new Task({
      name: 'alert',
      triggerRule: 'one_failed',
      run: async () => {
        events.push('alert ran')
        alertRan.resolve()
      },
    })
    alert.setUpstream([failing, slowTask])
    const running = new Pipeline('alert').addTask(failing, slowTask, alert).run()
    await alertRan.promise // would hang if the alert waited for `slow`
    slow.resolve()
    const run = await running
    expect(events).toEqual(['alert ran', 'slow done'])
    expect(states(run)).toEqual({ failing: 'FAILED', slow: 'SUCCESS', alert: 'SUCCESS' })
  })

  it('runs an all_done cleanup after a failure; a failed leaf fails the run', async () => {
    const load = boom('load')
    const report = ok('report')
    const cleanup = ok('cleanup', { triggerRule: 'all_done' })
    load.setDownstream([report, cleanup])
    const run = await new Pipeline('cleanup').addTask(load, report, cleanup).run()
    expect(states(run)).toEqual({ load: 'FAILED', report: 'UPSTREAM_FAILED', cleanup: 'SUCCESS' })
    expect(run.status).toBe('FAILED')
    expect(run.message).toBe('1 task failed: load.')
  })

  it('propagates UPSTREAM_FAILED transitively and skips one_failed when nothing failed', async () => {
    const a = ok('a')
    const b = ok('b')
    const c = ok('c')
    const onFail = ok('on_fail', { triggerRule: 'one_failed' })
    a.setDownstream(b).setDownstream(c).setDownstream(onFail)
    const run = await new Pipeline('noalert').addTask(a, b, c, onFail).run()
    expect(run.tasks.on_fail?.state).toBe('SKIPPED')
    expect(run.status).toBe('SUCCESS')

    const x = boom('x')
    const y = ok('y')
    const z = ok('z')
    x.setDownstream(y).setDownstream(z)
    const failed = await new Pipeline('transitive').addTask(x, y, z).run()
    expect(states(failed)).toEqual({ x: 'FAILED', y: 'UPSTREAM_FAILED', z: 'UPSTREAM_FAILED' })
    expect(failed.status).toBe('FAILED')
  })

  it('passes upstream results through ctx.get and rejects non-upstream reads', async () => {
    const a = new Task({ name: 'a', run: () => ({ table: 'staging.orders' }) })
    const b = new Task({ name: 'b', run: (ctx) => ctx.get('a') })
    const c = new Task({ name: 'c', run: (ctx) => ctx.get('a') }) // transitive via b
    const lone = new Task({ name: 'lone', run: (ctx) => ctx.get('a') })
    a.setDownstream(b).setDownstream(c)
    const run = await new Pipeline('ctx', { maxWorkers: 1 }).addTask(a, b, c, lone).run()
    expect(run.tasks.c?.result).toEqual({ table: 'staging.orders' })
    expect(run.tasks.lone?.state).toBe('FAILED')
    expect(run.tasks.lone?.error?.message).toContain("'a' is not upstream of 'lone'")
  })

  it('emits one ordered event stream of run, task and log events', async () => {
    const a = new Task({
      name: 'a',
      run: (ctx) => {
        ctx.log.info('hello')
        return 1
      },
    })
    const b = ok('b')
    a.setDownstream(b)
    const p = new Pipeline('events').addTask(a, b)
    const events: PipelineEvent[] = []
    const off = p.on('event', (e) => events.push(e))
    const run = await p.run()
    off()
    const summary = events.map((e) =>
      e.type === 'run'
        ? `run ${e.state}`
        : e.type === 'task'
          ? `${e.taskId} ${e.state}`
          : `log ${e.message}`,
    )
    expect(summary).toEqual([
      'run RUNNING',
      'a RUNNING',
      'log hello',
      'a SUCCESS',
      'b RUNNING',
      'b SUCCESS',
      'run SUCCESS',
    ])
    const done = events.find((e) => e.type === 'task' && e.taskId === 'a' && e.state === 'SUCCESS')
    expect(done).toMatchObject({ runId: run.id, attempt: 1, durationMs: expect.any(Number) })
    const attempts = await history(p.backend).listAttempts(run.id, 'a')
    expect(attempts[0]).toMatchObject({ attempt: 1, state: 'SUCCESS' })
    expect(attempts[0]?.log).toMatch(/INFO hello$/)
  })

  it('draws the DAG as Mermaid, coloured by a run', async () => {
    const a = ok('extract "users"')
    const b = ok('load', { triggerRule: 'all_done' })
    a.setDownstream(b)
    const p = new Pipeline('viz').addTask(a, b)
    expect(p.visualize()).toBe(
      [
        'graph TD',
        '  t0["extract #quot;users#quot;"]',
        '  t1["load<br/><small>all_done</small>"]',
        '  t0 --> t1',
      ].join('\n'),
    )
    const run = await p.run()
    expect(p.visualize(run)).toContain('style t1 fill:#c8e6c9')
  })

  it('chains steps with chain(a, [b, c], d)', async () => {
    const order: string[] = []
    const mk = (name: string) => new Task({ name, run: () => void order.push(name) })
    const [a, b, c, d] = [mk('a'), mk('b'), mk('c'), mk('d')]
    expect(chain(a, [b, c], d)).toBe(d)
    expect([...d.upstream].map((t) => t.name)).toEqual(['b', 'c'])
    const run = await new Pipeline('chain', { maxWorkers: 1, scheduling: 'fifo' })
      .addTask(d, c, b, a)
      .run()
    expect(run.status).toBe('SUCCESS')
    expect(order[0]).toBe('a')
    expect(order[3]).toBe('d')
  })
})

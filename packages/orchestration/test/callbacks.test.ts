import { expect, it } from 'vitest'
import {
  createInProcessExecutor,
  createManualClock,
  Pipeline,
  type PipelineEvent,
  type RunResult,
  Task,
  type TaskCallbackInfo,
} from '../src/index.js'
import { history } from './helpers.js'

it('calls task and pipeline callbacks; a throwing callback is reported, never changes the run', async () => {
  const clock = createManualClock(0)
  const seen: string[] = []
  const runs: RunResult[] = []
  const retried: TaskCallbackInfo[] = []
  const flaky = new Task({
    name: 'flaky',
    retries: 1,
    retryDelay: 10,
    run: (ctx) => {
      if (ctx.attempt === 1) throw new Error('once')
      return 'ok'
    },
    onSuccess: (info) => {
      seen.push(`success ${info.taskId} ${String(info.result)}`)
      throw new Error('callback bug')
    },
  })
  const broken = new Task({
    name: 'broken',
    run: () => {
      throw new Error('always')
    },
    onFailure: async (info) => {
      seen.push(`failure ${info.taskId} ${info.error?.message}`)
    },
  })
  const p = new Pipeline('callbacks', {
    clock,
    executor: createInProcessExecutor({ clock }),
    onRetry: (info) => {
      retried.push(info)
    },
    onFailure: (run) => {
      runs.push(run)
    },
    onSuccess: () => {
      seen.push('pipeline success?!')
    },
  }).addTask(flaky, broken)
  const logs: PipelineEvent[] = []
  p.on('event', (e) => {
    if (e.type === 'log') logs.push(e)
  })
  const done = p.run()
  await clock.advance(10)
  const run = await done
  expect(run.status).toBe('FAILED')
  expect(run.tasks.flaky?.state).toBe('SUCCESS')
  expect(seen.sort()).toEqual(['failure broken always', 'success flaky ok'])
  expect(retried.map((r) => [r.taskId, r.attempt, r.nextAttemptAt])).toEqual([['flaky', 1, 10]])
  expect(runs.map((r) => r.id)).toEqual([run.id])
  expect(logs).toMatchObject([
    { taskId: 'flaky', level: 'error', message: 'onSuccess callback failed: callback bug' },
  ])
})

it('streams events through an async iterator until the signal aborts', async () => {
  const p = new Pipeline('iterate').addTask(new Task({ name: 'only', run: () => 1 }))
  const controller = new AbortController()
  const seen: string[] = []
  const reading = (async () => {
    for await (const e of p.events(controller.signal)) {
      seen.push(e.type === 'log' ? 'log' : `${e.type}:${e.state}`)
      if (e.type === 'run' && e.state === 'SUCCESS') controller.abort()
    }
  })()
  await p.run()
  await reading
  expect(seen).toEqual(['run:RUNNING', 'task:RUNNING', 'task:SUCCESS', 'run:SUCCESS'])
})

it('captures ctx.log per attempt, bounded by maxLogBytes', async () => {
  const p = new Pipeline('logs', { maxLogBytes: 200 }).addTask(
    new Task({
      name: 'chatty',
      run: (ctx) => {
        for (let i = 0; i < 50; i++) ctx.log.warn(`line ${i}`)
      },
    }),
  )
  const run = await p.run()
  const [attempt] = await history(p.backend).listAttempts(run.id, 'chatty')
  const log = attempt?.log ?? ''
  expect(log.split('\n')[0]).toMatch(/^\d{4}-\d\d-\d\dT.*Z WARN line 0$/)
  expect(log).toContain('… log truncated at 200 bytes (maxLogBytes)')
  expect(Buffer.byteLength(log)).toBeLessThan(300)
  expect(log).not.toContain('line 49')
})

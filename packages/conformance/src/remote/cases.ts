/**
 * The remote-executor cases: attempts run in worker processes that share nothing with the
 * engine but the executor's transport. Each case gets its own deployment, probe server, backend
 * and workers; everything is closed after it.
 */
import {
  type Backend,
  createManualClock,
  type Executor,
  hasRunHistory,
  OrchestrationError,
  Pipeline,
  type TaskDispatch,
  type TaskOutcome,
} from '@df/orchestration'
import { expect } from 'vitest'
import { functionPipeline, probeTask, slowPipeline } from './fixtures.js'
import type { RemoteExecutorCaseId, RemoteExecutorHarness, RemoteWorker } from './harness.js'
import type { ProbeServer } from './probe-server.js'

/** What a case receives. */
export interface RemoteCaseContext {
  readonly harness: RemoteExecutorHarness
  /** This case's deployment name. */
  readonly deployment: string
  readonly probe: ProbeServer
  executor(): Promise<Executor>
  worker(options: { pipelines: boolean }): Promise<RemoteWorker>
  backend(): Promise<Backend>
}

export interface RemoteExecutorCase {
  readonly id: RemoteExecutorCaseId
  readonly title: string
  readonly run: (ctx: RemoteCaseContext) => Promise<void>
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function attemptsOf(backend: Backend, runId: string, taskId: string) {
  if (!hasRunHistory(backend)) return undefined
  return backend.listAttempts(runId, taskId)
}

export const remoteCases: readonly RemoteExecutorCase[] = [
  {
    id: 'executor.remote.by-type',
    title:
      'a task of a registered type is rebuilt by type + JSON options on a worker without pipeline code',
    async run(ctx) {
      await ctx.worker({ pipelines: false })
      const p = new Pipeline('conf_remote_probe', {
        executor: await ctx.executor(),
        backend: await ctx.backend(),
      }).addTask(probeTask('echo', { mode: 'echo', label: 'x' }))
      const run = await p.run({ params: { url: ctx.probe.url, k: 1 } })
      expect(run.status).toBe('SUCCESS')
      const result = run.tasks.echo?.result as Record<string, unknown>
      expect(result).toMatchObject({ options: { mode: 'echo', label: 'x' }, params: { k: 1 } })
      expect(result.logicalDate).toBe(run.logicalDate)
      expect(result.pid).not.toBe(process.pid)
    },
  },
  {
    id: 'executor.remote.function-task',
    title:
      'a function task runs on a worker that loaded its pipeline; ctx.get reads the upstream result sent with the dispatch',
    async run(ctx) {
      const worker = await ctx.worker({ pipelines: true })
      const p = functionPipeline()
      const run = await new Pipeline(p.name, {
        executor: await ctx.executor(),
        backend: await ctx.backend(),
      })
        .addTask(...p.tasks)
        .run({ params: { url: ctx.probe.url } })
      expect(run.status).toBe('SUCCESS')
      expect(run.tasks.fn?.result).toEqual({ v: 42, pid: worker.pid })
    },
  },
  {
    id: 'executor.remote.function-needs-code',
    title:
      'a function task on a worker without its pipeline fails at once, not retried, with DF_DEFINITION_MISMATCH',
    async run(ctx) {
      await ctx.worker({ pipelines: false })
      const p = functionPipeline()
      const run = await new Pipeline(p.name, {
        executor: await ctx.executor(),
        backend: await ctx.backend(),
      })
        .addTask(...p.tasks)
        .run({ params: { url: ctx.probe.url } })
      expect(run.status).toBe('FAILED')
      expect(run.tasks.src).toMatchObject({ state: 'FAILED', attempt: 1 })
      expect(run.tasks.src?.error?.code).toBe('DF_DEFINITION_MISMATCH')
      expect(run.tasks.src?.error?.message).toMatch(/pipeline/)
    },
  },
  {
    id: 'executor.remote.definition-mismatch',
    title:
      "a worker whose pipeline definition differs from the engine's fails the attempt, not retried",
    async run(ctx) {
      await ctx.worker({ pipelines: true })
      const p = functionPipeline({ description: 'changed on the engine only' })
      const run = await new Pipeline(p.name, {
        executor: await ctx.executor(),
        backend: await ctx.backend(),
        description: 'changed on the engine only',
      })
        .addTask(...p.tasks)
        .run({ params: { url: ctx.probe.url } })
      expect(run.status).toBe('FAILED')
      expect(run.tasks.src).toMatchObject({ state: 'FAILED', attempt: 1 })
      expect(run.tasks.src?.error?.code).toBe('DF_DEFINITION_MISMATCH')
      expect(ctx.probe.reports).toHaveLength(0)
    },
  },
  {
    id: 'executor.remote.worker-crash',
    title:
      'SIGKILL of the worker running an attempt: it fails, another worker runs the retry, the run succeeds',
    async run(ctx) {
      const workers = [await ctx.worker({ pipelines: true }), await ctx.worker({ pipelines: true })]
      const backend = await ctx.backend()
      const p = slowPipeline()
      const pipeline = new Pipeline(p.name, { executor: await ctx.executor(), backend }).addTask(
        ...p.tasks,
      )
      const done = pipeline.run({ params: { url: ctx.probe.url, ms: 2000 } })
      const first = await ctx.probe.waitFor((r) => r.event === 'start' && r.attempt === 1)
      const victim = workers.find((w) => w.pid === first.pid)
      expect(victim).toBeDefined()
      await victim!.kill()
      const run = await done
      expect(run.status).toBe('SUCCESS')
      expect(run.tasks.slow).toMatchObject({ state: 'SUCCESS', attempt: 2 })
      expect((run.tasks.slow!.result as { pid: number }).pid).not.toBe(first.pid)
      const attempts = await attemptsOf(backend, run.id, 'slow')
      if (attempts)
        expect(attempts.map((a) => [a.attempt, a.state])).toEqual([
          [1, 'FAILED'],
          [2, 'SUCCESS'],
        ])
    },
  },
  {
    id: 'executor.remote.engine-crash',
    title:
      "after the dispatching engine's lease expires, recover() adopts the attempt still running on a worker (it runs once)",
    async run(ctx) {
      await ctx.worker({ pipelines: true })
      const backend = await ctx.backend()
      const p = slowPipeline()
      // The default leaseMs (30 s): the worker's copy of the pipeline must hash the same.
      const build = (
        engineId: string,
        clock: ReturnType<typeof createManualClock>,
        executor: Executor,
      ) => new Pipeline(p.name, { backend, clock, executor, engineId }).addTask(...p.tasks)
      // The dead engine: its clock only moves when flushed, so it never renews its lease.
      const deadClock = createManualClock(0)
      const dead = build('dead', deadClock, await ctx.executor())
      const abandoned = dead
        .run({ params: { url: ctx.probe.url, ms: 1500 } })
        .catch((e: unknown) => e)
      const started = ctx.probe.waitFor((r) => r.event === 'start')
      let seen = false
      void started.then(() => {
        seen = true
      })
      for (let i = 0; !seen && i < 3000; i++) {
        await deadClock.flush()
        await wait(10)
      }
      await started
      const liveClock = createManualClock(60_000)
      const live = build('live', liveClock, await ctx.executor())
      const recovering = live.recover()
      let settled = false
      void recovering.finally(() => {
        settled = true
      })
      const deadline = Date.now() + 60_000
      while (!settled && Date.now() < deadline) {
        await liveClock.flush()
        await wait(20)
      }
      const [run] = await recovering
      expect(run?.status).toBe('SUCCESS')
      expect(run?.tasks.slow).toMatchObject({
        state: 'SUCCESS',
        attempt: 1,
        result: { attempt: 1 },
      })
      expect(ctx.probe.reports.filter((r) => r.event === 'start')).toHaveLength(1)
      const late = await abandoned
      if (late instanceof Error)
        expect(OrchestrationError.is(late) && late.code).toBe('DF_CONFLICT')
    },
  },
  {
    id: 'executor.remote.cancel',
    title: "cancelRun aborts the attempt's signal on the worker with DF_CANCELLED",
    async run(ctx) {
      await ctx.worker({ pipelines: false })
      const p = new Pipeline('conf_remote_cancel', {
        executor: await ctx.executor(),
        backend: await ctx.backend(),
      }).addTask(probeTask('waits', { mode: 'wait', ms: 60_000 }))
      let runId: string | undefined
      p.on('event', (e) => {
        if (e.type === 'run') runId = e.runId
      })
      const done = p.run({ params: { url: ctx.probe.url } })
      await ctx.probe.waitFor((r) => r.event === 'start')
      expect(p.cancelRun(runId!)).toBe(true)
      const run = await done
      expect(run.status).toBe('CANCELLED')
      const aborted = await ctx.probe.waitFor((r) => r.event === 'aborted', 10_000)
      expect(aborted.code).toBe('DF_CANCELLED')
    },
  },
  {
    id: 'executor.remote.duplicate-delivery',
    title:
      'the same attempt dispatched twice runs once; a re-dispatch after it finished reports the stored outcome',
    async run(ctx) {
      await ctx.worker({ pipelines: false })
      const executor = await ctx.executor()
      const outcomes: TaskOutcome[] = []
      const next: Array<(o: TaskOutcome) => void> = []
      await executor.start({
        run: () =>
          Promise.resolve({ status: 'failed', retryable: false, error: { message: 'not here' } }),
        onOutcome: (_d, o) => {
          outcomes.push(o)
          next.shift()?.(o)
        },
      })
      const runId = `conf-dup-${process.pid}-${Date.now()}`
      const d: TaskDispatch = {
        runId,
        pipelineId: 'conf_remote_probe',
        taskId: 'echo',
        attempt: 1,
        type: 'conformance.probe',
        idempotencyKey: `${runId}/echo/1`,
        options: { mode: 'echo' },
        params: { url: ctx.probe.url },
        logicalDate: new Date(0).toISOString(),
      }
      const first = new Promise<TaskOutcome>((resolve) => next.push(resolve))
      await Promise.all([executor.dispatch(d), executor.dispatch(d)])
      expect(await first).toMatchObject({ status: 'success' })
      await wait(1000)
      expect(outcomes).toHaveLength(1)
      const again = new Promise<TaskOutcome>((resolve) => next.push(resolve))
      await executor.dispatch(d)
      expect(await again).toEqual(outcomes[0])
      expect(ctx.probe.reports.filter((r) => r.event === 'start')).toHaveLength(1)
    },
  },
]

/**
 * Cases on the raw Executor contract: lifecycle, the concurrency limit, cancel and timeout
 * abort the attempt's signal and report the outcome, close({ drain }) waits.
 */
import type { ExecutorHooks, TaskDispatch, TaskOutcome } from '@df/orchestration'
import { expect } from 'vitest'
import { defineExecutorCase, type ExecutorCase } from '../harness.js'

let seq = 0

/** A dispatch for a fake run (these cases drive the executor without an engine). */
function dispatch(taskId: string, extra: Partial<TaskDispatch> = {}): TaskDispatch {
  const runId = extra.runId ?? `conf-run-${process.pid}-${++seq}`
  return {
    runId,
    pipelineId: 'conformance',
    taskId,
    attempt: 1,
    type: 'function',
    idempotencyKey: `${runId}/${taskId}/1`,
    ...extra,
  }
}

/** Hooks that record outcomes and let a case wait for them. */
function recorder(run: ExecutorHooks['run']) {
  const outcomes = new Map<string, TaskOutcome>()
  const waiters = new Map<string, (o: TaskOutcome) => void>()
  const hooks: ExecutorHooks = {
    run,
    onOutcome(task, outcome) {
      outcomes.set(task.taskId, outcome)
      waiters.get(task.taskId)?.(outcome)
    },
  }
  const outcome = (taskId: string): Promise<TaskOutcome> => {
    const done = outcomes.get(taskId)
    if (done) return Promise.resolve(done)
    return new Promise((resolve) => waiters.set(taskId, resolve))
  }
  return { hooks, outcome, outcomes }
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 5))

export const dispatchCases: readonly ExecutorCase[] = [
  defineExecutorCase(
    'executor.lifecycle.not-started',
    'rejects dispatch before start() with DF_EXECUTOR_CLOSED',
    async (ctx) => {
      const executor = await ctx.executor()
      await expect(executor.dispatch(dispatch('t'))).rejects.toMatchObject({
        code: 'DF_EXECUTOR_CLOSED',
      })
    },
  ),

  defineExecutorCase(
    'executor.concurrency.limit',
    'runs at most `concurrency` attempts at once and runs every dispatched attempt',
    async (ctx) => {
      const executor = await ctx.executor(2)
      let running = 0
      let max = 0
      const release: Array<() => void> = []
      const r = recorder(async () => {
        running++
        max = Math.max(max, running)
        await new Promise<void>((resolve) => release.push(resolve))
        running--
        return { status: 'success' }
      })
      await executor.start(r.hooks)
      const runId = `conf-conc-${process.pid}-${++seq}`
      for (let i = 0; i < 6; i++) await executor.dispatch(dispatch(`t${i}`, { runId }))
      while (r.outcomes.size < 6) {
        await tick()
        release.shift()?.()
      }
      for (let i = 0; i < 6; i++)
        expect(await r.outcome(`t${i}`)).toMatchObject({ status: 'success' })
      expect(max).toBe(2)
    },
  ),

  defineExecutorCase(
    'executor.cancel.aborts',
    'cancel(runId) aborts the running attempt signal and reports it cancelled; queued ones are dropped',
    async (ctx) => {
      const executor = await ctx.executor(1)
      let aborted: unknown
      let started = 0
      const r = recorder(async (_task, control) => {
        started++
        const signal = control.signal
        await new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = signal.reason
            resolve()
          })
        })
        return { status: 'failed', retryable: true, error: { message: 'aborted' } }
      })
      await executor.start(r.hooks)
      const runId = `conf-cancel-${process.pid}-${++seq}`
      await executor.dispatch(dispatch('running', { runId }))
      await executor.dispatch(dispatch('queued', { runId }))
      while (started === 0) await tick()
      await executor.cancel(runId)
      expect(await r.outcome('running')).toMatchObject({ status: 'cancelled' })
      expect(await r.outcome('queued')).toMatchObject({ status: 'cancelled' })
      while (aborted === undefined) await tick()
      expect(aborted).toMatchObject({ code: 'DF_CANCELLED' })
      expect(started).toBe(1)
    },
  ),

  defineExecutorCase(
    'executor.timeout.aborts',
    'a timeoutMs aborts the signal and reports a retryable failure with timedOut, even if the task ignores it',
    async (ctx) => {
      const executor = await ctx.executor(1)
      let aborted = false
      const r = recorder(async (_task, control) => {
        control.signal.addEventListener('abort', () => {
          aborted = true
        })
        await new Promise(() => {}) // ignores the signal on purpose
        return { status: 'success' }
      })
      await executor.start(r.hooks)
      await executor.dispatch(dispatch('slow', { timeoutMs: 30 }))
      const outcome = await r.outcome('slow')
      expect(outcome).toMatchObject({ status: 'failed', retryable: true, timedOut: true })
      expect(outcome.status === 'failed' && outcome.error.code).toBe('DF_TASK_TIMEOUT')
      expect(aborted).toBe(true)
    },
  ),

  defineExecutorCase(
    'executor.close.drain',
    'close({ drain: true }) waits for in-flight attempts; later dispatches reject DF_EXECUTOR_CLOSED',
    async (ctx) => {
      const executor = await ctx.executor(2)
      let finished = false
      const r = recorder(async () => {
        await new Promise((resolve) => setTimeout(resolve, 30))
        finished = true
        return { status: 'success' }
      })
      await executor.start(r.hooks)
      await executor.dispatch(dispatch('inflight'))
      await tick()
      await executor.close({ drain: true })
      expect(finished).toBe(true)
      expect(r.outcomes.get('inflight')).toMatchObject({ status: 'success' })
      await expect(executor.dispatch(dispatch('late'))).rejects.toMatchObject({
        code: 'DF_EXECUTOR_CLOSED',
      })
      await executor.close() // idempotent
    },
  ),
]

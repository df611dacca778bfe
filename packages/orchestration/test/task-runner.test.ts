/**
 * `createTaskRunner`, the handler of a worker process, driven directly with dispatches as a
 * remote executor would deliver them (no engine in this process drives these runs).
 */
import { describe, expect, it } from 'vitest'
import {
  type AttemptControl,
  createTaskRunner,
  Pipeline,
  registerTaskType,
  Task,
  type TaskDispatch,
  taskDescriptionFields,
} from '../src/index.js'

const control = (): AttemptControl => {
  const c = new AbortController()
  return { signal: c.signal, aborted: false, reason: undefined }
}

function pipeline(description?: string): Pipeline {
  const a = new Task({ name: 'a', run: () => ({ v: 1 }) })
  const b = new Task({ name: 'b', run: (ctx) => ({ v: ctx.get<{ v: number }>('a').v + 1 }) })
  const c = new Task({
    name: 'c',
    run: (ctx) => ({
      b: ctx.get('b'),
      params: ctx.params,
      ds: ctx.logicalDate,
      started: ctx.taskStartedAt,
      context: ctx.context,
    }),
  })
  const far = new Task({ name: 'far', run: (ctx) => ctx.get('a') })
  a.setDownstream(b).setDownstream([c, far])
  return new Pipeline('runner_p', description ? { description } : {}).addTask(a, b, c, far)
}

function dispatch(p: Pipeline, taskId: string, extra: Partial<TaskDispatch> = {}): TaskDispatch {
  return {
    runId: 'r1',
    pipelineId: p.name,
    taskId,
    attempt: 1,
    type: 'function',
    idempotencyKey: `r1/${taskId}/1`,
    logicalDate: '2026-01-02T00:00:00.000Z',
    params: { region: 'eu' },
    definitionHash: p.definitionHash,
    taskStartedAt: 1234,
    inputs: {},
    ...extra,
  }
}

describe('createTaskRunner', () => {
  const loaded = pipeline()
  const run = createTaskRunner({ pipelines: [loaded] })

  it('runs a function task of a loaded pipeline with ctx built from the dispatch', async () => {
    const outcome = await run(dispatch(loaded, 'c', { inputs: { b: { v: 2 } } }), control())
    expect(outcome).toEqual({
      status: 'success',
      result: {
        b: { v: 2 },
        params: { region: 'eu' },
        ds: '2026-01-02T00:00:00.000Z',
        started: 1234,
        context: {},
      },
    })
  })

  it('ctx.get of a direct upstream that returned nothing is undefined; of a transitive one a clear error', async () => {
    const c = await run(dispatch(loaded, 'c', { inputs: {} }), control())
    expect(c.status === 'success' && (c.result as { b?: unknown }).b).toBeUndefined()
    expect(c).toMatchObject({ status: 'success', result: { params: { region: 'eu' } } })
    // far runs after b, which runs after a: 'a' is transitive, its result does not travel.
    const far = await run(dispatch(loaded, 'far', { inputs: { b: { v: 2 } } }), control())
    expect(far).toMatchObject({ status: 'failed', error: { code: 'DF_TASK_INVALID' } })
    expect(far.status === 'failed' && far.error.message).toMatch(/direct upstream/)
    const stranger = new Task({ name: 'x', run: (ctx) => ctx.get('c') })
    const p3 = new Pipeline('runner_q').addTask(stranger)
    const notUp = await createTaskRunner({ pipelines: [p3] })(dispatch(p3, 'x'), control())
    expect(notUp.status === 'failed' && notUp.error.message).toMatch(/has no task 'c'/)
  })

  it('a definition hash mismatch fails non-retryably with DF_DEFINITION_MISMATCH', async () => {
    const engineSide = pipeline('changed')
    const outcome = await run(dispatch(engineSide, 'a'), control())
    expect(outcome).toMatchObject({
      status: 'failed',
      retryable: false,
      error: { code: 'DF_DEFINITION_MISMATCH' },
    })
    expect(outcome.status === 'failed' && outcome.error.message).toMatch(/same pipeline code/)
  })

  it('a function task of a pipeline not loaded here fails non-retryably', async () => {
    const outcome = await createTaskRunner()(dispatch(loaded, 'a'), control())
    expect(outcome).toMatchObject({
      status: 'failed',
      retryable: false,
      error: { code: 'DF_DEFINITION_MISMATCH' },
    })
    expect(outcome.status === 'failed' && outcome.error.message).toMatch(/function task/)
  })

  it('rebuilds a task of a registered type from its JSON options; an unknown type fails non-retryably', async () => {
    registerTaskType(
      'test.runner-echo',
      (d) =>
        new Task({
          ...(taskDescriptionFields(d) as { name: string }),
          type: 'test.runner-echo',
          options: d.options ?? {},
          run: (ctx) => ({ options: d.options ?? null, attempt: ctx.attempt }),
        }),
    )
    const d = {
      ...dispatch(loaded, 'x'),
      pipelineId: 'elsewhere',
      type: 'test.runner-echo',
      options: { k: 1 },
    }
    expect(await createTaskRunner()(d, control())).toEqual({
      status: 'success',
      result: { options: { k: 1 }, attempt: 1 },
    })
    const unknown = await createTaskRunner()({ ...d, type: 'test.nope' }, control())
    expect(unknown).toMatchObject({
      status: 'failed',
      retryable: false,
      error: { code: 'DF_TASK_INVALID' },
    })
  })

  it('a loaded pipeline that does not compile on the worker (undefined pool) fails non-retryably', async () => {
    const p = new Pipeline('runner_pool').addTask(
      new Task({ name: 't', pool: 'runner_pool_never_defined', run: () => 1 }),
    )
    const d = { ...dispatch(loaded, 't'), pipelineId: 'runner_pool', definitionHash: 'x' }
    const outcome = await createTaskRunner({ pipelines: [p] })(d, control())
    expect(outcome).toMatchObject({
      status: 'failed',
      retryable: false,
      error: { code: 'DF_PIPELINE_INVALID' },
    })
    expect(outcome.status === 'failed' && outcome.error.message).toMatch(/definePool/)
  })

  it('refuses unknown options and two pipelines with one name', () => {
    expect(() => createTaskRunner({ nope: 1 } as never)).toThrow(/nope/)
    expect(() => createTaskRunner({ pipelines: [pipeline(), pipeline()] })).toThrow(
      expect.objectContaining({ code: 'DF_OPTION_INVALID' }),
    )
  })
})

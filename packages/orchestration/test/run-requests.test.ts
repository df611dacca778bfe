/**
 * Run requests from a process without the pipeline's code (a UI): `requestRun` and
 * `requestRerun` store QUEUED runs with no owner from the stored definition; the engine that
 * holds the code adopts them with `recover()`, and a rerun request re-executes exactly what
 * `pipeline.rerun()` would.
 */
import { describe, expect, it } from 'vitest'
import {
  createMemoryBackend,
  OrchestrationError,
  Pipeline,
  requestRerun,
  requestRun,
  Task,
} from '../src/index.js'

function build(
  backend: ReturnType<typeof createMemoryBackend>,
  calls: string[],
  fail: { load: boolean },
) {
  const extract = new Task({
    name: 'extract',
    run: () => {
      calls.push('extract')
      return { rows: 3 }
    },
  })
  const load = new Task({
    name: 'load',
    run: (ctx) => {
      calls.push('load')
      if (fail.load) throw new Error('warehouse down')
      return {
        rows: ctx.get<{ rows: number }>('extract')?.rows ?? null,
        region: ctx.params.region ?? null,
      }
    },
  })
  const side = new Task({
    name: 'side',
    run: () => {
      calls.push('side')
      return 1
    },
  })
  extract.setDownstream(load)
  return new Pipeline('requests', { backend }).addTask(extract, load, side)
}

describe('run requests', () => {
  it('requestRun stores a QUEUED, unowned run that recover() adopts and finishes', async () => {
    const backend = createMemoryBackend()
    const calls: string[] = []
    const p = build(backend, calls, { load: false })
    await p.run() // stores the definition
    calls.length = 0
    const def = await backend.getPipeline('requests')
    const req = await requestRun(backend, def!, {
      params: { region: 'eu' },
      logicalDate: '2026-12-01T00:00:00.000Z',
      trigger: 'ui',
    })
    expect(req).toMatchObject({ status: 'QUEUED', trigger: 'ui', params: { region: 'eu' } })
    expect(req.owner).toBeUndefined()
    const [adopted] = await p.recover({ wait: true })
    expect(adopted?.id).toBe(req.id)
    expect(adopted?.status).toBe('SUCCESS')
    expect(calls.sort()).toEqual(['extract', 'load', 'side'])
    const load = (await backend.getTasks(req.id)).find((t) => t.taskId === 'load')
    expect(load?.result).toEqual({ rows: 3, region: 'eu' })
    await p.close()
  })

  it('requestRerun copies what it keeps (with results) and re-executes the rest', async () => {
    const backend = createMemoryBackend()
    const calls: string[] = []
    const fail = { load: true }
    const p = build(backend, calls, fail)
    const first = await p.run()
    expect(first.status).toBe('FAILED')
    fail.load = false
    calls.length = 0
    const def = (await backend.getPipeline('requests'))!
    const previous = (await backend.getRun(first.id))!
    const req = await requestRerun(backend, def, previous, await backend.getTasks(first.id))
    expect(req).toMatchObject({ status: 'QUEUED', trigger: 'rerun', rerunOf: first.id })
    expect(req.owner).toBeUndefined()
    const kept = await backend.getTasks(req.id)
    expect(kept.find((t) => t.taskId === 'extract')).toMatchObject({
      state: 'SUCCESS',
      result: { rows: 3 },
    })
    const [adopted] = await p.recover({ wait: true })
    expect(adopted?.status).toBe('SUCCESS')
    // Only the failed task ran again; extract's result reached it from the copy.
    expect(calls).toEqual(['load'])
    expect((await backend.getTasks(req.id)).find((t) => t.taskId === 'load')?.result).toEqual({
      rows: 3,
      region: null,
    })
    await p.close()
  })

  it('refuses a rerun of an unfinished run, or from a task the definition lacks', async () => {
    const backend = createMemoryBackend()
    const p = build(backend, [], { load: false })
    const done = await p.run()
    const def = (await backend.getPipeline('requests'))!
    const previous = (await backend.getRun(done.id))!
    const tasks = await backend.getTasks(done.id)
    const err = await requestRerun(backend, def, previous, tasks, 'nope').catch((e) => e)
    expect(OrchestrationError.is(err) && err.code).toBe('DF_OPTION_INVALID')
    expect((err as Error).message).toContain("has no task 'nope'")
    const queued = await requestRun(backend, def)
    const err2 = await requestRerun(backend, def, queued, []).catch((e) => e)
    expect(OrchestrationError.is(err2) && err2.code).toBe('DF_OPTION_INVALID')
    expect((err2 as Error).message).toContain('is still QUEUED')
    await p.close()
  })
})

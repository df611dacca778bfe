/**
 * Issue 15 #4 and #15: unknown options are typed errors that name the key (and the camelCase
 * spelling for the seed's snake_case), durations that can only be seconds-as-milliseconds are
 * refused, and declared params are validated on every run.
 */
import { describe, expect, it } from 'vitest'
import {
  createInProcessExecutor,
  createMemoryBackend,
  type JsonObject,
  OrchestrationError,
  Pipeline,
  Task,
  validateRunParams,
} from '../src/index.js'

function error(fn: () => unknown): OrchestrationError {
  try {
    fn()
  } catch (e) {
    expect(OrchestrationError.is(e)).toBe(true)
    return e as OrchestrationError
  }
  throw new Error('expected an error')
}

async function rejection(p: Promise<unknown>): Promise<OrchestrationError> {
  try {
    await p
  } catch (e) {
    expect(OrchestrationError.is(e)).toBe(true)
    return e as OrchestrationError
  }
  throw new Error('expected a rejection')
}

const run = () => 1

describe('unknown options', () => {
  it("a Task with the seed's trigger_rule is refused, naming triggerRule", () => {
    const e = error(() => new Task({ name: 't', run, trigger_rule: 'one_failed' } as never))
    expect(e.code).toBe('DF_TASK_INVALID')
    expect(e.message).toContain("unknown option 'trigger_rule'; did you mean 'triggerRule'?")
  })

  it('names the unit change for the seed durations in seconds', () => {
    expect(error(() => new Task({ name: 't', run, retry_delay: 2 } as never)).message).toContain(
      'retryDelay: 2000',
    )
    expect(error(() => new Task({ name: 't', run, timeout: 3600 } as never)).message).toContain(
      'timeoutMs: 3_600_000',
    )
  })

  it('a Pipeline with a bare cron string as its schedule or a typo is refused', () => {
    const e = error(() => new Pipeline('p', { schedule: '0 2 * * *' } as never))
    expect(e.code).toBe('DF_SCHEDULE_INVALID')
    expect(e.message).toContain('use { cron: "0 2 * * *" }')
    expect(
      error(() => new Pipeline('p', { schedule_interval: '@daily' } as never)).message,
    ).toContain("use 'schedule'")
    expect(error(() => new Pipeline('p', { max_workers: 4 } as never)).message).toContain(
      "'maxWorkers'",
    )
    expect(error(() => new Pipeline('p', { maxworkers: 4 } as never)).message).toContain(
      "did you mean 'maxWorkers'?",
    )
  })

  it('run(), rerun(), recover(), the in-process executor and the memory backend check their options', async () => {
    const p = new Pipeline('opts').addTask(new Task({ name: 'a', run }))
    expect((await rejection(p.run({ param: { a: 1 } } as never))).message).toContain(
      "unknown option 'param'",
    )
    expect((await rejection(p.rerun('x', { form: 'a' } as never))).code).toBe('DF_OPTION_INVALID')
    expect((await rejection(p.recover({ limt: 1 } as never))).code).toBe('DF_OPTION_INVALID')
    expect(error(() => createInProcessExecutor({ max: 2 } as never)).code).toBe('DF_OPTION_INVALID')
    expect(error(() => createMemoryBackend({ path: 'x' } as never)).code).toBe('DF_OPTION_INVALID')
    await p.close()
  })
})

describe('durations in milliseconds', () => {
  it('refuses a retryDelay between 0 and 10 ms and a timeoutMs below 100 ms, saying why', () => {
    const slow = error(() => new Task({ name: 't', run, retries: 2, retryDelay: 2 }))
    expect(slow.code).toBe('DF_TASK_INVALID')
    expect(slow.message).toContain('retryDelay is in milliseconds')
    expect(error(() => new Task({ name: 't', run, timeoutMs: 30 })).message).toContain(
      'timeoutMs: 30000',
    )
    expect(() => new Task({ name: 't', run, retryDelay: 0, timeoutMs: 100 })).not.toThrow()
  })
})

describe('declared params', () => {
  const schema = {
    region: { type: 'string', enum: ['eu', 'us'], default: 'eu' },
    day: { type: 'string', pattern: '\\d{4}-\\d\\d-\\d\\d', required: true },
    limit: { type: 'integer', minimum: 1, maximum: 100 },
  } as const

  it('fills defaults and checks types, enums, patterns and bounds', () => {
    expect(validateRunParams(schema, { day: '2026-12-01' })).toEqual({
      region: 'eu',
      day: '2026-12-01',
    })
    for (const bad of [
      { day: "x'; DROP TABLE t; --" },
      { day: '2026-12-01', region: 'mars' },
      { day: '2026-12-01', limit: 1.5 },
      { day: '2026-12-01', limit: 500 },
      { day: '2026-12-01', other: 1 },
      { region: 'us' },
    ] as JsonObject[]) {
      const e = error(() => validateRunParams(schema, bad))
      expect(e.code).toBe('DF_OPTION_INVALID')
      expect(e.message).not.toContain('DROP TABLE')
    }
  })

  it('runs validate their params; the declaration is stored with the definition', async () => {
    const backend = createMemoryBackend()
    const seen: unknown[] = []
    const p = new Pipeline('declared', { backend, params: schema }).addTask(
      new Task({ name: 'a', run: (ctx) => seen.push(ctx.params) }),
    )
    expect((await rejection(p.run({ params: { region: 'eu' } }))).code).toBe('DF_OPTION_INVALID')
    const ok = await p.run({ params: { day: '2026-12-01' } })
    expect(ok.status).toBe('SUCCESS')
    expect(ok.params).toEqual({ region: 'eu', day: '2026-12-01' })
    expect(seen).toEqual([{ region: 'eu', day: '2026-12-01' }])
    expect((await backend.getPipeline('declared'))?.options.params).toEqual(schema)
    await p.close()
  })

  it('a bad declaration fails at new Pipeline', () => {
    expect(error(() => new Pipeline('p', { params: { a: { type: 'text' } } } as never)).code).toBe(
      'DF_PIPELINE_INVALID',
    )
    expect(
      error(() => new Pipeline('p', { params: { a: { type: 'string', default: 3 } } } as never))
        .code,
    ).toBe('DF_PIPELINE_INVALID')
  })
})

/** Option validation: typed errors before any connection is made; ids encode ':' for BullMQ. */
import { describe, expect, it } from 'vitest'
import { createBullmqExecutor, jobIdOf, startWorker } from '../src/index.js'

describe('options', () => {
  it('createBullmqExecutor refuses unknown and out-of-range options with DF_OPTION_INVALID', () => {
    const bad = [
      { connection: 'redis://x', nope: 1 },
      { connection: 42 },
      { connection: 'redis://x', queue: 'a:b' },
      { connection: 'redis://x', prefix: '' },
      { connection: 'redis://x', reconcileIntervalMs: 0 },
      { connection: 'redis://x', connectionLossMs: -1 },
      { connection: 'redis://x', timeoutMarginMs: 1.5 },
    ]
    for (const options of bad) {
      expect(() => createBullmqExecutor(options as never), JSON.stringify(options)).toThrow(
        expect.objectContaining({ code: 'DF_OPTION_INVALID' }),
      )
    }
  })

  it('startWorker refuses bad options before connecting', async () => {
    await expect(startWorker({ connection: 'redis://x', concurrency: 0 })).rejects.toMatchObject({
      code: 'DF_OPTION_INVALID',
    })
    await expect(startWorker({ connection: 'redis://x', bogus: true } as never)).rejects.toThrow(
      /unknown option 'bogus'/,
    )
    await expect(startWorker({ connection: 'redis://x', fetchers: 0 })).rejects.toMatchObject({
      code: 'DF_OPTION_INVALID',
    })
    await expect(
      startWorker({ connection: 'redis://x', concurrency: 2, fetchers: 3 }),
    ).rejects.toThrow(/fetchers \(3\) must not exceed concurrency \(2\)/)
  })

  it('a dispatch before start() rejects DF_EXECUTOR_CLOSED; the executor declares itself remote', async () => {
    const executor = createBullmqExecutor({ connection: 'redis://127.0.0.1:1' })
    expect(executor).toMatchObject({ name: 'bullmq', remote: true, resumesAttempts: true })
    expect(
      createBullmqExecutor({ connection: 'redis://x', resumeAttempts: false }).resumesAttempts,
    ).toBe(false)
    await expect(
      executor.dispatch({
        runId: 'r',
        pipelineId: 'p',
        taskId: 't',
        attempt: 1,
        type: 'function',
        idempotencyKey: 'r/t/1',
      }),
    ).rejects.toMatchObject({ code: 'DF_EXECUTOR_CLOSED' })
    await executor.close()
  })

  it('job ids are the idempotency key with ":" (and "/") encoded', () => {
    expect(jobIdOf('run1/load:eu/2')).toBe('run1%2Fload%3Aeu%2F2')
    expect(jobIdOf('run1/load:eu/2')).not.toContain(':')
  })
})

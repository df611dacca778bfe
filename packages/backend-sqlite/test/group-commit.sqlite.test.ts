/** Group commit of `updateTasks`: batches of one tick share a transaction, all or nothing. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSqliteBackend } from '@df/backend-sqlite'
import { expectCode, seedRun, taskUpdate } from '@df/conformance/backend'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'

const dir = mkdtempSync(join(tmpdir(), 'df-sqlite-group-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('updateTasks group commit', () => {
  it('applies batches of one tick in arrival order, each with its own results', async () => {
    const backend = createSqliteBackend({ path: join(dir, 'order.db') })
    const run = await seedRun(backend, { taskIds: ['a', 'b'] })
    const [first, second, third] = await Promise.all([
      backend.updateTasks([taskUpdate(run.id, 'a', 1, { state: 'QUEUED' })]),
      backend.updateTasks([
        taskUpdate(run.id, 'a', 2, { state: 'RUNNING' }),
        taskUpdate(run.id, 'b', 1, { state: 'QUEUED' }),
      ]),
      backend.updateTasks([taskUpdate(run.id, 'a', 2, { state: 'FAILED' })]),
    ])
    expect(first).toMatchObject([{ ok: true, value: { state: 'QUEUED', version: 2 } }])
    expect(second).toMatchObject([
      { ok: true, value: { state: 'RUNNING', version: 3 } },
      { ok: true, value: { state: 'QUEUED', version: 2 } },
    ])
    expect(third).toEqual([{ ok: false, reason: 'conflict' }])
    await backend.close()
  })

  it('commits batches accepted before close() instead of dropping them', async () => {
    const path = join(dir, 'close.db')
    const backend = createSqliteBackend({ path })
    const run = await seedRun(backend)
    const pending = backend.updateTasks([taskUpdate(run.id, 'load', 1, { state: 'SKIPPED' })])
    await backend.close()
    expect(await pending).toMatchObject([{ ok: true, value: { state: 'SKIPPED' } }])
    const reopened = createSqliteBackend({ path })
    expect((await reopened.getTasks(run.id))[2]).toMatchObject({ state: 'SKIPPED', version: 2 })
    await reopened.close()
  })

  it('rejects every batch of a group that could not commit, and applies none of them', async () => {
    const path = join(dir, 'locked.db')
    const backend = createSqliteBackend({ path, busyTimeoutMs: 10, lockRetryMs: 100 })
    const run = await seedRun(backend, { taskIds: ['a', 'b'] })
    const other = new Database(path)
    other.exec('BEGIN IMMEDIATE')
    const a = backend.updateTasks([taskUpdate(run.id, 'a', 1, { state: 'QUEUED' })])
    const b = backend.updateTasks([taskUpdate(run.id, 'b', 1, { state: 'QUEUED' })])
    await expectCode(a, 'DF_BACKEND_UNAVAILABLE')
    await expectCode(b, 'DF_BACKEND_UNAVAILABLE')
    other.exec('ROLLBACK')
    other.close()
    expect((await backend.getTasks(run.id)).map((t) => t.version)).toEqual([1, 1])
    await backend.close()
  })
})

/** Migrations from an empty file, re-open, refusal of newer files, and typed open errors. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createSqliteBackend,
  DEFAULT_SQLITE_PATH,
  SQLITE_MIGRATIONS,
  SQLITE_SCHEMA_VERSION,
} from '@df/backend-sqlite'
import { expectCode, seedRun } from '@df/conformance/backend'
import { OrchestrationError } from '@df/orchestration'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'

const dir = mkdtempSync(join(tmpdir(), 'df-sqlite-migrations-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migrations', () => {
  it('migrates an empty file, records each version once, and re-opens without changes', async () => {
    const path = join(dir, 'empty.db')
    writeFileSync(path, '')
    const first = createSqliteBackend({ path, now: () => 42 })
    await first.init()
    const run = await seedRun(first)
    await first.close()

    const second = createSqliteBackend({ path })
    await second.init()
    await second.init()
    expect(await second.getRun(run.id)).toEqual(run)
    await second.close()

    const db = new Database(path, { readonly: true })
    expect(db.prepare('SELECT version, applied_at FROM df_schema_version').all()).toEqual(
      SQLITE_MIGRATIONS.map((m) => ({ version: m.version, applied_at: 42 })),
    )
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => (r as { name: string }).name)
    expect(tables).toEqual([
      'df_attempts',
      'df_pipelines',
      'df_runs',
      'df_schedules',
      'df_schema_version',
      'df_tasks',
      'df_watermarks',
    ])
    db.close()
  })

  it('refuses a file written by a newer schema and leaves it untouched', async () => {
    const path = join(dir, 'newer.db')
    const setup = createSqliteBackend({ path })
    await setup.init()
    await setup.close()
    const db = new Database(path)
    db.prepare('INSERT INTO df_schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(
      SQLITE_SCHEMA_VERSION + 1,
      'from the future',
      1,
    )
    db.close()
    const backend = createSqliteBackend({ path })
    const error = await expectCode(backend.init(), 'DF_BACKEND_UNAVAILABLE')
    expect(error.message).toContain(path)
    await backend.close()
    const after = new Database(path, { readonly: true })
    expect(after.prepare('SELECT max(version) AS v FROM df_schema_version').get()).toEqual({
      v: SQLITE_SCHEMA_VERSION + 1,
    })
    after.close()
  })
})

describe('open errors', () => {
  it('names the file when its directory does not exist', async () => {
    const path = join(dir, 'missing-dir', 'x.db')
    const backend = createSqliteBackend({ path })
    const error = await expectCode(backend.init(), 'DF_BACKEND_UNAVAILABLE')
    expect(error.message).toContain(path)
    expect(error.message).toMatch(/^\[@df\/backend-sqlite\]/)
    expect(error.cause).toBeInstanceOf(Error)
    // The failed open is not cached: later calls fail the same typed way.
    await expectCode(backend.getRun('x'), 'DF_BACKEND_UNAVAILABLE')
  })

  it('reports a file that is not a database as unavailable, with the driver error as cause', async () => {
    const path = join(dir, 'garbage.db')
    writeFileSync(path, 'this is not a sqlite database, just some text '.repeat(100))
    const error = await expectCode(createSqliteBackend({ path }).init(), 'DF_BACKEND_UNAVAILABLE')
    expect((error.cause as { code?: string }).code).toBe('SQLITE_NOTADB')
  })

  it('opens lazily on first use and defaults to dremioframe.db in the current directory', async () => {
    expect(DEFAULT_SQLITE_PATH).toBe('dremioframe.db')
    expect(createSqliteBackend().path).toBe(join(process.cwd(), 'dremioframe.db'))
    const backend = createSqliteBackend({ path: join(dir, 'lazy.db') })
    expect(await backend.getRun('nope')).toBeUndefined()
    await backend.close()
  })
})

describe('locks', () => {
  it('waits out a lock held past the busy timeout instead of failing', async () => {
    const path = join(dir, 'locked.db')
    const backend = createSqliteBackend({ path, busyTimeoutMs: 20 })
    const run = await seedRun(backend)
    const other = new Database(path)
    other.exec('BEGIN IMMEDIATE')
    const released = new Promise<void>((resolve) =>
      setTimeout(() => {
        other.exec('COMMIT')
        resolve()
      }, 300),
    )
    const result = await backend.updateRun({ id: run.id, expectedVersion: 1, status: 'RUNNING' })
    await released
    expect(result).toMatchObject({ ok: true, value: { status: 'RUNNING', version: 2 } })
    other.close()
    await backend.close()
  })

  it('rejects with DF_BACKEND_UNAVAILABLE (cause SQLITE_BUSY) when the lock outlives the retry window', async () => {
    const path = join(dir, 'stuck.db')
    const backend = createSqliteBackend({ path, busyTimeoutMs: 10, lockRetryMs: 100 })
    const run = await seedRun(backend)
    const other = new Database(path)
    other.exec('BEGIN IMMEDIATE')
    const error = await expectCode(
      backend.updateRun({ id: run.id, expectedVersion: 1, status: 'RUNNING' }),
      'DF_BACKEND_UNAVAILABLE',
    )
    expect(OrchestrationError.is(error)).toBe(true)
    expect((error.cause as { code?: string }).code).toMatch(/^SQLITE_BUSY/)
    other.exec('ROLLBACK')
    other.close()
    expect(await backend.getRun(run.id)).toEqual(run)
    await backend.close()
  })
})

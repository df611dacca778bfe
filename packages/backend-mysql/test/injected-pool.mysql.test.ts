/**
 * An injected mysql2 pool (Kysely style): used as is, never ended by the backend, and correct
 * without `multipleStatements` (statements then go one by one inside the transaction).
 */
import mysql from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMysqlBackend, type MysqlBackend } from '../src/index.js'
import { parseMysqlUri } from '../src/mysql-backend-options.js'
import { createDatabase, dropDatabase, newRun, TEST_URL, uniqueDatabase } from './helpers.js'

const database = uniqueDatabase()
let pool: mysql.Pool
let backend: MysqlBackend

beforeAll(async () => {
  await createDatabase(database)
  // The connection's own database is the one the backend uses when "database" is not given.
  pool = mysql.createPool({ ...parseMysqlUri(TEST_URL), database, connectionLimit: 2 })
  backend = createMysqlBackend({ pool })
  await backend.init()
}, 60_000)

afterAll(async () => {
  await pool?.end()
  await dropDatabase(database)
}, 60_000)

describe('mysql backend on an injected pool', () => {
  it('uses the connection database and applies a batch with attempts one statement at a time', async () => {
    expect(backend.database).toBe(database)
    await backend.createRun(newRun('r1', 2))
    const results = await backend.updateTasks([
      { runId: 'r1', taskId: 't0', expectedVersion: 1, state: 'QUEUED' },
      {
        runId: 'r1',
        taskId: 't0',
        expectedVersion: 2,
        state: 'SUCCESS',
        result: 'a JSON string',
        attemptRecord: { runId: 'r1', taskId: 't0', attempt: 1, state: 'SUCCESS', startedAt: 1 },
      },
      { runId: 'r1', taskId: 't1', expectedVersion: 9, state: 'QUEUED' },
    ])
    expect(results.map((r) => (r.ok ? r.value.version : r.reason))).toEqual([2, 3, 'conflict'])
    const [t0] = await backend.getTasks('r1')
    expect(t0).toMatchObject({ state: 'SUCCESS', result: 'a JSON string', version: 3 })
    expect(await backend.listAttempts('r1', 't0')).toHaveLength(1)
  })

  it("names the injected pool's host:port when it cannot connect", async () => {
    const dead = mysql.createPool({ host: '127.0.0.1', port: 1, user: 'df', password: 'x' })
    try {
      const failing = createMysqlBackend({ pool: dead, database })
      await expect(failing.init()).rejects.toMatchObject({
        code: 'DF_BACKEND_UNAVAILABLE',
        message: expect.stringContaining('127.0.0.1:1'),
      })
    } finally {
      await dead.end()
    }
  })

  it('leaves the injected pool open on close()', async () => {
    const other = createMysqlBackend({ pool, database })
    await other.init()
    await other.close()
    const [rows] = await pool.query('SELECT 1 AS one')
    expect(rows).toEqual([{ one: 1 }])
  })
})

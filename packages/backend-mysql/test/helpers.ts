/**
 * Test helpers: the real MariaDB/MySQL from `DF_TEST_MYSQL_URL`, one fresh database per backend.
 */
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import mysql from 'mysql2/promise'
import { createMysqlBackend, type MysqlBackend } from '../src/index.js'
import { parseMysqlUri } from '../src/mysql-backend-options.js'

/** The test server (scripts/test-env.sh sets it; the default is the local service). */
export const TEST_URL: string = process.env.DF_TEST_MYSQL_URL ?? 'mysql://df:df@127.0.0.1:3306/test'

/** A database name nobody else uses: tests in different files run in parallel. */
export function uniqueDatabase(): string {
  return `df_t_${randomBytes(6).toString('hex')}`
}

/** Runs statements on a short-lived admin connection; returns the last result's rows. */
export async function adminQuery(sql: string, values: unknown[] = []): Promise<unknown> {
  const conn = await mysql.createConnection({
    ...parseMysqlUri(TEST_URL),
    multipleStatements: true,
  })
  try {
    const [rows] = await conn.query(sql, values as never)
    return rows
  } finally {
    await conn.end()
  }
}

/** Creates a database for a test. */
export async function createDatabase(name: string): Promise<void> {
  await adminQuery(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`)
}

/** Drops a database made by a test. */
export async function dropDatabase(name: string): Promise<void> {
  await adminQuery(`DROP DATABASE IF EXISTS \`${name}\``)
}

/** A backend on its own (existing) database and its own pool. */
export function newBackend(database: string, poolSize = 4): MysqlBackend {
  return createMysqlBackend({ uri: TEST_URL, database, poolSize })
}

/** A TCP port on 127.0.0.1 with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/** A minimal run of `taskCount` tasks for `pipelineId`. */
export function newRun(id: string, taskCount = 3, overrides: Record<string, unknown> = {}) {
  return {
    id,
    pipelineId: 'p1',
    status: 'RUNNING' as const,
    params: { day: '2026-11-27' },
    logicalDate: '2026-11-27T00:00:00.000Z',
    trigger: 'manual' as const,
    definitionHash: 'h1',
    createdAt: 1_700_000_000_000,
    tasks: Array.from({ length: taskCount }, (_, i) => ({ taskId: `t${i}` })),
    ...overrides,
  }
}

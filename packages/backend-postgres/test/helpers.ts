/**
 * Test helpers: the real PostgreSQL from `DF_TEST_POSTGRES_URL`, one fresh schema per backend.
 */
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import pg from 'pg'
import { createPostgresBackend, type PostgresBackend } from '../src/index.js'

/** The test server (scripts/test-env.sh sets it; the default is the local service). */
export const TEST_URL: string =
  process.env.DF_TEST_POSTGRES_URL ?? 'postgres://df:df@127.0.0.1:5432/test'

/** A schema name nobody else uses: tests in different files run in parallel. */
export function uniqueSchema(): string {
  return `df_t_${randomBytes(6).toString('hex')}`
}

/** Runs one statement on a short-lived admin connection. */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: TEST_URL })
  await client.connect()
  try {
    return (await client.query<R>(text, values)).rows
  } finally {
    await client.end()
  }
}

/** Drops a schema made by a test. */
export async function dropSchema(schema: string): Promise<void> {
  await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
}

/** A backend on its own schema (and its own pool); the caller closes it and drops the schema. */
export function newBackend(schema: string, poolSize = 4): PostgresBackend {
  return createPostgresBackend({ connectionString: TEST_URL, schema, poolSize })
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

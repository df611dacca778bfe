/**
 * Direct SQL access for seeding and cleaning up, through the very drivers the backends use
 * (resolved from each backend package, so the bench adds no dependency and no second copy).
 */
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

/** The test services (scripts/test-env.sh); the same defaults as the test suites. */
export const POSTGRES_URL =
  process.env.DF_TEST_POSTGRES_URL ?? 'postgres://df:df@127.0.0.1:5432/test'
export const MYSQL_URL = process.env.DF_TEST_MYSQL_URL ?? 'mysql://df:df@127.0.0.1:3306/test'

function requireFrom(pkg: string): NodeJS.Require {
  return createRequire(fileURLToPath(import.meta.resolve(`${pkg}/package.json`)))
}

/** What the bench uses of a `pg.Client`. */
interface PgClient {
  connect(): Promise<void>
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>
  end(): Promise<void>
}

/** Runs `fn` on one short-lived PostgreSQL connection. */
export async function withPostgres<T>(fn: (query: PgClient['query']) => Promise<T>): Promise<T> {
  const pg = requireFrom('@df/backend-postgres')('pg') as {
    Client: new (o: { connectionString: string }) => PgClient
  }
  const client = new pg.Client({ connectionString: POSTGRES_URL })
  await client.connect()
  try {
    return await fn((text, values) => client.query(text, values))
  } finally {
    await client.end()
  }
}

/** What the bench uses of a mysql2/promise connection. */
interface MysqlConnection {
  query(sql: string, values?: unknown[]): Promise<[unknown, unknown]>
  end(): Promise<void>
}

/** Runs `fn` on one short-lived MariaDB connection (multi-statement, no database selected). */
export async function withMysql<T>(
  fn: (query: (sql: string, values?: unknown[]) => Promise<unknown>) => Promise<T>,
): Promise<T> {
  const mysql = requireFrom('@df/backend-mysql')('mysql2/promise') as {
    createConnection(o: object): Promise<MysqlConnection>
  }
  const url = new URL(MYSQL_URL)
  const conn = await mysql.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    multipleStatements: true,
  })
  try {
    return await fn(async (sql, values) => (await conn.query(sql, values))[0])
  } finally {
    await conn.end()
  }
}

/** What the bench uses of a better-sqlite3 database. */
export interface SqliteDb {
  exec(sql: string): void
  prepare(sql: string): { get(...params: unknown[]): unknown }
  close(): void
}

/** Opens a SQLite file with better-sqlite3. */
export function openSqlite(path: string): SqliteDb {
  const Database = requireFrom('@df/backend-sqlite')('better-sqlite3') as new (
    path: string,
  ) => SqliteDb
  return new Database(path)
}

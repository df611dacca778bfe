/**
 * The real databases of the backend tests: a unique PostgreSQL schema or MariaDB database per
 * test file, dropped afterwards. Locally a service that is down skips its tests; in CI
 * (`CI=true`) it fails them.
 */
import { randomBytes } from 'node:crypto'
import mysql from 'mysql2/promise'
import pg from 'pg'

export const POSTGRES_URL =
  process.env.DF_TEST_POSTGRES_URL ?? 'postgres://df:df@127.0.0.1:5432/test'
export const MYSQL_URL = process.env.DF_TEST_MYSQL_URL ?? 'mysql://df:df@127.0.0.1:3306/test'
const CI = process.env.CI === 'true'

/** A backend URL for the CLI and how to clean up after it; `undefined` when skipped. */
export interface TestStore {
  readonly url: string
  readonly drop: () => Promise<void>
}

function unique(): string {
  return `df_e2e_${randomBytes(5).toString('hex')}`
}

function unavailable(what: string, error: unknown): undefined {
  if (CI) throw new Error(`${what} is not reachable in CI`, { cause: error })
  return undefined
}

/** A fresh PostgreSQL schema (`?schema=` on the URL), or undefined when PostgreSQL is down. */
export async function postgresStore(): Promise<TestStore | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
    await client.end()
  } catch (error) {
    return unavailable('PostgreSQL', error)
  }
  const schema = unique()
  const url = new URL(POSTGRES_URL)
  url.searchParams.set('schema', schema)
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: POSTGRES_URL })
      await c.connect()
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await c.end()
    },
  }
}

/** A fresh MariaDB database (the URL's path), or undefined when MariaDB is down. */
export async function mysqlStore(): Promise<TestStore | undefined> {
  const database = unique()
  let conn: mysql.Connection
  try {
    conn = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 5000 })
  } catch (error) {
    return unavailable('MariaDB', error)
  }
  await conn.query(`CREATE DATABASE \`${database}\``)
  await conn.end()
  const url = new URL(MYSQL_URL)
  url.pathname = `/${database}`
  return {
    url: url.toString(),
    drop: async () => {
      const c = await mysql.createConnection({ uri: MYSQL_URL })
      await c.query(`DROP DATABASE IF EXISTS \`${database}\``)
      await c.end()
    },
  }
}

/**
 * Transactions as scripts: a list of statements sent in one round trip when the pool has
 * `multipleStatements` (the pool the backend creates does), one by one otherwise.
 *
 * Values are escaped client-side by mysql2's `format` (the same escaping `query()` uses), which
 * assumes the server's default `sql_mode` (no `NO_BACKSLASH_ESCAPES`).
 */

import type { Pool, PoolConnection, ResultSetHeader } from 'mysql2/promise'
import mysql from 'mysql2/promise'
import type { Statement } from '../mysql-sql.js'

/** Isolation for a transaction; claims use READ COMMITTED to avoid gap locks on `runs`. */
export type Isolation = 'READ COMMITTED' | 'REPEATABLE READ'

/** A result of one statement: rows for a SELECT, a header for a write. */
export type StatementResult = Record<string, unknown>[] | ResultSetHeader

/**
 * Runs `statements` in one transaction on `conn` and returns one result per statement. On any
 * error the transaction is rolled back (a deadlock already rolled it back; a lock wait timeout
 * did not) and the error is rethrown for the caller's retry policy.
 */
export async function runTransaction(
  conn: PoolConnection,
  statements: readonly Statement[],
  multi: boolean,
  isolation?: Isolation,
): Promise<StatementResult[]> {
  try {
    if (multi) {
      const head = isolation === undefined ? [] : [`SET TRANSACTION ISOLATION LEVEL ${isolation}`]
      const script = [
        ...head,
        'START TRANSACTION',
        ...statements.map(([sql, values]) => mysql.format(sql, values as never)),
        'COMMIT',
      ].join(';\n')
      const [results] = await conn.query(script)
      const offset = head.length + 1
      return (results as unknown as StatementResult[]).slice(offset, offset + statements.length)
    }
    if (isolation !== undefined) await conn.query(`SET TRANSACTION ISOLATION LEVEL ${isolation}`)
    await conn.query('START TRANSACTION')
    const results: StatementResult[] = []
    for (const [sql, values] of statements) {
      const [result] = await conn.query(sql, values as unknown[])
      results.push(result as unknown as StatementResult)
    }
    await conn.query('COMMIT')
    return results
  } catch (error) {
    await rollback(conn)
    throw error
  }
}

/** Rolls back; a connection that cannot even do that is destroyed rather than pooled again. */
export async function rollback(conn: PoolConnection): Promise<void> {
  try {
    await conn.query('ROLLBACK')
  } catch {
    conn.destroy()
  }
}

/** Rows of a SELECT result. */
export function rowsOf(result: StatementResult | undefined): Record<string, unknown>[] {
  return Array.isArray(result) ? result : []
}

/** Affected rows of a write result. */
export function affectedOf(result: StatementResult | undefined): number {
  return result !== undefined && !Array.isArray(result) ? result.affectedRows : 0
}

/** Whether an injected pool was created with `multipleStatements: true`. */
export function isMultiStatementPool(pool: Pool): boolean {
  const core = (pool as unknown as { pool?: { config?: { connectionConfig?: unknown } } }).pool
  const config = core?.config?.connectionConfig as { multipleStatements?: unknown } | undefined
  return config?.multipleStatements === true
}

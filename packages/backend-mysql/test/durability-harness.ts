/**
 * The MariaDB harness of the shared durability suites: one database per store, child processes
 * open it by `mysql://…/<database>` with a pool of 4 (the parent's own
 * pool is 2 unless the suite asks otherwise).
 */
import { join } from 'node:path'
import { requireService } from '@df/conformance/backend'
import type { DurabilityHarness } from '@df/conformance/durability'
import { createBackendFromUrl } from '@df/orchestration'
import mysql from 'mysql2/promise'
import { parseMysqlUri } from '../src/mysql-backend-options.js'
import { createDatabase, dropDatabase, TEST_URL, uniqueDatabase } from './helpers.js'

/** A harness whose `cleanup` drops every database it made; skipped when the service is missing. */
export function mysqlDurabilityHarness(): DurabilityHarness {
  const databases: string[] = []
  return {
    label: 'MariaDB database',
    skip: requireService('DF_TEST_MYSQL_URL') === undefined,
    packageDir: join(import.meta.dirname, '..'),
    newStore: async () => {
      const database = uniqueDatabase()
      databases.push(database)
      await createDatabase(database)
      const url = new URL(TEST_URL)
      url.pathname = `/${database}`
      return url.href
    },
    open: (url, options) =>
      createBackendFromUrl(url, {
        importer: (s) => import(s),
        options: { poolSize: 2, ...options },
      }),
    childOptions: { poolSize: 4 },
    lockRunRow: async (url, runId) => {
      const database = new URL(url).pathname.slice(1)
      const admin = await mysql.createConnection(parseMysqlUri(TEST_URL))
      const release = async () => {
        await admin.query('ROLLBACK')
        await admin.end()
      }
      try {
        await admin.query('START TRANSACTION')
        await admin.query(`SELECT 1 FROM \`${database}\`.\`runs\` WHERE \`id\` = ? FOR UPDATE`, [
          runId,
        ])
      } catch (error) {
        await release()
        throw error
      }
      return release
    },
    cleanup: async () => {
      for (const database of databases) await dropDatabase(database)
    },
  }
}

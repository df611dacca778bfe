/**
 * The MariaDB harness of the shared durability suites: one database per store, child processes
 * open it by `mysql://…/<database>` with a pool of 4 (the parent's own
 * pool is 2 unless the suite asks otherwise).
 */
import { join } from 'node:path'
import { requireService } from '@df/conformance/backend'
import type { DurabilityHarness } from '@df/conformance/durability'
import { createBackendFromUrl } from '@df/orchestration'
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
    cleanup: async () => {
      for (const database of databases) await dropDatabase(database)
    },
  }
}

/**
 * Crash recovery on real MariaDB: the shared suite (`describeCrashRecovery`), one database per
 * case, child processes open it by `mysql://…/<database>`.
 */
import { join } from 'node:path'
import { requireService } from '@df/conformance/backend'
import { describeCrashRecovery } from '@df/conformance/durability'
import { createBackendFromUrl } from '@df/orchestration'
import { createDatabase, dropDatabase, TEST_URL, uniqueDatabase } from './helpers.js'

const url = requireService('DF_TEST_MYSQL_URL')
const databases: string[] = []

describeCrashRecovery({
  label: 'MariaDB database',
  skip: url === undefined,
  packageDir: join(import.meta.dirname, '..'),
  newStore: async () => {
    const database = uniqueDatabase()
    databases.push(database)
    await createDatabase(database)
    const u = new URL(TEST_URL)
    u.pathname = `/${database}`
    return u.href
  },
  open: (u) => createBackendFromUrl(u, { importer: (s) => import(s), options: { poolSize: 2 } }),
  childOptions: { poolSize: 4 },
  cleanup: async () => {
    for (const database of databases) await dropDatabase(database)
  },
})

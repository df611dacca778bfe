/**
 * Crash recovery on real PostgreSQL: the shared suite (`describeCrashRecovery`), one schema per
 * case, child processes open it by `postgres://…?schema=<name>`.
 */
import { join } from 'node:path'
import { requireService } from '@df/conformance/backend'
import { describeCrashRecovery } from '@df/conformance/durability'
import { createBackendFromUrl } from '@df/orchestration'
import { dropSchema, TEST_URL, uniqueSchema } from './helpers.js'

const url = requireService('DF_TEST_POSTGRES_URL')
const schemas: string[] = []

describeCrashRecovery({
  label: 'PostgreSQL schema',
  skip: url === undefined,
  packageDir: join(import.meta.dirname, '..'),
  newStore: async () => {
    const schema = uniqueSchema()
    schemas.push(schema)
    return `${TEST_URL}?schema=${schema}`
  },
  open: (u) => createBackendFromUrl(u, { importer: (s) => import(s), options: { poolSize: 2 } }),
  childOptions: { poolSize: 4 },
  cleanup: async () => {
    for (const schema of schemas) await dropSchema(schema)
  },
})

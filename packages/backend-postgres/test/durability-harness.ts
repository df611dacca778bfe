/**
 * The PostgreSQL harness of the shared durability suites: one schema per store, child processes
 * open it by `postgres://…?schema=<name>` with a pool of 4 (the parent's own
 * pool is 2 unless the suite asks otherwise).
 */
import { join } from 'node:path'
import { requireService } from '@df/conformance/backend'
import type { DurabilityHarness } from '@df/conformance/durability'
import { createBackendFromUrl } from '@df/orchestration'
import pg from 'pg'
import { dropSchema, TEST_URL, uniqueSchema } from './helpers.js'

/** A harness whose `cleanup` drops every schema it made; skipped when the service is missing. */
export function postgresDurabilityHarness(): DurabilityHarness {
  const schemas: string[] = []
  return {
    label: 'PostgreSQL schema',
    skip: requireService('DF_TEST_POSTGRES_URL') === undefined,
    packageDir: join(import.meta.dirname, '..'),
    newStore: async () => {
      const schema = uniqueSchema()
      schemas.push(schema)
      return `${TEST_URL}?schema=${schema}`
    },
    open: (url, options) =>
      createBackendFromUrl(url, {
        importer: (s) => import(s),
        options: { poolSize: 2, ...options },
      }),
    childOptions: { poolSize: 4 },
    lockRunRow: async (url, runId) => {
      const schema = new URL(url).searchParams.get('schema')
      const admin = new pg.Client({ connectionString: TEST_URL })
      await admin.connect()
      const release = async () => {
        await admin.query('ROLLBACK')
        await admin.end()
      }
      try {
        await admin.query('BEGIN')
        await admin.query(`SELECT 1 FROM "${schema}"."runs" WHERE "id" = $1 FOR UPDATE`, [runId])
      } catch (error) {
        await release()
        throw error
      }
      return release
    },
    cleanup: async () => {
      for (const schema of schemas) await dropSchema(schema)
    },
  }
}

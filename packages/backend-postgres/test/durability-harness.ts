/**
 * The PostgreSQL harness of the shared durability suites: one schema per store, child processes
 * open it by `postgres://…?schema=<name>` with a pool of 4 (the parent's own
 * pool is 2 unless the suite asks otherwise).
 */
import { join } from 'node:path'
import { requireService } from '@df/conformance/backend'
import type { DurabilityHarness } from '@df/conformance/durability'
import { createBackendFromUrl } from '@df/orchestration'
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
    cleanup: async () => {
      for (const schema of schemas) await dropSchema(schema)
    },
  }
}

/**
 * The shared conformance suite on real PostgreSQL (house style §9.5). Every `create()` gets its
 * own schema `df_t_<random>` so files and cases can run in parallel; `destroy()` drops them all.
 */
import { describeBackend, requireService } from '@df/conformance/backend'
import pg from 'pg'
import { createPostgresBackend, type PostgresBackend } from '../src/index.js'
import { uniqueSchema } from './helpers.js'

const url = requireService('DF_TEST_POSTGRES_URL')
const schemas: string[] = []

describeBackend<PostgresBackend>({
  name: 'postgres',
  async create() {
    const schema = uniqueSchema()
    schemas.push(schema)
    const backend = createPostgresBackend({ connectionString: url, schema, poolSize: 5 })
    await backend.init()
    return backend
  },
  async destroy() {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      for (const schema of schemas.splice(0)) {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      }
    } finally {
      await client.end()
    }
  },
})

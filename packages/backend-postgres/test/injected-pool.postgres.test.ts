/** An injected `pg` pool (Kysely style): used as is, and never ended by the backend. */
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { createPostgresBackend } from '../src/index.js'
import { closedPort, dropSchema, newRun, TEST_URL, uniqueSchema } from './helpers.js'

const schema = uniqueSchema()
afterAll(async () => {
  await dropSchema(schema)
}, 60_000)

describe('postgres backend on an injected pool', () => {
  it('works on the pool (also as a factory) and leaves it open on close()', async () => {
    const pool = new pg.Pool({ connectionString: TEST_URL, max: 2 })
    try {
      const backend = createPostgresBackend({ pool: async () => pool, schema })
      await backend.createRun(newRun('r1', 2))
      expect(await backend.getTasks('r1')).toHaveLength(2)
      await backend.close()
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
    } finally {
      await pool.end()
    }
  })

  it("names the injected pool's host:port when it cannot connect", async () => {
    const port = await closedPort()
    const pool = new pg.Pool({ connectionString: `postgres://df:pw@127.0.0.1:${port}/test` })
    try {
      const backend = createPostgresBackend({ pool, schema })
      await expect(backend.init()).rejects.toMatchObject({
        code: 'DF_BACKEND_UNAVAILABLE',
        message: expect.stringContaining(`127.0.0.1:${port}`),
      })
    } finally {
      await pool.end()
    }
  })
})

import { afterAll, describe, expect, it } from 'vitest'
import { EmulatorError } from '../src/index.js'
import { call, run, start, tempDir } from './helpers.js'

const temp = tempDir('persist')
afterAll(() => temp.cleanup())

describe('persistence with dataDir', () => {
  it('keeps tables, views, folders and catalog ids across close and reopen', async () => {
    const first = await start({ dataDir: temp.dir })
    await run(first, 'CREATE TABLE "keep space".deep.t (id BIGINT, name VARCHAR)')
    await run(first, "INSERT INTO \"keep space\".deep.t VALUES (1, 'one'), (2, 'two')")
    await run(first, 'CREATE VIEW "keep space".v AS SELECT count(*) AS n FROM "keep space".deep.t')
    await call(first, 'POST', '/api/v3/catalog', { entityType: 'space', name: 'Empty' })
    const before = (await call(first, 'GET', '/api/v3/catalog/by-path/keep%20space/deep/t'))
      .json as {
      id: string
      tag: string
    }
    await first.close()

    const second = await start({ dataDir: temp.dir })
    try {
      expect((await run(second, 'SELECT name FROM "keep space".deep.t ORDER BY id')).rows).toEqual([
        { name: 'one' },
        { name: 'two' },
      ])
      expect((await run(second, 'SELECT n FROM "keep space".v')).rows).toEqual([{ n: 2 }])
      const after = (await call(second, 'GET', '/api/v3/catalog/by-path/keep%20space/deep/t')).json
      expect(after).toMatchObject({ id: before.id, tag: before.tag })
      expect((await call(second, 'GET', '/api/v3/catalog/by-path/Empty')).status).toBe(200)
    } finally {
      await second.close()
    }
  })

  it('refuses a data directory another emulator holds open, with a typed error', async () => {
    const holder = await start({ dataDir: temp.dir })
    try {
      const error = await start({ dataDir: temp.dir }).catch((e: unknown) => e)
      expect(EmulatorError.is(error)).toBe(true)
      expect((error as EmulatorError).code).toBe('DF_EMULATOR_STORAGE_FAILED')
    } finally {
      await holder.close()
    }
  })

  it('starts empty in memory by default', async () => {
    const memory = await start()
    try {
      expect((await call(memory, 'GET', '/api/v3/catalog/by-path/keep%20space')).status).toBe(404)
    } finally {
      await memory.close()
    }
  })
})

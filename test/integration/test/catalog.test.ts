/** Catalog end to end: CRUD with tags, paths with spaces/quotes/dots, ensureFolder, conflicts. */
import { type DremioClient, DremioError, DremioHttpError, quotePath } from '@df/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, patClient, startEmulator, thrown } from './helpers.js'

let emu: Emulator
let client: DremioClient

beforeAll(async () => {
  emu = await startEmulator()
  client = patClient(emu)
}, 60_000)

afterAll(async () => {
  await client?.close()
  await emu?.close()
})

describe('catalog', () => {
  it('creates, reads, lists and deletes spaces and folders with awkward names', async () => {
    const space = await client.catalog.createSpace('My Space')
    expect(space).toMatchObject({ entityType: 'space', name: 'My Space' })
    expect(space.id).toBeTruthy()
    const folder = await client.catalog.createFolder(['My Space', 'a.b c%d'])
    expect(folder).toMatchObject({ entityType: 'folder', path: ['My Space', 'a.b c%d'] })
    expect((await client.catalog.getByPath(['My Space', 'a.b c%d']))?.id).toBe(folder.id)
    expect((await client.catalog.getByPath('"My Space"."a.b c%d"'))?.id).toBe(folder.id)
    expect((await client.catalog.get(folder.id))?.path).toEqual(['My Space', 'a.b c%d'])
    const children = await client.catalog.list(['My Space'])
    expect(children.map((c) => c.path)).toEqual([['My Space', 'a.b c%d']])
    expect((await client.catalog.list()).some((i) => i.path[0] === 'My Space')).toBe(true)
    expect(await client.catalog.delete(folder.id)).toBe(true)
    expect(await client.catalog.get(folder.id)).toBeUndefined()
    expect(await client.catalog.getByPath(['My Space', 'a.b c%d'])).toBeUndefined()
    expect(await client.catalog.delete(folder.id)).toBe(false)
    const missing = await thrown(() => client.catalog.getOrThrow(folder.id))
    expect(missing.code).toBe('DF_DREMIO_NOT_FOUND')
  })

  it('answers a duplicate space with a typed conflict', async () => {
    await client.catalog.createSpace('dup')
    const error = await thrown(() => client.catalog.createSpace('dup'))
    expect(error).toBeInstanceOf(DremioHttpError)
    expect(error.code).toBe('DF_DREMIO_CONFLICT')
  })

  it('creates, queries and updates a view; a stale tag is a typed conflict', async () => {
    await client.catalog.ensureFolder(['views', 'sub'])
    const view = await client.catalog.createView(['views', 'sub', 'v'], 'SELECT 1 AS x')
    expect(view).toMatchObject({
      entityType: 'dataset',
      type: 'VIRTUAL_DATASET',
      sql: 'SELECT 1 AS x',
    })
    expect(await client.query(`SELECT x FROM ${quotePath(['views', 'sub', 'v'])}`)).toEqual([
      { x: 1 },
    ])
    const updated = await client.catalog.updateView(view.id, {
      sql: 'SELECT 2 AS x',
      tag: view.tag as string,
    })
    expect(updated.tag).not.toBe(view.tag)
    expect(await client.query('SELECT x FROM views.sub.v')).toEqual([{ x: 2 }])
    const stale = await thrown(() =>
      client.catalog.updateView(view.id, { sql: 'SELECT 3 AS x', tag: view.tag as string }),
    )
    expect(stale).toBeInstanceOf(DremioHttpError)
    expect(stale.status).toBe(409)
    expect(stale.code).toBe('DF_DREMIO_CONFLICT')
    const staleDelete = await thrown(() =>
      client.catalog.delete(view.id, { tag: view.tag as string }),
    )
    expect(staleDelete.code).toBe('DF_DREMIO_CONFLICT')
    expect(await client.catalog.delete(view.id, { tag: updated.tag as string })).toBe(true)
  })

  it('ensureFolder is idempotent and tolerates a concurrent creator', async () => {
    const [a, b] = await Promise.all([
      client.catalog.ensureFolder(['ens', 'x', 'y']),
      client.catalog.ensureFolder('ens.x.y'),
    ])
    expect(a.id).toBe(b.id)
    expect(a.path).toEqual(['ens', 'x', 'y'])
    expect((await client.catalog.ensureFolder(['ens', 'x', 'y'])).id).toBe(a.id)
    expect((await client.catalog.getByPath(['ens']))?.entityType).toBe('space')
  })

  it('rejects a malformed path before sending anything, and encodes odd segments safely', async () => {
    for (const bad of ['a;b', 'a.b"c', '"unterminated', 'a..b']) {
      const error = await thrown(() => client.catalog.getByPath(bad))
      expect(DremioError.is(error)).toBe(true)
      expect(error.code).toBe('DF_DREMIO_INVALID_SQL_INPUT')
    }
    const dotdot = await thrown(() => client.catalog.getByPath(['views', '..']))
    expect(dotdot.code).toBe('DF_DREMIO_INVALID_SQL_INPUT')
    // As an array, a quote or ; is just part of a name: encoded, looked up, not found.
    expect(await client.catalog.getByPath(['views', 'x"; DROP', 'y/z?'])).toBeUndefined()
  })
})

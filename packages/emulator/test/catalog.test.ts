import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../src/index.js'
import { call, run, start } from './helpers.js'

let emu: Emulator
beforeAll(async () => {
  emu = await start()
})
afterAll(() => emu.close())

type Entity = Record<string, unknown> & { id: string; tag: string }

async function create(body: unknown, prefix = '/api/v3'): Promise<Entity> {
  const answer = await call(emu, 'POST', `${prefix}/catalog`, body)
  if (answer.status !== 200)
    throw new Error(`POST /catalog answered ${answer.status}: ${answer.text}`)
  return answer.json as Entity
}

describe('catalog API', () => {
  it('lists the root (the ping clients send before each request)', async () => {
    const answer = await call(emu, 'GET', '/api/v3/catalog')
    expect(answer.status).toBe(200)
    expect(answer.json).toHaveProperty('data')
  })

  it('creates a space and a folder, and reads them by id and by percent-encoded path', async () => {
    const space = await create({ entityType: 'space', name: 'Crud Space' })
    expect(space).toMatchObject({ entityType: 'space', name: 'Crud Space', children: [] })
    expect(space.id).toBeTypeOf('string')
    expect(space.tag).toBeTypeOf('string')
    const folder = await create({ entityType: 'folder', path: ['Crud Space', 'a/b c'] })
    expect(folder).toMatchObject({
      entityType: 'folder',
      path: ['Crud Space', 'a/b c'],
      children: [],
    })
    const byId = await call(emu, 'GET', `/api/v3/catalog/${space.id}`)
    expect(byId.json).toMatchObject({
      entityType: 'space',
      children: [
        {
          id: folder.id,
          path: ['Crud Space', 'a/b c'],
          type: 'CONTAINER',
          containerType: 'FOLDER',
        },
      ],
    })
    const byPath = await call(
      emu,
      'GET',
      `/api/v3/catalog/by-path/Crud%20Space/${encodeURIComponent('a/b c')}/`,
    )
    expect(byPath.json).toMatchObject({ id: folder.id })
    const root = (await call(emu, 'GET', '/api/v3/catalog')).json as { data: Entity[] }
    expect(root.data).toContainEqual(
      expect.objectContaining({
        id: space.id,
        path: ['Crud Space'],
        type: 'CONTAINER',
        containerType: 'SPACE',
      }),
    )
  })

  it('answers duplicates with 409 (Software) and 400 "already exists" (Cloud)', async () => {
    await create({ entityType: 'space', name: 'Dup' })
    const software = await call(emu, 'POST', '/api/v3/catalog', {
      entityType: 'space',
      name: 'Dup',
    })
    expect(software).toMatchObject({
      status: 409,
      json: { errorMessage: 'A space with the name [Dup] already exists.', moreInfo: '' },
    })
    await create({ entityType: 'folder', path: ['Dup', 'f'] })
    const folder = await call(emu, 'POST', '/api/v3/catalog', {
      entityType: 'folder',
      path: ['Dup', 'f'],
    })
    expect(folder.status).toBe(409)
    const cloud = await call(emu, 'POST', `/v0/projects/${emu.projectId}/catalog`, {
      entityType: 'space',
      name: 'Dup',
    })
    expect(cloud).toMatchObject({
      status: 400,
      json: { errorMessage: 'An object already exists with that name' },
    })
  })

  it('rejects a folder without a parent and an unknown entity type with 400', async () => {
    const orphan = await call(emu, 'POST', '/api/v3/catalog', {
      entityType: 'folder',
      path: ['Nope', 'x'],
    })
    expect(orphan).toMatchObject({
      status: 400,
      json: { errorMessage: 'Could not find entity with path [[Nope, x]].' },
    })
    const bad = await call(emu, 'POST', '/api/v3/catalog', { entityType: 'gizmo' })
    expect(bad.status).toBe(400)
  })

  it('answers unknown ids and paths with 404 and Dremio’s messages', async () => {
    expect(await call(emu, 'GET', '/api/v3/catalog/no-such-id')).toMatchObject({
      status: 404,
      json: { errorMessage: 'Could not find entity with id [no-such-id]', moreInfo: '' },
    })
    expect(await call(emu, 'GET', '/api/v3/catalog/by-path/a/b')).toMatchObject({
      status: 404,
      json: { errorMessage: 'Could not find entity with path [[a, b]]' },
    })
  })

  it('creates a view, updates it with its tag, and refuses a stale tag with 409', async () => {
    await create({ entityType: 'space', name: 'Views' })
    await emu.query('CREATE TABLE lakeview.orders (id INT, amount DECIMAL(12,2))')
    await emu.query('INSERT INTO lakeview.orders VALUES (1, 10.50), (2, -1)')
    const view = await create({
      entityType: 'dataset',
      type: 'VIRTUAL_DATASET',
      path: ['Views', 'positive'],
      sql: 'SELECT * FROM orders WHERE amount > 0',
      sqlContext: ['lakeview'],
    })
    expect(view).toMatchObject({
      entityType: 'dataset',
      type: 'VIRTUAL_DATASET',
      path: ['Views', 'positive'],
      sql: 'SELECT * FROM orders WHERE amount > 0',
      sqlContext: ['lakeview'],
      fields: [
        { name: 'id', type: { name: 'INTEGER' } },
        { name: 'amount', type: { name: 'DECIMAL', precision: 12, scale: 2 } },
      ],
    })
    expect((await run(emu, 'SELECT id FROM Views.positive')).rows).toEqual([{ id: 1 }])
    const updated = await call(emu, 'PUT', `/api/v3/catalog/${view.id}`, {
      ...view,
      sql: 'SELECT id FROM orders',
    })
    expect(updated.status).toBe(200)
    const fresh = updated.json as Entity
    expect(fresh.tag).not.toBe(view.tag)
    expect(fresh).not.toHaveProperty('children')
    expect((await run(emu, 'SELECT count(*) AS n FROM Views.positive')).rows).toEqual([{ n: 2 }])
    const stale = await call(emu, 'PUT', `/api/v3/catalog/${view.id}`, {
      ...view,
      sql: 'SELECT 1 AS x',
    })
    expect(stale.status).toBe(409)
    expect((stale.json as { errorMessage: string }).errorMessage).toBe(
      `tried to update version ${view.tag}, found previous version ${fresh.tag}`,
    )
    const mismatch = await call(emu, 'PUT', `/api/v3/catalog/${view.id}`, { ...fresh, id: 'other' })
    expect(mismatch).toMatchObject({ status: 404, json: { errorMessage: 'Ids must match.' } })
  })

  it('rejects a view with broken SQL with 400 and the SQL error', async () => {
    await create({ entityType: 'space', name: 'Broken' })
    const answer = await call(emu, 'POST', '/api/v3/catalog', {
      entityType: 'dataset',
      type: 'VIRTUAL_DATASET',
      path: ['Broken', 'v'],
      sql: 'SELECT * FROM nowhere.at_all',
    })
    expect(answer).toMatchObject({
      status: 400,
      json: { errorMessage: "Object 'at_all' not found within 'nowhere'" },
    })
  })

  it('lists tables made by SQL as datasets, and serves their fields', async () => {
    await run(emu, 'CREATE TABLE listed.sub.t (id BIGINT, name VARCHAR)')
    const folder = (await call(emu, 'GET', '/api/v3/catalog/by-path/listed/sub')).json as Entity
    expect(folder.children).toEqual([
      expect.objectContaining({
        path: ['listed', 'sub', 't'],
        type: 'DATASET',
        datasetType: 'PROMOTED',
      }),
    ])
    const table = (await call(emu, 'GET', '/api/v3/catalog/by-path/listed/sub/t')).json as Entity
    expect(table).toMatchObject({
      entityType: 'dataset',
      type: 'PHYSICAL_DATASET',
      fields: [
        { name: 'id', type: { name: 'BIGINT' } },
        { name: 'name', type: { name: 'VARCHAR' } },
      ],
    })
    const del = await call(emu, 'DELETE', `/api/v3/catalog/${table.id}`)
    expect(del).toMatchObject({
      status: 400,
      json: { errorMessage: 'A physical dataset can not be deleted.' },
    })
  })

  it('deletes with 204, checks ?tag (409 when stale) and removes contents recursively', async () => {
    const space = await create({ entityType: 'space', name: 'Gone' })
    await run(emu, 'CREATE TABLE Gone.inner.t (id INT)')
    const current = (await call(emu, 'GET', `/api/v3/catalog/${space.id}`)).json as Entity
    const stale = await call(emu, 'DELETE', `/api/v3/catalog/${space.id}?tag=not-the-tag`)
    expect(stale).toMatchObject({
      status: 409,
      json: {
        errorMessage: `Cannot delete, expected tag not-the-tag but found tag ${current.tag}`,
      },
    })
    const gone = await call(emu, 'DELETE', `/api/v3/catalog/${space.id}?tag=${current.tag}`)
    expect(gone.status).toBe(204)
    expect(gone.text).toBe('')
    expect((await call(emu, 'GET', `/api/v3/catalog/${space.id}`)).status).toBe(404)
    expect((await call(emu, 'GET', '/api/v3/catalog/by-path/Gone/inner/t')).status).toBe(404)
    const again = await call(emu, 'DELETE', `/api/v3/catalog/${space.id}`)
    expect(again).toMatchObject({
      status: 404,
      json: { errorMessage: `Could not find entity with id [${space.id}].` },
    })
    await run(emu, 'CREATE TABLE Gone.inner.t (id INT)')
  })

  it('looks up batches with POST /catalog/by-paths and /by-ids (Dremio JS SDK)', async () => {
    const space = await create({ entityType: 'space', name: 'Batch' })
    await create({ entityType: 'folder', path: ['Batch', 'f1'] })
    await create({ entityType: 'folder', path: ['Batch', 'f2'] })
    const byPaths = await call(emu, 'POST', '/api/v3/catalog/by-paths?maxChildren=1', [
      ['Batch'],
      ['Batch', 'nope'],
    ])
    expect(byPaths.status).toBe(200)
    const body = byPaths.json as { data: Entity[]; errors: { errorMessage: string }[] }
    expect(body.data).toHaveLength(1)
    expect(body.data[0]).toMatchObject({ id: space.id, entityType: 'space' })
    expect(body.data[0]?.children).toHaveLength(1)
    expect(body.errors).toEqual([{ errorMessage: "'Batch.nope' was not found" }])
    const byIds = await call(emu, 'POST', '/api/v3/catalog/by-ids?maxChildren=20', [space.id])
    expect(byIds.json).toEqual({ data: [expect.objectContaining({ id: space.id })] })
    const noMax = await call(emu, 'POST', '/api/v3/catalog/by-ids', [space.id])
    expect(noMax.status).toBe(400)
  })
})

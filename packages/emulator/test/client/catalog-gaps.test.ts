/**
 * Issue 15 item 10: catalog endpoints the emulator answered with 404 (reference §9.1): tags and
 * wiki (`/catalog/{id}/collaboration/tag|wiki`, optimistic concurrency on `version`), search
 * (`GET /catalog/search?query=`), and promotion of a source file or folder to a table
 * (`POST /catalog/{id}` with a PHYSICAL_DATASET body and a `format`). @df/client's typed methods
 * against the emulator over real HTTP, plus the wire shapes.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DremioClient, type DremioError } from '@df/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../../src/index.js'
import { call, PAT, start, tempDir } from '../helpers.js'

let emu: Emulator
let client: DremioClient
const temp = tempDir('catalog-gaps')
let viewId: string

beforeAll(async () => {
  writeFileSync(join(temp.dir, 'orders.csv'), 'id,amount\n1,2.5\n2,4.0\n')
  mkdirSync(join(temp.dir, 'events'))
  writeFileSync(join(temp.dir, 'events', 'a.json'), '{"id": 1, "kind": "click"}\n')
  emu = await start({ sources: { lake: temp.dir } })
  client = new DremioClient({ url: emu.url, pat: PAT })
  await client.catalog.ensureFolder(['Sales', 'views'])
  viewId = (await client.catalog.createView(['Sales', 'views', 'orders_v'], 'SELECT 1 AS id')).id
})
afterAll(async () => {
  await client.close()
  await emu.close()
  temp.cleanup()
})

const thrown = (p: Promise<unknown>) =>
  p.then(() => undefined).catch((e: unknown) => e as DremioError)

describe('tags', () => {
  it('has none at first, then sets, reads and replaces them with the current version', async () => {
    expect(await client.catalog.getTags(viewId)).toBeUndefined()
    const first = await client.catalog.setTags(viewId, ['finance', 'daily'])
    expect(first.tags).toEqual(['finance', 'daily'])
    expect(typeof first.version).toBe('string')
    expect(await client.catalog.getTags(viewId)).toEqual(first)
    const second = await client.catalog.setTags(viewId, ['finance'], { version: first.version })
    expect(second.tags).toEqual(['finance'])
    expect(second.version).not.toBe(first.version)
  })

  it('a stale or missing version is a conflict', async () => {
    const current =
      (await client.catalog.getTags(viewId)) ?? (await client.catalog.setTags(viewId, ['x']))
    const stale = await thrown(client.catalog.setTags(viewId, ['y'], { version: 'stale-version' }))
    expect(stale?.code).toBe('DF_DREMIO_CONFLICT')
    const missing = await thrown(client.catalog.setTags(viewId, ['y']))
    expect(missing?.code).toBe('DF_DREMIO_CONFLICT')
    expect(await client.catalog.getTags(viewId)).toEqual(current)
  })

  it('only datasets take tags; unknown ids are 404', async () => {
    const space = await client.catalog.getByPathOrThrow(['Sales'])
    const error = await thrown(client.catalog.setTags(space.id, ['t']))
    expect(error?.code).toBe('DF_DREMIO_BAD_REQUEST')
    expect(error?.message).toMatch(/Tags can only be set on datasets/)
    const unknown = await thrown(
      client.catalog.setTags('00000000-0000-0000-0000-000000000000', ['t']),
    )
    expect(unknown?.code).toBe('DF_DREMIO_NOT_FOUND')
  })

  it('wire shape: GET without tags is 404 with Dremio text, POST answers {tags, version}', async () => {
    const view = await client.catalog.createView(['Sales', 'views', 'wire_v'], 'SELECT 2 AS id')
    const none = await call(emu, 'GET', `/api/v3/catalog/${view.id}/collaboration/tag`)
    expect(none.status).toBe(404)
    expect(none.json).toEqual({
      errorMessage: `Entity [${view.id}] does not have any tags set.`,
      moreInfo: '',
    })
    const set = await call(emu, 'POST', `/api/v3/catalog/${view.id}/collaboration/tag`, {
      tags: ['a'],
    })
    expect(set.status).toBe(200)
    expect(Object.keys(set.json as object).sort()).toEqual(['tags', 'version'])
  })
})

describe('wiki', () => {
  it('sets, reads and updates the wiki of a space and a view, versioned', async () => {
    const space = await client.catalog.getByPathOrThrow(['Sales'])
    for (const id of [space.id, viewId]) {
      expect(await client.catalog.getWiki(id)).toBeUndefined()
      const first = await client.catalog.setWiki(id, '# Sales\nOwned by finance.')
      expect(first).toEqual({ text: '# Sales\nOwned by finance.', version: 0 })
      expect(await client.catalog.getWiki(id)).toEqual(first)
      const second = await client.catalog.setWiki(id, 'v2', { version: first.version })
      expect(second).toEqual({ text: 'v2', version: 1 })
      const stale = await thrown(client.catalog.setWiki(id, 'v3', { version: 0 }))
      expect(stale?.code).toBe('DF_DREMIO_CONFLICT')
    }
  })
})

describe('search', () => {
  it('finds datasets and containers by name, case-insensitively', async () => {
    const found = await client.catalog.search('ORDERS_V')
    expect(found.map((i) => i.path)).toEqual([['Sales', 'views', 'orders_v']])
    expect(found[0]).toMatchObject({ type: 'DATASET', datasetType: 'VIRTUAL', id: viewId })
    expect((await client.catalog.search('views')).map((i) => i.path)).toContainEqual([
      'Sales',
      'views',
    ])
    expect(await client.catalog.search('no-such-thing-anywhere')).toEqual([])
    const raw = await call(emu, 'GET', '/api/v3/catalog/search?query=orders_v')
    expect(raw.status).toBe(200)
    expect((raw.json as { data: unknown[] }).data).toHaveLength(1)
  })
})

describe('promotion of source files and folders', () => {
  it('shows an unpromoted file with its text id, promotes it to a table and queries it', async () => {
    const file = await client.catalog.getByPathOrThrow(['lake', 'orders.csv'])
    expect(file).toEqual({
      entityType: 'file',
      id: 'dremio:/lake/orders.csv',
      path: ['lake', 'orders.csv'],
    })
    const table = await client.catalog.promote(['lake', 'orders.csv'], {
      type: 'Text',
      fieldDelimiter: ',',
      extractHeader: true,
    })
    expect(table).toMatchObject({
      entityType: 'dataset',
      type: 'PHYSICAL_DATASET',
      path: ['lake', 'orders.csv'],
      format: { type: 'Text' },
    })
    expect(table.id).not.toBe('dremio:/lake/orders.csv')
    expect(table.fields?.map((f) => f.name)).toEqual(['id', 'amount'])
    expect(await client.catalog.getByPathOrThrow(['lake', 'orders.csv'])).toMatchObject({
      id: table.id,
      type: 'PHYSICAL_DATASET',
    })
    expect(await client.query('SELECT COUNT(*) AS n FROM lake."orders.csv"')).toEqual([{ n: 2 }])
    // Promoting again is a conflict; removing the promotion keeps the file.
    const again = await thrown(client.catalog.promote(['lake', 'orders.csv'], { type: 'Text' }))
    expect(again?.code).toBe('DF_DREMIO_CONFLICT')
    expect(await client.catalog.delete(table.id)).toBe(true)
    expect(await client.catalog.getByPath(['lake', 'orders.csv'])).toMatchObject({
      entityType: 'file',
    })
  })

  it('promotes a folder by its id', async () => {
    const folder = await client.catalog.getByPathOrThrow(['lake', 'events'])
    expect(folder).toMatchObject({ entityType: 'folder', id: 'dremio:/lake/events' })
    const table = await client.catalog.promote(folder.id, { type: 'JSON' })
    expect(table).toMatchObject({ type: 'PHYSICAL_DATASET', path: ['lake', 'events'] })
  })

  it('rejects a missing format, mismatched ids, a non-file entity and a missing file', async () => {
    const noFormat = await call(
      emu,
      'POST',
      `/api/v3/catalog/${encodeURIComponent('dremio:/lake/orders.csv')}`,
      {
        entityType: 'dataset',
        id: 'dremio:/lake/orders.csv',
        path: ['lake', 'orders.csv'],
        type: 'PHYSICAL_DATASET',
      },
    )
    expect(noFormat.status).toBe(400)
    const mismatch = await call(
      emu,
      'POST',
      `/api/v3/catalog/${encodeURIComponent('dremio:/lake/orders.csv')}`,
      {
        entityType: 'dataset',
        id: 'dremio:/lake/other.csv',
        path: ['lake', 'orders.csv'],
        type: 'PHYSICAL_DATASET',
        format: { type: 'Text' },
      },
    )
    expect(mismatch.status).toBe(400)
    expect(mismatch.json).toMatchObject({ errorMessage: 'Ids must match.' })
    const view = await thrown(client.catalog.promote(viewId, { type: 'Parquet' }))
    expect(view?.code).toBe('DF_DREMIO_BAD_REQUEST')
    const missing = await thrown(client.catalog.promote(['lake', 'nope.csv'], { type: 'Text' }))
    expect(missing?.code).toBe('DF_DREMIO_NOT_FOUND')
  })
})

import { describe, expect, it } from 'vitest'
import { allPages, createMemoryBackend } from '../src/index.js'

describe('allPages', () => {
  it('reads a paged list to its last page, passing each nextCursor back', async () => {
    const backend = createMemoryBackend()
    await backend.init()
    const ids = Array.from({ length: 7 }, (_, i) => `p${i}`)
    for (const id of ids) {
      await backend.putPipeline({ id, tasks: [], options: {}, definitionHash: id, updatedAt: 0 })
    }
    const cursors: (string | undefined)[] = []
    const all = await allPages((page) => {
      cursors.push(page.cursor)
      return backend.listPipelines({ limit: 3, ...page })
    })
    expect(all.map((p) => p.id)).toEqual(ids)
    // Three pages: the first without a cursor, then the two cursors the backend handed out.
    expect(cursors).toHaveLength(3)
    expect(cursors[0]).toBeUndefined()
    expect(cursors.slice(1).every((c) => typeof c === 'string')).toBe(true)
    await backend.close()
  })
})

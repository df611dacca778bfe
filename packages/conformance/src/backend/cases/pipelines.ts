/** Pipelines: definitions stored whole, replaced by id, listed by id with cursor paging. */
import { expect } from 'vitest'
import { expectCode } from '../assertions.js'
import { type BackendCase, defineCase } from '../define-case.js'
import { newPipeline, uniqueId } from '../fixtures.js'

export const pipelineCases: readonly BackendCase[] = [
  defineCase(
    'pipelines.put.roundtrip',
    'stores a definition and returns it unchanged',
    async ({ backend }) => {
      const pipeline = newPipeline({ description: 'Nightly load — ünïcødé ✓' })
      await backend.putPipeline(pipeline)
      expect(await backend.getPipeline(pipeline.id)).toEqual(pipeline)
    },
    ['RunHistory'],
  ),

  defineCase(
    'pipelines.get.missing',
    'returns undefined for an unknown id',
    async ({ backend }) => {
      expect(await backend.getPipeline(uniqueId('nope'))).toBeUndefined()
    },
    ['RunHistory'],
  ),

  defineCase(
    'pipelines.put.replace',
    'replaces a definition by id (no stale fields survive, no duplicate)',
    async ({ backend }) => {
      const first = newPipeline({ description: 'v1' })
      await backend.putPipeline(first)
      const { description: _dropped, ...rest } = first
      const second = {
        ...rest,
        tasks: [
          { name: 'only', type: 'http', upstream: [], triggerRule: 'all_success', retries: 1 },
        ],
        options: { maxWorkers: 1 },
        definitionHash: 'sha256:changed',
        updatedAt: first.updatedAt + 1,
      }
      await backend.putPipeline(second)
      expect(await backend.getPipeline(first.id)).toEqual(second)
      const page = await backend.listPipelines()
      expect(page.items.filter((p) => p.id === first.id)).toHaveLength(1)
    },
    ['RunHistory'],
  ),

  defineCase(
    'pipelines.list.order',
    'lists by id ascending, default limit 50, cursor pages cover each pipeline exactly once',
    async ({ backend }) => {
      const prefix = uniqueId('list')
      const ids = Array.from({ length: 57 }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`)
      // Insert out of order: the order must come from the id, not from insertion.
      for (const id of [...ids].reverse()) await backend.putPipeline(newPipeline({ id }))
      const first = await backend.listPipelines()
      expect(first.items.map((p) => p.id)).toEqual(ids.slice(0, 50))
      expect(first.nextCursor).toBeTypeOf('string')
      const second = await backend.listPipelines({ cursor: first.nextCursor, limit: 50 })
      expect(second.items.map((p) => p.id)).toEqual(ids.slice(50))
      expect(second.nextCursor).toBeUndefined()
      const small = await backend.listPipelines({ limit: 7 })
      expect(small.items.map((p) => p.id)).toEqual(ids.slice(0, 7))
    },
    ['RunHistory'],
  ),

  defineCase(
    'pipelines.list.empty',
    'an empty store lists no pipelines and no cursor',
    async ({ backend }) => {
      const page = await backend.listPipelines()
      expect(page.items).toEqual([])
      expect(page.nextCursor).toBeUndefined()
    },
    ['RunHistory'],
  ),

  defineCase(
    'pipelines.list.invalid',
    'rejects a limit outside 1..1000 with DF_OPTION_INVALID (stricter than clamping)',
    async ({ backend }) => {
      await expectCode(backend.listPipelines({ limit: 0 }), 'DF_OPTION_INVALID')
      await expectCode(backend.listPipelines({ limit: 1001 }), 'DF_OPTION_INVALID')
      await expectCode(backend.listPipelines({ limit: 2.5 }), 'DF_OPTION_INVALID')
    },
    ['RunHistory'],
  ),
]

/** Watermarks (`@df/incremental`): compare-and-set on the whole previous value. */
import type { Watermark } from '@df/orchestration'
import { expect } from 'vitest'
import { expectFailed, expectOk } from '../assertions.js'
import { type BackendCase, defineCase } from '../define-case.js'
import { uniqueId } from '../fixtures.js'

const ts = (value: string, updatedAt: number): Watermark => ({
  value,
  type: 'timestamp',
  updatedAt,
})

export const watermarkCases: readonly BackendCase[] = [
  defineCase(
    'watermarks.get.missing',
    'returns undefined for an unknown key',
    async ({ backend }) => {
      expect(await backend.getWatermark(uniqueId('wm'))).toBeUndefined()
    },
    ['WatermarkStore'],
  ),

  defineCase(
    'watermarks.set.create',
    'expected undefined creates the key; a second create of the same key is a conflict',
    async ({ backend }) => {
      const key = uniqueId('wm')
      const first = ts('2024-01-01T00:00:00.000Z', 100)
      expect(expectOk(await backend.setWatermark(key, first, undefined))).toEqual(first)
      expect(await backend.getWatermark(key)).toEqual(first)
      expectFailed(
        await backend.setWatermark(key, ts('2025-01-01T00:00:00.000Z', 200), undefined),
        'conflict',
      )
      expect(await backend.getWatermark(key)).toEqual(first)
    },
    ['WatermarkStore'],
  ),

  defineCase(
    'watermarks.set.cas',
    'advances when expected equals the stored value, type and updatedAt; any difference is a conflict',
    async ({ backend }) => {
      const key = uniqueId('wm')
      const v1: Watermark = { value: '41', type: 'number', updatedAt: 100 }
      expectOk(await backend.setWatermark(key, v1, undefined))
      const v2: Watermark = { value: '42.5', type: 'number', updatedAt: 200 }
      expectFailed(await backend.setWatermark(key, v2, { ...v1, value: '40' }), 'conflict')
      expectFailed(await backend.setWatermark(key, v2, { ...v1, updatedAt: 101 }), 'conflict')
      expectFailed(await backend.setWatermark(key, v2, { ...v1, type: 'string' }), 'conflict')
      expect(await backend.getWatermark(key)).toEqual(v1)
      expect(expectOk(await backend.setWatermark(key, v2, v1))).toEqual(v2)
      expectFailed(await backend.setWatermark(key, v1, v1), 'conflict')
      expect(await backend.getWatermark(key)).toEqual(v2)
    },
    ['WatermarkStore'],
  ),

  defineCase(
    'watermarks.set.missing',
    'an expected value for a key that does not exist is "not-found" (stricter than "conflict"); nothing is created',
    async ({ backend }) => {
      const key = uniqueId('wm')
      expectFailed(await backend.setWatermark(key, ts('b', 2), ts('a', 1)), 'not-found')
      expect(await backend.getWatermark(key)).toBeUndefined()
    },
    ['WatermarkStore'],
  ),

  defineCase(
    'watermarks.keys',
    'keys are exact and independent: similar, unicode and 200-character keys never collide',
    async ({ backend }) => {
      const base = uniqueId('wm')
      const keys = [
        base,
        `${base} `,
        base.toUpperCase(),
        `${base}.schema."table"`,
        `${base}:ключ:日本`,
        `${base}${'k'.repeat(200 - base.length)}`,
      ]
      for (const [i, key] of keys.entries()) {
        expectOk(
          await backend.setWatermark(
            key,
            { value: `v${i}`, type: 'string', updatedAt: i },
            undefined,
          ),
        )
      }
      for (const [i, key] of keys.entries()) {
        expect(await backend.getWatermark(key), key).toEqual({
          value: `v${i}`,
          type: 'string',
          updatedAt: i,
        })
      }
    },
    ['WatermarkStore'],
  ),

  defineCase(
    'watermarks.values',
    'values are stored as exact text (long, unicode, high-precision numbers) with their type',
    async ({ backend }) => {
      const values: Watermark[] = [
        { value: '2024-02-29T23:59:59.999999Z', type: 'timestamp', updatedAt: 1 },
        { value: '123456789012345678901234567890.000000001', type: 'number', updatedAt: 2 },
        { value: `ü→${'z'.repeat(4000)}`, type: 'string', updatedAt: 3 },
        { value: '', type: 'string', updatedAt: 4 },
      ]
      for (const value of values) {
        const key = uniqueId('wm')
        expectOk(await backend.setWatermark(key, value, undefined))
        expect(await backend.getWatermark(key)).toEqual(value)
      }
    },
    ['WatermarkStore'],
  ),
]

/** JSON task results: every JSON value round-trips exactly, including large and awkward ones. */
import type { JsonValue } from '@df/orchestration'
import { expect } from 'vitest'
import { expectOk } from '../assertions.js'
import { type BackendCase, defineCase } from '../define-case.js'
import { seedRun, taskUpdate } from '../fixtures.js'

const AWKWARD: readonly JsonValue[] = [
  {
    rows: 42,
    ok: true,
    ratio: 0.1 + 0.2,
    negative: -12.5,
    exp: 1.5e300,
    big: 9_007_199_254_740_991,
    tiny: 5e-324,
  },
  'plain string',
  'ünïcødé — 日本語 — עברית — emoji 🚀👩‍👩‍👧 — "quotes" \'single\' \\ backslash \n newline \t tab',
  { 'key with spaces': 1, ключ: 'значение', '': 'empty key', '$.dotted.path': [1, 2] },
  [1, 'two', null, false, [[[]]], { deep: { deeper: { deepest: [{}] } } }],
  0,
  true,
  false,
  [],
  {},
  '',
]

function deepNest(depth: number): JsonValue {
  let value: JsonValue = 'bottom'
  for (let i = 0; i < depth; i++) value = { level: i, child: value, list: [i] }
  return value
}

export const taskResultCases: readonly BackendCase[] = [
  defineCase(
    'tasks.results.json',
    'stores results exactly: unicode, nested, empty containers, numbers at the edges',
    async ({ backend }) => {
      const run = await seedRun(backend, { taskIds: AWKWARD.map((_, i) => `t${i}`) })
      const results = await backend.updateTasks(
        AWKWARD.map((result, i) => taskUpdate(run.id, `t${i}`, 1, { state: 'SUCCESS', result })),
      )
      results.forEach((r, i) => {
        expect(expectOk(r).result, `t${i}`).toEqual(AWKWARD[i])
      })
      const stored = await backend.getTasks(run.id)
      stored.forEach((task, i) => {
        expect(task.result, `t${i}`).toEqual(AWKWARD[i])
      })
    },
  ),

  defineCase(
    'tasks.results.null',
    'a JSON null result is stored as null, distinct from "no result" (stricter: null is a value)',
    async ({ backend }) => {
      const run = await seedRun(backend, { taskIds: ['nulled', 'none'] })
      const [r] = await backend.updateTasks([
        taskUpdate(run.id, 'nulled', 1, { state: 'SUCCESS', result: null }),
        taskUpdate(run.id, 'none', 1, { state: 'SUCCESS' }),
      ])
      expect(expectOk(r).result).toBeNull()
      const [nulled, none] = await backend.getTasks(run.id)
      expect(nulled?.result).toBeNull()
      expect(none?.result).toBeUndefined()
      expect(none && 'result' in none ? none.result : undefined).toBeUndefined()
    },
  ),

  defineCase(
    'tasks.results.large',
    'stores a 2 MB result and a 200-level nested result intact',
    async ({ backend }) => {
      const run = await seedRun(backend, { taskIds: ['wide', 'deep'] })
      const wide: JsonValue = {
        text: 'x'.repeat(1_000_000),
        rows: Array.from({ length: 10_000 }, (_, i) => ({ id: i, name: `row ${i} ✓`, v: i / 7 })),
      }
      const deep = deepNest(200)
      const results = await backend.updateTasks([
        taskUpdate(run.id, 'wide', 1, { state: 'SUCCESS', result: wide }),
        taskUpdate(run.id, 'deep', 1, { state: 'SUCCESS', result: deep }),
      ])
      results.forEach(expectOk)
      const [storedWide, storedDeep] = await backend.getTasks(run.id)
      expect(storedWide?.result).toEqual(wide)
      expect(storedDeep?.result).toEqual(deep)
    },
  ),

  defineCase(
    'tasks.results.replace',
    'a later result replaces an earlier one; leaving result out keeps it',
    async ({ backend }) => {
      const run = await seedRun(backend, { taskIds: ['t'] })
      expectOk(
        (await backend.updateTasks([taskUpdate(run.id, 't', 1, { result: { a: [1, 2, 3] } })]))[0],
      )
      const kept = expectOk(
        (await backend.updateTasks([taskUpdate(run.id, 't', 2, { state: 'SUCCESS' })]))[0],
      )
      expect(kept.result).toEqual({ a: [1, 2, 3] })
      const replaced = expectOk(
        (await backend.updateTasks([taskUpdate(run.id, 't', 3, { result: 'short' })]))[0],
      )
      expect(replaced.result).toBe('short')
      expect((await backend.getTasks(run.id))[0]?.result).toBe('short')
    },
  ),
]

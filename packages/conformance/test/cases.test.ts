/** The case registry itself: unique ids, one per declared `CaseId`, areas as documented. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BACKEND_CASES } from '../src/backend.js'

const declared = readFileSync(join(import.meta.dirname, '../src/backend/define-case.ts'), 'utf8')
  .match(/export type CaseId =([\s\S]*?)\n\n/)?.[1]
  ?.match(/'[^']+'/g)
  ?.map((s) => s.slice(1, -1))

describe('backend case registry', () => {
  const ids = BACKEND_CASES.flatMap(([, cases]) => cases.map((c) => c.id))

  it('has unique case ids', () => {
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('registers exactly the declared CaseId union', () => {
    expect(declared).toBeDefined()
    expect([...ids].sort()).toEqual([...(declared ?? [])].sort())
  })

  it('covers every mandatory area', () => {
    const areas = new Set(ids.map((id) => id.split('.')[0]))
    for (const area of [
      'lifecycle',
      'pipelines',
      'runs',
      'tasks',
      'claims',
      'leases',
      'watermarks',
      'concurrency',
    ]) {
      expect(areas, area).toContain(area)
    }
  })
})

/** openapi.json names every route the server has, and only those. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ACTION_ROUTES } from '../../src/api-actions.js'
import { PIPELINE_ROUTES } from '../../src/api-pipelines.js'
import { RUN_ROUTES } from '../../src/api-runs.js'

const doc = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'openapi.json'), 'utf8'),
) as {
  paths: Record<string, Record<string, unknown>>
}

describe('openapi.json', () => {
  it('documents each API route with its method', () => {
    const routes = [...PIPELINE_ROUTES, ...RUN_ROUTES, ...ACTION_ROUTES]
    for (const r of routes) {
      const documented = Object.entries(doc.paths).filter(([path, ops]) => {
        const sample = path.replace(/\{[^}]+\}/g, 'x')
        return r.pattern.test(sample) && r.method.toLowerCase() in ops
      })
      expect(documented, String(r.pattern)).toHaveLength(1)
    }
    const ops = Object.values(doc.paths).flatMap((o) => Object.keys(o))
    // The routes above, plus login, logout, session and events.
    expect(ops).toHaveLength(routes.length + 4)
  })
})

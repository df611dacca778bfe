/**
 * The shared backend conformance suite on SQLite: a temp file per case (the real, multi-process
 * configuration) and `':memory:'`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSqliteBackend } from '@df/backend-sqlite'
import { describeBackend } from '@df/conformance/backend'

const dir = mkdtempSync(join(tmpdir(), 'df-sqlite-conformance-'))
let files = 0

describeBackend({
  name: 'sqlite-file',
  async create() {
    files += 1
    const backend = createSqliteBackend({ path: join(dir, `case-${files}.db`) })
    await backend.init()
    return backend
  },
  async destroy() {
    rmSync(dir, { recursive: true, force: true })
  },
})

describeBackend({
  name: 'sqlite-memory',
  async create() {
    const backend = createSqliteBackend({ path: ':memory:' })
    await backend.init()
    return backend
  },
})

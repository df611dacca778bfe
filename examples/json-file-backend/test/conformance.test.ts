/** The whole `Backend` contract: every case gets a fresh JSON file. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeBackend } from '@df/conformance/backend'
import { createJsonFileBackend } from '../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'json-file-backend-'))
let cases = 0

describeBackend({
  name: 'json-file',
  async create() {
    const backend = createJsonFileBackend({ path: join(dir, `case-${++cases}.json`) })
    await backend.init()
    return backend
  },
  async destroy() {
    rmSync(dir, { recursive: true, force: true })
  },
})

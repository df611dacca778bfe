/**
 * The example backend against the shared suites, exactly as an outside author would run them:
 * `describeBackend` on a fresh file per case, and the crash-recovery and contention suites with
 * child processes opening the same file through this module's `fromUrl`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describeBackend } from '@df/conformance/backend'
import {
  type DurabilityHarness,
  describeContention,
  describeCrashRecovery,
} from '@df/conformance/durability'
import { afterAll } from 'vitest'
import { createJsonFileBackend, fromUrl } from '../json-file-backend.js'

const dir = mkdtempSync(join(tmpdir(), 'df-json-backend-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0

describeBackend({
  name: 'json-file',
  async create() {
    const backend = createJsonFileBackend({ path: join(dir, `case-${++n}.json`) })
    await backend.init()
    return backend
  },
})

const harness: DurabilityHarness = {
  label: 'JSON file',
  packageDir: join(import.meta.dirname, '..'),
  // The children import the backend by path: its built .js where there is one (an author's
  // published package; the packaging test), else the .ts source (run through tsx here).
  backendModule: [
    join(import.meta.dirname, '..', 'json-file-backend.js'),
    join(import.meta.dirname, '..', 'json-file-backend.ts'),
  ].find((file) => existsSync(file))!,
  newStore: async (name) =>
    pathToFileURL(join(dir, `${name}.json`)).href.replace(/^file:/, 'json-file:'),
  open: async (url) => fromUrl(url),
}
describeCrashRecovery(harness)
describeContention(harness)

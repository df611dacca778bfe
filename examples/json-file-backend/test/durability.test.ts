/**
 * The durability suites that run in this process: stored shapes, and races between four
 * backends (as four engine processes would have) on one file.
 * `describeCrashRecovery` and `describeContention` fork children that open the store by URL with
 * `createBackendFromUrl`, which knows only the in-box schemes (sqlite, postgres, mysql) for now.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import {
  type DurabilityHarness,
  describePoolRaces,
  describeStoredShapes,
} from '@df/conformance/durability'
import { createJsonFileBackend } from '../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'json-file-durability-'))

const harness: DurabilityHarness = {
  label: 'JSON file',
  packageDir: join(import.meta.dirname, '..'),
  async newStore(name) {
    return pathToFileURL(join(dir, `${name}.json`)).href
  },
  async open(url) {
    return createJsonFileBackend({ path: fileURLToPath(url) })
  },
  async cleanup() {
    rmSync(dir, { recursive: true, force: true })
  },
}

describeStoredShapes(harness)
describePoolRaces(harness)

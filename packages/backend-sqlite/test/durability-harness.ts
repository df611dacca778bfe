/**
 * The SQLite harness of the shared durability suites: one file per store in a temp dir, child
 * processes open it by `sqlite:////abs/path.db` with the default backend options (SQLite has no
 * pool, so `open` ignores pool options).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DurabilityHarness } from '@df/conformance/durability'
import { createBackendFromUrl } from '@df/orchestration'

/** A harness with its own temp dir, removed by `cleanup`. */
export function sqliteDurabilityHarness(): DurabilityHarness {
  const dir = mkdtempSync(join(tmpdir(), 'df-sqlite-durability-'))
  return {
    label: 'SQLite file',
    packageDir: join(import.meta.dirname, '..'),
    newStore: async (name) => `sqlite:///${join(dir, `${name}.db`)}`,
    open: (url) => createBackendFromUrl(url, { importer: (s) => import(s) }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  }
}

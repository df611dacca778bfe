/**
 * Crash recovery on a real SQLite file: the shared suite (`describeCrashRecovery`), one file per
 * case in a temp dir, child processes open it by `sqlite:////abs/path.db`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeCrashRecovery } from '@df/conformance/durability'
import { createBackendFromUrl } from '@df/orchestration'

const dir = mkdtempSync(join(tmpdir(), 'df-sqlite-crash-'))

describeCrashRecovery({
  label: 'SQLite file',
  packageDir: join(import.meta.dirname, '..'),
  newStore: async (name) => `sqlite:///${join(dir, `${name}.db`)}`,
  open: (url) => createBackendFromUrl(url, { importer: (s) => import(s) }),
  cleanup: async () => rmSync(dir, { recursive: true, force: true }),
})

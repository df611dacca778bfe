/**
 * Once per run of the packaging project: builds (turbo: a cache hit after `pnpm build`), packs
 * each package of `PACKED` with `pnpm pack` (which rewrites `workspace:` and `catalog:` ranges as
 * a publish does) and hands the tarball paths to the tests.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { buildForTests } from '../../../scripts/build-for-tests.js'
import { PACKED, ROOT } from './helpers.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Package name → absolute path of its packed tarball. */
    tarballs: Record<string, string>
  }
}

export default function setup(project: TestProject): () => void {
  buildForTests()
  const dir = mkdtempSync(join(tmpdir(), 'df-packed-'))
  const tarballs: Record<string, string> = {}
  for (const [name, path] of Object.entries(PACKED)) {
    const out = execFileSync('pnpm', ['pack', '--json', '--pack-destination', dir], {
      cwd: join(ROOT, path),
      encoding: 'utf8',
    })
    tarballs[name] = (JSON.parse(out) as { filename: string }).filename
  }
  project.provide('tarballs', tarballs)
  return () => rmSync(dir, { recursive: true, force: true })
}

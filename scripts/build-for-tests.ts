/**
 * Vitest global setup of the projects that test built artifacts (e2e runs apps/cli/dist/bin.js,
 * packaging packs dist/): `turbo run build` once before their tests, a cache hit when nothing
 * changed. Skipped when `pnpm test` (scripts/test.sh) has just built and set DF_TEST_BUILT=1, so
 * two projects of one run never build at once.
 */
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
/** Set by scripts/test.sh after its build. */
const BUILT_ENV = 'DF_TEST_BUILT'

/** Builds every package (turbo; outputs in dist/) unless `pnpm test` already did. */
export function buildForTests(): void {
  if (process.env[BUILT_ENV] === '1') return
  execFileSync('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  })
}

export default buildForTests

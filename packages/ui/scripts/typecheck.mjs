// Type-checks the server (tsconfig.json), and the SPA (vue-tsc, web/tsconfig.json) and the
// browser tests (test/browser/tsconfig.json) where they exist. Stops at the first failure.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const steps = [
  ['tsc', ['-p', 'tsconfig.json', '--noEmit'], 'tsconfig.json'],
  ['vue-tsc', ['-p', 'web/tsconfig.json', '--noEmit'], 'web/tsconfig.json'],
  ['tsc', ['-p', 'test/browser/tsconfig.json', '--noEmit'], 'test/browser/tsconfig.json'],
]
for (const [bin, args, config] of steps) {
  if (!existsSync(join(root, config))) continue
  const r = spawnSync(bin, args, {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

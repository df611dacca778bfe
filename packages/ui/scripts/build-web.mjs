// Builds the SPA (packages/ui/web, owned by the SPA) into dist/web with vite. The web
// directory's own vite.config.ts decides the details; this script only refuses to pretend:
// without web/index.html there is nothing to build, and it says so.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
if (!existsSync(join(root, 'web', 'index.html'))) {
  console.warn(
    '[@df/ui] web/index.html not found: the SPA is not built (the server answers 404 for pages).',
  )
  process.exit(0)
}
const r = spawnSync('vite', ['build', 'web', '--outDir', '../dist/web', '--emptyOutDir'], {
  cwd: root,
  stdio: 'inherit',
  shell: process.platform === 'win32',
})
process.exit(r.status ?? 1)

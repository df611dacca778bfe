#!/usr/bin/env node
// `pnpm bench <name> [args…]` runs bench/<name>/run.ts on the packages' TypeScript source.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const [name, ...args] = process.argv.slice(2)
const names = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'run.ts')))
  .map((d) => d.name)
if (!name || !names.includes(name)) {
  console.error(`usage: pnpm bench <${names.join('|') || 'name'}> [args…]`)
  process.exit(2)
}
const r = spawnSync(
  process.execPath,
  [
    '--conditions=@df/source',
    '--import',
    'tsx',
    '--expose-gc',
    join(here, name, 'run.ts'),
    ...args,
  ],
  { stdio: 'inherit', cwd: here },
)
process.exit(r.status ?? 1)

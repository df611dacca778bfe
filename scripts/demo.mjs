// `pnpm demo`: runs scripts/demo/main.ts on the TypeScript sources (tsx, `@df/source` export
// condition), so it works right after `pnpm install --frozen-lockfile`, with nothing built.
// Custom export conditions can only be set on the command line, hence the child process.
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const main = join(dirname(fileURLToPath(import.meta.url)), 'demo', 'main.ts')
const child = spawn(
  process.execPath,
  ['--conditions=@df/source', '--import', 'tsx', main, ...process.argv.slice(2)],
  { stdio: 'inherit' },
)
// Ctrl-C reaches the child too (same process group); wait for it to cancel cleanly.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => {})
child.on('close', (code, signal) => {
  process.exitCode = code ?? (signal === 'SIGINT' ? 130 : 1)
})

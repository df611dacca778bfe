/**
 * CLI startup benchmark (issue 10): why the e2e tests run the built bin. One `dremio-cli
 * pipeline list` on an empty SQLite file (parse flags, load the backend, open the file, print)
 * as the published bin (`node apps/cli/dist/bin.js`) and as the sources through tsx (what the
 * e2e tests ran before), alternating, `runs` times each. Needs `pnpm build` first.
 * Usage: pnpm bench cli-startup [runs=15]
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'

const runs = Number(process.argv[2] ?? 15)
const root = join(import.meta.dirname, '..', '..')
const bin = join(root, 'apps/cli/dist/bin.js')
if (!existsSync(bin)) throw new Error(`${bin} is missing: run pnpm build first`)
const dir = mkdtempSync(join(tmpdir(), 'df-bench-cli-'))
const args = ['pipeline', 'list', '--backend-url', `sqlite:///${join(dir, 'runs.db')}`]
const variants: Record<string, string[]> = {
  'dist/bin.js (node)': [bin, ...args],
  'src/bin.ts (tsx)': [
    '--conditions=@df/source',
    '--import',
    'tsx',
    join(root, 'apps/cli/src/bin.ts'),
    ...args,
  ],
}
const times: Record<string, number[]> = Object.fromEntries(
  Object.keys(variants).map((k) => [k, []]),
)
for (let i = 0; i < runs; i++) {
  for (const [name, argv] of Object.entries(variants)) {
    const start = performance.now()
    const r = spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`${name} exited ${r.status}: ${r.stderr}`)
    times[name]!.push(performance.now() - start)
  }
}
rmSync(dir, { recursive: true, force: true })
const q = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))]!
console.log('variant                 median ms   p90 ms')
for (const [name, xs] of Object.entries(times)) {
  console.log(
    `${name.padEnd(22)}  ${q(xs, 0.5).toFixed(0).padStart(9)}  ${q(xs, 0.9).toFixed(0).padStart(7)}`,
  )
}
const [dist, tsx] = Object.values(times) as [number[], number[]]
console.log(
  `tsx / dist median: ${(q(tsx, 0.5) / q(dist, 0.5)).toFixed(2)}x (${runs} runs each, load ${loadavg()[0]!.toFixed(2)})`,
)

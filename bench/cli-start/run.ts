/**
 * `pnpm bench cli-start`: what a scheduler pays per task for `dremio-cli` (issue 14), measured
 * as wall time from spawn to exit of the published bin (`apps/cli/dist/bin.js`, rebuilt here by
 * `apps/cli/scripts/bundle.mjs`), beside `node -e 0` in the same run:
 * - `--help` (target <= 150 ms) and `sql "SELECT 1"` against the emulator (target <= 400 ms);
 * - for comparison, the same commands on the TypeScript source through tsx (what
 *   `pnpm dremio-cli` runs in the checkout);
 * - SIGTERM to the process group (as Airflow stops a task) while a Dremio job runs: when the
 *   emulator saw the cancel (target <= 200 ms) and when the process was gone (target <= 1 s).
 * Runs are interleaved (one of each case per round) so that machine load hits every case alike.
 * `--runs N` (default 15).
 */
import { spawn, spawnSync } from 'node:child_process'
import { loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createEmulator } from '@df/emulator'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const BIN = join(ROOT, 'apps/cli/dist/bin.js')
const SOURCE = ['--conditions=@df/source', '--import', 'tsx', join(ROOT, 'apps/cli/src/bin.ts')]
const runsArg = process.argv.indexOf('--runs')
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15

const built = spawnSync(process.execPath, [join(ROOT, 'apps/cli/scripts/bundle.mjs')], {
  encoding: 'utf8',
})
if (built.status !== 0) throw new Error(`bundling failed:\n${built.stderr}`)
process.stdout.write(`# ${built.stdout.trim()}\n`)

const emulator = await createEmulator({ port: 0 })
const env = {
  ...process.env,
  DREMIO_URL: emulator.url,
  DREMIO_PAT: emulator.credentials.tokens[0] as string,
  NO_COLOR: '1',
}

/** Wall ms from spawn to exit; rejects on a non-zero exit. */
function timed(args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let err = ''
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString()
    })
    child.on('close', (code) => {
      if (code === 0) resolve(performance.now() - t0)
      else reject(new Error(`${args.join(' ')} exited ${code}: ${err}`))
    })
  })
}

const cases: [string, string[]][] = [
  ['node -e 0', ['-e', '0']],
  ['dremio-cli --help', [BIN, '--help']],
  ['dremio-cli sql "SELECT 1"', [BIN, 'sql', 'SELECT 1']],
  ['source (tsx): --help', [...SOURCE, '--help']],
  ['source (tsx): sql "SELECT 1"', [...SOURCE, 'sql', 'SELECT 1']],
]
const samples = new Map<string, number[]>(cases.map(([name]) => [name, []]))
for (const [, args] of cases) await timed(args) // warm the file cache once
for (let round = 0; round < RUNS; round++) {
  for (const [name, args] of cases) samples.get(name)?.push(await timed(args))
}

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))] as number
}
const node = q(samples.get('node -e 0') as number[], 0.5)
const [l1, l5] = loadavg()
process.stdout.write(
  `# cold start, wall ms spawn -> exit, ${RUNS} interleaved runs, Node ${process.version}, load ${l1?.toFixed(1)}/${l5?.toFixed(1)}\n`,
)
process.stdout.write('case\truns\tmin_ms\tmedian_ms\tp90_ms\tmedian_minus_node_ms\n')
for (const [name] of cases) {
  const xs = samples.get(name) as number[]
  const median = q(xs, 0.5)
  process.stdout.write(
    `${name}\t${xs.length}\t${Math.min(...xs).toFixed(0)}\t${median.toFixed(0)}\t${q(xs, 0.9).toFixed(0)}\t${(median - node).toFixed(0)}\n`,
  )
}

/** SIGTERM to the group of `bash -c 'dremio-cli sql …'` while its job runs. */
async function sigterm(): Promise<{ cancel: number; gone: number }> {
  emulator.setJobLatency(60_000)
  const before = new Set(emulator.jobs.list().map((j) => j.id))
  const child = spawn('bash', ['-c', `exec "${process.execPath}" "${BIN}" sql "SELECT 2"`], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: 'ignore',
  })
  const closed = new Promise<number>((resolve) => child.on('close', () => resolve(Date.now())))
  let id: string | undefined
  while (!id) {
    await new Promise((r) => setTimeout(r, 5))
    id = emulator.jobs.list().find((j) => !before.has(j.id) && j.state === 'RUNNING')?.id
  }
  const t0 = Date.now()
  process.kill(-(child.pid as number), 'SIGTERM')
  const job = await emulator.jobs.settled(id)
  const gone = (await closed) - t0
  emulator.setJobLatency(0)
  if (job.state !== 'CANCELED') throw new Error(`job ${id} ended ${job.state}`)
  return { cancel: (job.endedAt as Date).getTime() - t0, gone }
}
const stops: { cancel: number; gone: number }[] = []
for (let i = 0; i < Math.min(RUNS, 10); i++) stops.push(await sigterm())
process.stdout.write(
  `# SIGTERM to the process group of bash -c 'dremio-cli sql …' while the job runs (${stops.length} runs)\n`,
)
process.stdout.write('case\truns\tmedian_ms\tmax_ms\ttarget_ms\n')
for (const [name, key, target] of [
  ['SIGTERM -> job CANCELED in the emulator', 'cancel', 200],
  ['SIGTERM -> process gone', 'gone', 1000],
] as const) {
  const xs = stops.map((s) => s[key])
  process.stdout.write(
    `${name}\t${xs.length}\t${q(xs, 0.5).toFixed(0)}\t${Math.max(...xs).toFixed(0)}\t${target}\n`,
  )
}
await emulator.close()

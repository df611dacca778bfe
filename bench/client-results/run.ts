/**
 * `pnpm bench client-results`: rows/s through @df/client from @df/emulator over loopback, for
 * 100,000 and 1,000,000 rows x 5 columns, concurrent paging vs one page at a time (ratio from the
 * same run), and the median latency of `job.wait()` for a job that completes at once.
 * Then Flight vs REST end to end (flight.ts): the same query through Arrow Flight (batches, a
 * Table, rows) and through REST (pages, a Table), with peak RSS.
 * Args: `--sizes 100000,1000000 --concurrency 6 --rounds 2 --waits 200 --latency-ms 0,2`
 * (`--latency-ms` lists round trips to simulate; 0 is plain loopback; default 0,10), `--in-process`,
 * `--memory-sizes 1000000,5000000` (rows for the per-process RSS table), and `--only flight`
 * (just the Flight vs REST comparison and memory) or `--only paging`.
 */
import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { DremioClient, type Job } from '@df/client'
import { createEmulator } from '@df/emulator'
import { CASES, type CaseResult, measure, resultsSql } from './flight.js'

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback
}
const sizes = arg('sizes', '100000,1000000').split(',').map(Number)
const concurrency = Number(arg('concurrency', '6'))
const rounds = Number(arg('rounds', '2'))
const waits = Number(arg('waits', '200'))
const latencies = arg('latency-ms', '0,10').split(',').map(Number)
// `--in-process` runs the emulator on the client's event loop: both then share one thread, so
// concurrent paging cannot overlap server and client work. The default is a child process.
const inProcess = process.argv.includes('--in-process')
const only = arg('only', 'all')
// Streaming holds one batch at a time: the same growth at 1M and 5M rows shows the bound.
const memorySizes = arg('memory-sizes', '1000000,5000000').split(',').map(Number)

interface Started {
  url: string
  flightUrl: string
  stop(): Promise<void>
}

async function startEmulator(latencyMs: number): Promise<Started> {
  if (inProcess) {
    const emu = await createEmulator({ port: 0, flightPort: 0 })
    return { url: emu.url, flightUrl: emu.flightUrl as string, stop: () => emu.close() }
  }
  const script = new URL('../shared/emulator-process.ts', import.meta.url).pathname
  const child = spawn(
    process.execPath,
    [
      '--conditions=@df/source',
      '--import',
      'tsx',
      script,
      '--latency-ms',
      String(latencyMs),
      '--flight',
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  )
  // Never leave the emulator running if this benchmark dies half-way.
  process.on('exit', () => child.kill())
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string]
  const started = JSON.parse(line) as { url: string; flightUrl: string }
  return {
    url: started.url,
    flightUrl: started.flightUrl,
    stop: async () => {
      child.stdin.end()
      await once(child, 'exit')
    },
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

async function readAll(
  job: Job,
  pages: number,
): Promise<{ ms: number; cpuMs: number; rows: number }> {
  globalThis.gc?.()
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  let rows = 0
  for await (const page of job.pages({ concurrency: pages })) rows += page.rows.length
  const cpu = process.cpuUsage(cpu0)
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, rows }
}

const where = inProcess ? 'in the client process' : 'in a child process'
console.log(`# emulator ${where}; client_cpu_ms = CPU used by the client process while reading`)
console.log('case\trtt_ms\trows\tpages_in_flight\tms\tclient_cpu_ms\trows_per_s')
const summary: string[] = []
const comparison: string[] = []
const memory: string[] = []
const run = promisify(execFile)
for (const rtt of latencies) {
  const emu = await startEmulator(rtt)
  const client = new DremioClient({
    url: emu.url,
    pat: 'df-emulator-token',
    flightUrl: emu.flightUrl,
  })
  if (only !== 'paging') {
    await compareTransports(client, rtt)
    await memoryPerCase(emu, rtt)
  }
  if (only === 'flight') {
    await client.close()
    await emu.stop()
    continue
  }
  for (const n of sizes) {
    const t0 = performance.now()
    const job = await client.submit(
      `SELECT range AS id, range * 2 AS v, 'name-' || CAST(range AS VARCHAR) AS name,
              CAST(range AS DOUBLE) / 3 AS ratio, range % 2 = 0 AS even FROM range(${n})`,
    )
    await job.wait()
    console.log(
      `execute (submit+wait)\t${rtt}\t${n}\t-\t${(performance.now() - t0).toFixed(0)}\t-\t-`,
    )
    const best: Record<number, number> = {}
    for (let r = 0; r < rounds; r++) {
      // Alternate the order so neither mode always runs on a warmer process.
      for (const c of r % 2 === 0 ? [concurrency, 1] : [1, concurrency]) {
        const { ms, cpuMs, rows } = await readAll(job, c)
        if (rows !== n) throw new Error(`read ${rows} rows, expected ${n}`)
        const rps = (n / ms) * 1000
        console.log(
          `read pages\t${rtt}\t${n}\t${c}\t${ms.toFixed(0)}\t${cpuMs.toFixed(0)}\t${rps.toFixed(0)}`,
        )
        best[c] = Math.max(best[c] ?? 0, rps)
      }
    }
    const ratio = (best[concurrency] ?? 0) / (best[1] ?? 1)
    summary.push(
      `best rows/s ${concurrency} pages vs 1\t${rtt}\t${n}\t${concurrency}:1\t-\t-\t${(best[concurrency] ?? 0).toFixed(0)} vs ${(best[1] ?? 0).toFixed(0)} = ${ratio.toFixed(2)}x`,
    )
  }
  const latenciesMs: number[] = []
  for (let i = 0; i < waits; i++) {
    const job = await client.submit('SELECT 1 AS one')
    const t0 = performance.now()
    await job.wait()
    latenciesMs.push(performance.now() - t0)
  }
  latenciesMs.sort((a, b) => a - b)
  summary.push(
    `wait() instant job, median (p90)\t${rtt}\t1\t-\t${median(latenciesMs).toFixed(2)} (${latenciesMs[Math.floor(waits * 0.9)]?.toFixed(2)})\t-\t-`,
  )
  await client.close()
  await emu.stop()
}
for (const line of summary) console.log(line)
if (comparison.length > 0) {
  console.log('\n# Flight vs REST, end to end (SQL to last row); best of the rounds')
  console.log('case\trtt_ms\trows\tms\tclient_cpu_ms\trows_per_s\tpeak_rss_mb')
  for (const line of comparison) console.log(line)
  console.log(
    '\n# Client RSS, each case alone in a fresh process (base: after a 1,000-row warm-up)',
  )
  console.log('case\trtt_ms\trows\tbase_rss_mb\tpeak_rss_mb\tgrowth_mb')
  for (const line of memory) console.log(line)
}

/** Peak RSS of the streaming and materializing cases, each in its own process. */
async function memoryPerCase(emu: Started, rtt: number): Promise<void> {
  const script = new URL('./flight.ts', import.meta.url).pathname
  for (const n of memorySizes) {
    for (const name of [
      'flight stream (batches)',
      'flight table (queryArrow)',
      'rest stream (pages)',
    ]) {
      const { stdout } = await run(process.execPath, [
        '--conditions=@df/source',
        '--import',
        'tsx',
        '--expose-gc',
        script,
        '--case',
        name,
        '--rows',
        String(n),
        '--url',
        emu.url,
        '--flight-url',
        emu.flightUrl,
      ])
      const m = JSON.parse(stdout.trim().split('\n').at(-1) as string) as {
        baseRssMb: number
        peakRssMb: number
      }
      memory.push(
        `${name}\t${rtt}\t${n}\t${m.baseRssMb.toFixed(0)}\t${m.peakRssMb.toFixed(0)}\t${(m.peakRssMb - m.baseRssMb).toFixed(0)}`,
      )
    }
  }
}

/** Runs every case of flight.ts `rounds` times (order alternated) and keeps each one's best. */
async function compareTransports(client: DremioClient, rtt: number): Promise<void> {
  for (const n of sizes) {
    const sql = resultsSql(n)
    const best = new Map<string, CaseResult>()
    const names = Object.keys(CASES)
    for (let r = 0; r < rounds; r++) {
      for (const name of r % 2 === 0 ? names : [...names].reverse()) {
        const result = await measure(() => (CASES[name] as (typeof CASES)[string])(client, sql))
        if (result.rows !== n) throw new Error(`${name}: read ${result.rows} rows, expected ${n}`)
        const known = best.get(name)
        if (known === undefined || result.ms < known.ms) best.set(name, result)
      }
    }
    for (const [name, b] of best) {
      comparison.push(
        `${name}\t${rtt}\t${n}\t${b.ms.toFixed(0)}\t${b.cpuMs.toFixed(0)}\t${((n / b.ms) * 1000).toFixed(0)}\t${b.peakRssMb.toFixed(0)}`,
      )
    }
    const flight = best.get('flight stream (batches)') as CaseResult
    const rest = best.get('rest stream (pages)') as CaseResult
    comparison.push(
      `flight stream vs rest stream\t${rtt}\t${n}\t-\t-\t${(rest.ms / flight.ms).toFixed(2)}x\t-`,
    )
  }
}

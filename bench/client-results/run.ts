/**
 * `pnpm bench client-results`: rows/s through @df/client from @df/emulator over loopback, for
 * 100,000 and 1,000,000 rows x 5 columns, concurrent paging vs one page at a time (ratio from the
 * same run), and the median latency of `job.wait()` for a job that completes at once.
 * Args: `--sizes 100000,1000000 --concurrency 6 --rounds 2 --waits 200 --latency-ms 0,2`
 * (`--latency-ms` lists round trips to simulate; 0 is plain loopback; default 0,10) and `--in-process`.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { DremioClient, type Job } from '@df/client'
import { createEmulator } from '@df/emulator'

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

async function startEmulator(latencyMs: number): Promise<{ url: string; stop(): Promise<void> }> {
  if (inProcess) {
    const emu = await createEmulator({ port: 0 })
    return { url: emu.url, stop: () => emu.close() }
  }
  const script = new URL('../shared/emulator-process.ts', import.meta.url).pathname
  const child = spawn(
    process.execPath,
    ['--conditions=@df/source', '--import', 'tsx', script, '--latency-ms', String(latencyMs)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  )
  // Never leave the emulator running if this benchmark dies half-way.
  process.on('exit', () => child.kill())
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string]
  return {
    url: (JSON.parse(line) as { url: string }).url,
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
for (const rtt of latencies) {
  const emu = await startEmulator(rtt)
  const client = new DremioClient({ url: emu.url, pat: 'df-emulator-token' })
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

/**
 * `pnpm bench client-results`: rows/s through @df/client from @df/emulator over loopback, for
 * 100,000 and 1,000,000 rows x 5 columns, concurrent paging vs one page at a time (ratio from the
 * same run), and the median latency of `job.wait()` for a job that completes at once.
 * Optional args: `--sizes 100000,1000000 --concurrency 6 --rounds 2 --waits 200`.
 */
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

const emu = await createEmulator({ port: 0 })
const client = new DremioClient({
  url: emu.url,
  pat: 'df-emulator-token',
  maxConcurrentPages: concurrency,
})

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

async function readAll(job: Job, pageConcurrency: number): Promise<{ ms: number; rows: number }> {
  globalThis.gc?.()
  const t0 = performance.now()
  let rows = 0
  for await (const page of job.pages({ concurrency: pageConcurrency })) rows += page.rows.length
  return { ms: performance.now() - t0, rows }
}

console.log('case\trows\tpages_in_flight\tms\trows_per_s')
const ratios: string[] = []
for (const n of sizes) {
  const t0 = performance.now()
  const job = await client.submit(
    `SELECT range AS id, range * 2 AS v, 'name-' || CAST(range AS VARCHAR) AS name,
            CAST(range AS DOUBLE) / 3 AS ratio, range % 2 = 0 AS even FROM range(${n})`,
  )
  await job.wait()
  const execMs = performance.now() - t0
  console.log(`execute (submit+wait)\t${n}\t-\t${execMs.toFixed(0)}\t-`)
  const best: Record<string, number> = {}
  for (let r = 0; r < rounds; r++) {
    // Alternate the order so neither mode always runs on a warmer process.
    const order = r % 2 === 0 ? [concurrency, 1] : [1, concurrency]
    for (const c of order) {
      const { ms, rows } = await readAll(job, c)
      if (rows !== n) throw new Error(`read ${rows} rows, expected ${n}`)
      const rps = (n / ms) * 1000
      console.log(`read pages\t${n}\t${c}\t${ms.toFixed(0)}\t${rps.toFixed(0)}`)
      best[c] = Math.max(best[c] ?? 0, rps)
    }
  }
  ratios.push(
    `concurrent/sequential\t${n}\t${concurrency}:1\t-\t${((best[concurrency] ?? 0) / (best[1] ?? 1)).toFixed(2)}x`,
  )
}
for (const line of ratios) console.log(line)

const latencies: number[] = []
for (let i = 0; i < waits; i++) {
  const job = await client.submit('SELECT 1 AS one')
  const t0 = performance.now()
  await job.wait()
  latencies.push(performance.now() - t0)
}
console.log(`wait() median, instant job\t1\t-\t${median(latencies).toFixed(2)}\t-`)
console.log(
  `wait() p90, instant job\t1\t-\t${[...latencies].sort((a, b) => a - b)[Math.floor(waits * 0.9)]?.toFixed(2)}\t-`,
)

await client.close()
await emu.close()

/**
 * Flight vs REST, end to end, in one run: each case runs the same SQL from scratch (Flight:
 * GetFlightInfo + DoGet, where Dremio executes the job while it streams; REST: POST /sql, wait,
 * then every page with the client's default concurrency) and reads every row. Peak RSS is
 * sampled every 5 ms while a case runs; `stream` keeps one batch at a time, `table` keeps all.
 * Run as a script (`--case <name> --rows <n> --url <rest> --flight-url <grpc>`), it runs one case
 * in a fresh process and prints `{"baseRssMb", "peakRssMb"}`: memory without other cases' garbage.
 */
import { fileURLToPath } from 'node:url'
import { DremioClient } from '@df/client'

export interface CaseResult {
  ms: number
  cpuMs: number
  rows: number
  peakRssMb: number
}

/** The benchmark query: 5 columns (BIGINT, BIGINT, VARCHAR, DOUBLE, BOOLEAN). */
export function resultsSql(n: number): string {
  return `SELECT range AS id, range * 2 AS v, 'name-' || CAST(range AS VARCHAR) AS name,
              CAST(range AS DOUBLE) / 3 AS ratio, range % 2 = 0 AS even FROM range(${n})`
}

/** The cases compared; each returns the rows it read. */
export const CASES: Record<string, (client: DremioClient, sql: string) => Promise<number>> = {
  // Arrow record batches streamed and dropped: what a pipeline step does with a large extract.
  'flight stream (batches)': async (client, sql) => {
    let rows = 0
    for await (const batch of client.queryBatches(sql, { transport: 'flight' }))
      rows += batch.numRows
    return rows
  },
  'flight table (queryArrow)': async (client, sql) =>
    (await client.queryArrow(sql, { transport: 'flight' })).numRows,
  'flight rows (query)': async (client, sql) =>
    (await client.query(sql, { transport: 'flight' })).length,
  // The REST equivalents, from POST /sql to the last page.
  'rest stream (pages)': async (client, sql) => {
    let rows = 0
    for await (const page of (await client.submit(sql)).pages()) rows += page.rows.length
    return rows
  },
  'rest table (queryArrow)': async (client, sql) =>
    (await client.queryArrow(sql, { transport: 'rest' })).numRows,
}

/** Runs one case, measuring wall time, client CPU and peak RSS. */
export async function measure(run: () => Promise<number>): Promise<CaseResult> {
  globalThis.gc?.()
  await new Promise((r) => setTimeout(r, 50))
  let peak = process.memoryUsage.rss()
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, 5)
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const rows = await run()
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  clearInterval(sampler)
  peak = Math.max(peak, process.memoryUsage.rss())
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, rows, peakRssMb: peak / 1024 / 1024 }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name: string): string =>
    process.argv[process.argv.indexOf(`--${name}`) + 1] as string
  const client = new DremioClient({
    url: arg('url'),
    pat: 'df-emulator-token',
    flightUrl: arg('flight-url'),
  })
  const run = CASES[arg('case')]
  if (run === undefined) throw new Error(`unknown case ${arg('case')}`)
  // Warm up the connections and code paths, so the base includes them.
  await run(client, resultsSql(1000))
  globalThis.gc?.()
  const base = process.memoryUsage.rss()
  const result = await measure(() => run(client, resultsSql(Number(arg('rows')))))
  await client.close()
  process.stdout.write(
    `${JSON.stringify({ baseRssMb: base / 1024 / 1024, peakRssMb: result.peakRssMb })}\n`,
  )
}

/**
 * `pnpm bench loading`: loading throughput into @df/emulator (issue 5).
 * 1. 100,000 rows x 6 columns (int, bigint, double, varchar, timestamp, decimal) from an Arrow
 *    table: `method: 'values'` vs `method: 'staging'` (ratio from the same run).
 * 2. 1,000,000 rows by staging.
 * 3. BatchManager creating 1,000 folders, maxConcurrency 16 vs 1, on plain loopback and over a
 *    link with a 2 ms round trip (`--latency-ms`).
 * The emulator runs in a child process. Args: `--rows 100000 --big 1000000 --folders 1000
 * --rounds 2 --latency-ms 0,2,10 --parts loads,folders`.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { BatchManager } from '@df/batch'
import { DremioClient } from '@df/client'
import {
  type Builder,
  Decimal,
  Float64,
  Int32,
  Int64,
  makeBuilder,
  Table,
  TimestampMillisecond,
  Utf8,
} from 'apache-arrow'
import { createLocalDirectoryStager, createTable, decimalWords } from './loading-api.js'

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback
}
const rows = Number(arg('rows', '100000'))
const big = Number(arg('big', '1000000'))
const folders = Number(arg('folders', '1000'))
const rounds = Number(arg('rounds', '2'))
const latencies = arg('latency-ms', '0,2,10').split(',').map(Number)
const parts = arg('parts', 'loads,folders').split(',')

async function startEmulator(lake: string, latencyMs: number) {
  const script = new URL('../shared/emulator-process.ts', import.meta.url).pathname
  const child = spawn(
    process.execPath,
    [
      '--conditions=@df/source',
      '--import',
      'tsx',
      script,
      '--lake',
      lake,
      '--latency-ms',
      String(latencyMs),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  )
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string]
  const url = (JSON.parse(line) as { url: string }).url
  const client = new DremioClient({ url, pat: 'df-emulator-token' })
  return {
    client,
    stop: async () => {
      await client.close()
      child.stdin.end()
      await once(child, 'exit')
    },
  }
}

/** n rows x 6 columns as an Arrow table, the shape issue 5 names. */
function makeTable(n: number): Table {
  const cols: [string, Builder][] = [
    ['i', makeBuilder({ type: new Int32() })],
    ['b', makeBuilder({ type: new Int64() })],
    ['d', makeBuilder({ type: new Float64() })],
    ['s', makeBuilder({ type: new Utf8() })],
    ['ts', makeBuilder({ type: new TimestampMillisecond() })],
    ['amount', makeBuilder({ type: new Decimal(2, 12, 128) })],
  ]
  const t0 = Date.UTC(2024, 0, 1)
  for (let k = 0; k < n; k++) {
    cols[0]![1].append(k)
    cols[1]![1].append(BigInt(k) * 1_000_003n)
    cols[2]![1].append(k / 7)
    cols[3]![1].append(`customer ${k} O'Hara`)
    cols[4]![1].append(t0 + k * 1000)
    cols[5]![1].append(decimalWords(`${k % 100000}.${String(k % 100).padStart(2, '0')}`, 2))
  }
  return new Table(Object.fromEntries(cols.map(([name, b]) => [name, b.finish().toVector()])))
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

const lake = mkdtempSync(join(tmpdir(), 'df-bench-loading-'))
const stager = createLocalDirectoryStager({ directory: lake, source: 'lake' })
let tableNo = 0
console.log('benchmark\tvariant\tlatency_ms\trows\tmedian_ms\trows_per_s\tratio')
try {
  // Built first: an idle gap of seconds between requests lets the server close the pooled
  // keep-alive socket under the next request (a socket error POST /sql must not retry).
  if (parts.includes('loads')) await loads()
  if (parts.includes('folders')) await batches()
} finally {
  rmSync(lake, { recursive: true, force: true })
}

async function loads(): Promise<void> {
  const table = makeTable(rows)
  const bigTable = makeTable(big)
  const { client, stop } = await startEmulator(lake, 0)
  await client.execute('CREATE FOLDER bench')
  const time = async (method: 'values' | 'staging', data: Table): Promise<number> => {
    const started = performance.now()
    const result = await createTable(client, ['bench', `t${tableNo++}`], data, { method, stager })
    const ms = performance.now() - started
    if (result.rowsWritten !== data.numRows)
      throw new Error(`${method}: wrote ${result.rowsWritten}`)
    return ms
  }
  const values: number[] = []
  const staging: number[] = []
  for (let r = 0; r < rounds; r++) {
    values.push(await time('values', table))
    staging.push(await time('staging', table))
  }
  const v = median(values)
  const s = median(staging)
  console.log(
    `load-${rows}x6\tvalues\t0\t${rows}\t${v.toFixed(0)}\t${Math.round(rows / (v / 1000))}\t1.00`,
  )
  console.log(
    `load-${rows}x6\tstaging\t0\t${rows}\t${s.toFixed(0)}\t${Math.round(rows / (s / 1000))}\t${(v / s).toFixed(2)}`,
  )
  const bigTimes: number[] = []
  for (let r = 0; r < rounds; r++) bigTimes.push(await time('staging', bigTable))
  const b = median(bigTimes)
  console.log(
    `load-${big}x6\tstaging\t0\t${big}\t${b.toFixed(0)}\t${Math.round(big / (b / 1000))}\t-`,
  )
  await stop()
}

async function batches(): Promise<void> {
  for (const latency of latencies) {
    const emu = await startEmulator(lake, latency)
    const paths = (space: string) => Array.from({ length: folders }, (_, k) => [space, `f${k}`])
    const runBatch = async (concurrency: number, space: string): Promise<number> => {
      await emu.client.catalog.ensureFolder([space])
      const started = performance.now()
      const results = await new BatchManager(emu.client, {
        maxConcurrency: concurrency,
      }).createFolders(paths(space))
      const ms = performance.now() - started
      const failed = results.filter((x) => !x.ok).length
      if (failed > 0) throw new Error(`${failed} folders failed`)
      return ms
    }
    const one = await runBatch(1, `c1_${latency}`)
    const sixteen = await runBatch(16, `c16_${latency}`)
    console.log(
      `folders-${folders}\tconcurrency-1\t${latency}\t${folders}\t${one.toFixed(0)}\t${Math.round(folders / (one / 1000))}\t1.00`,
    )
    console.log(
      `folders-${folders}\tconcurrency-16\t${latency}\t${folders}\t${sixteen.toFixed(0)}\t${Math.round(folders / (sixteen / 1000))}\t${(one / sixteen).toFixed(2)}`,
    )
    await emu.stop()
  }
}

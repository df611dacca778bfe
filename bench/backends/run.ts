/**
 * Backend benchmark (issue 4).
 *
 * 1. The engine benchmark's DAG, width 50 × depth 20 (1,000 no-op tasks, each depending on the
 *    task with the same index in the layer before), maxWorkers 4, on each backend: the engine
 *    acknowledges every state change's write before anything downstream starts. Backends take
 *    turns within each round so they share the machine's noise; three warm-up runs each first.
 * 2. `listRuns({ status: 'FAILED', limit: 50 })` (and with a pipeline filter too) out of
 *    1,000,000 stored runs on each durable backend: p50 / p99 / max.
 *
 * Usage: pnpm bench backends [rounds=7] [backends=memory,sqlite,postgres,mysql] [dag|list|all]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMysqlBackend } from '@df/backend-mysql'
import { createPostgresBackend } from '@df/backend-postgres'
import { createSqliteBackend } from '@df/backend-sqlite'
import { type Backend, createMemoryBackend, type Pipeline } from '@df/orchestration'
import { layeredPipeline, timeRun } from './dag.js'
import { MYSQL_URL, POSTGRES_URL, withMysql, withPostgres } from './drivers.js'
import { latency, SEEDED_RUNS, seededMysql, seededPostgres, seededSqlite } from './listing.js'

const rounds = Number(process.argv[2] ?? 7)
const chosen = (process.argv[3] ?? 'memory,sqlite,postgres,mysql').split(',')
const parts = process.argv[4] ?? 'all'
const WIDTH = 50
const DEPTH = 20
const TASKS = WIDTH * DEPTH
const DAG_TARGET: Record<string, number> = { sqlite: 10_000, postgres: 5_000, mysql: 3_000 }
const LIST_TARGET_P99_MS = 20

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const suffix = Math.random().toString(36).slice(2, 8)

interface DagStore {
  readonly name: string
  readonly backend: Backend
  readonly cleanup: () => Promise<void>
  /** Gathers planner statistics after the warm-up (see README: steady state). */
  readonly analyze?: () => Promise<void>
}

/** A fresh, empty store per backend for the DAG runs (dropped at the end). */
async function dagStore(name: string): Promise<DagStore> {
  switch (name) {
    case 'memory':
      return { name, backend: createMemoryBackend(), cleanup: async () => {} }
    case 'sqlite': {
      const dir = mkdtempSync(join(tmpdir(), 'df-bench-dag-'))
      const backend = createSqliteBackend({ path: join(dir, 'dag.db') })
      return { name, backend, cleanup: async () => rmSync(dir, { recursive: true, force: true }) }
    }
    case 'postgres': {
      const schema = `df_bench_dag_${suffix}`
      const backend = createPostgresBackend({ connectionString: POSTGRES_URL, schema })
      const cleanup = () =>
        withPostgres((query) => query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).then(() => {})
      const analyze = () =>
        withPostgres((query) =>
          query(`ANALYZE "${schema}"."task_instances", "${schema}"."attempts", "${schema}"."runs"`),
        ).then(() => {})
      return { name, backend, cleanup, analyze }
    }
    case 'mysql': {
      const database = `df_bench_dag_${suffix}`
      await withMysql((query) =>
        query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`),
      )
      const backend = createMysqlBackend({ uri: MYSQL_URL, database })
      const cleanup = () =>
        withMysql((query) => query(`DROP DATABASE IF EXISTS \`${database}\``)).then(() => {})
      const analyze = () =>
        withMysql((query) =>
          query(`ANALYZE TABLE \`${database}\`.\`task_instances\`, \`${database}\`.\`attempts\``),
        ).then(() => {})
      return { name, backend, cleanup, analyze }
    }
    default:
      throw new Error(`unknown backend '${name}' (memory, sqlite, postgres, mysql)`)
  }
}

async function benchDag(): Promise<void> {
  const stores = await Promise.all(chosen.map(dagStore))
  const pipelines = new Map<string, Pipeline>()
  for (const s of stores) {
    await s.backend.init()
    const pipeline = layeredPipeline(s.backend, WIDTH, DEPTH)
    // Warm-up: JIT, connections, prepared statements, the stored DAG.
    for (let i = 0; i < 3; i++) await timeRun(pipeline)
    // A store in service has planner statistics (autovacuum gathers them within a minute of
    // growth); a schema created a second ago has none, and PostgreSQL plans its hot statements
    // and foreign-key checks as if the tables were empty (sequential scans, cached).
    await s.analyze?.()
    pipelines.set(s.name, pipeline)
  }
  console.log(
    `# ${WIDTH}x${DEPTH} layered DAG (${TASKS} no-op tasks), maxWorkers 4, durable before downstream, ${rounds} rounds`,
  )
  console.log('backend\tround\tms\ttasks_per_s\ttasks_per_cpu_s')
  const rates = new Map<string, number[]>(chosen.map((n) => [n, []]))
  const cpuRates = new Map<string, number[]>(chosen.map((n) => [n, []]))
  for (let r = 1; r <= rounds; r++) {
    for (const s of stores) {
      ;(globalThis as { gc?: () => void }).gc?.()
      const cpu0 = process.cpuUsage()
      const ms = await timeRun(pipelines.get(s.name)!)
      const cpu = process.cpuUsage(cpu0)
      const rate = TASKS / (ms / 1000)
      const cpuRate = TASKS / ((cpu.user + cpu.system) / 1e6)
      rates.get(s.name)!.push(rate)
      cpuRates.get(s.name)!.push(cpuRate)
      console.log([s.name, r, ms.toFixed(1), Math.round(rate), Math.round(cpuRate)].join('\t'))
    }
  }
  const memory = rates.has('memory') ? median(rates.get('memory')!) : undefined
  console.log(
    'backend\tmedian_tasks_per_s\tbest_tasks_per_s\tmedian_tasks_per_cpu_s\tvs_memory\ttarget\tmeets',
  )
  for (const s of stores) {
    const m = median(rates.get(s.name)!)
    const target = DAG_TARGET[s.name]
    console.log(
      [
        s.name,
        Math.round(m),
        Math.round(Math.max(...rates.get(s.name)!)),
        Math.round(median(cpuRates.get(s.name)!)),
        memory ? (m / memory).toFixed(3) : '-',
        target ?? '-',
        target === undefined ? '-' : m >= target ? 'yes' : 'NO',
      ].join('\t'),
    )
  }
  for (const s of stores) {
    await pipelines.get(s.name)?.close()
    await s.backend.close()
    await s.cleanup()
  }
}

async function benchListing(): Promise<void> {
  const seeders: Record<string, () => ReturnType<typeof seededSqlite>> = {
    sqlite: seededSqlite,
    postgres: seededPostgres,
    mysql: seededMysql,
  }
  console.log(
    `# listRuns newest 50 with a status filter, out of ${SEEDED_RUNS.toLocaleString('en')} runs; 300 calls after 20 warm-up`,
  )
  console.log('backend\tquery\tseed_s\tp50_ms\tp99_ms\tmax_ms\ttarget_p99_ms\tmeets')
  for (const name of chosen.filter((n) => n in seeders)) {
    const { backend, seedSeconds } = await seeders[name]!()
    const queries = [
      { label: "status='FAILED'", query: { status: 'FAILED' as const, limit: 50 } },
      {
        label: "status='FAILED',pipeline",
        query: { status: 'FAILED' as const, pipelineId: 'pipe-20', limit: 50 },
      },
    ]
    for (const { label, query } of queries) {
      const page = await backend.listRuns(query)
      if (page.items.length !== 50 || page.items.some((r) => r.status !== 'FAILED')) {
        throw new Error(`${name}: ${label} did not return 50 FAILED runs`)
      }
      const l = await latency(() => backend.listRuns(query))
      console.log(
        [
          name,
          label,
          seedSeconds.toFixed(1),
          l.p50.toFixed(2),
          l.p99.toFixed(2),
          l.max.toFixed(2),
          LIST_TARGET_P99_MS,
          l.p99 <= LIST_TARGET_P99_MS ? 'yes' : 'NO',
        ].join('\t'),
      )
    }
    await backend.close()
  }
}

if (parts === 'all' || parts === 'dag') await benchDag()
if (parts === 'all' || parts === 'list') await benchListing()

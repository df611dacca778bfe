/**
 * Stores of 1,000,000 runs for the listing figures, seeded with bulk SQL (a million `createRun`
 * calls would measure the loader) and kept between bench runs: a SQLite file in the temp
 * directory, a PostgreSQL schema and a MariaDB database, both named `df_bench_runs_1m`.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMysqlBackend } from '@df/backend-mysql'
import { createPostgresBackend } from '@df/backend-postgres'
import { createSqliteBackend } from '@df/backend-sqlite'
import type { Backend } from '@df/orchestration'
import { MYSQL_URL, openSqlite, POSTGRES_URL, withMysql, withPostgres } from './drivers.js'

export const SEEDED_RUNS = 1_000_000
const NAME = 'df_bench_runs_1m'
const SQLITE_PATH = join(tmpdir(), 'df-bench-backends', 'runs-1m.db')
const T0 = 1_700_000_000_000

/**
 * Run i: created at T0 + i s, pipeline `pipe-<i % 50>`, status by `i % 20`: 0 FAILED,
 * 1 CANCELLED, 2 QUEUED, otherwise SUCCESS (a realistic history: mostly successes).
 */
const STATUS_SQL = (i: string) =>
  `CASE ${i} % 20 WHEN 0 THEN 'FAILED' WHEN 1 THEN 'CANCELLED' WHEN 2 THEN 'QUEUED' ELSE 'SUCCESS' END`

export interface SeededStore {
  readonly backend: Backend
  /** Seconds spent seeding now; 0 when an existing store was reused. */
  readonly seedSeconds: number
}

async function timed(seed: () => Promise<void>): Promise<number> {
  const t0 = performance.now()
  await seed()
  return (performance.now() - t0) / 1000
}

export async function seededSqlite(): Promise<SeededStore> {
  mkdirSync(join(tmpdir(), 'df-bench-backends'), { recursive: true })
  const count = () => {
    const db = openSqlite(SQLITE_PATH)
    try {
      return (db.prepare('SELECT count(*) AS n FROM df_runs').get() as { n: number }).n
    } finally {
      db.close()
    }
  }
  let seedSeconds = 0
  if (!existsSync(SQLITE_PATH) || count() !== SEEDED_RUNS) {
    rmSync(SQLITE_PATH, { force: true })
    seedSeconds = await timed(async () => {
      const setup = createSqliteBackend({ path: SQLITE_PATH })
      await setup.init()
      await setup.close()
      const db = openSqlite(SQLITE_PATH)
      db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${SEEDED_RUNS})
        INSERT INTO df_runs (id, pipeline_id, status, params, logical_date, trigger,
          definition_hash, created_at, started_at, ended_at, version)
        SELECT printf('r%07d', i), 'pipe-' || (i % 50), ${STATUS_SQL('i')}, '{}',
          '2026-11-27T00:00:00.000Z', 'schedule', 'h', ${T0} + i * 1000, ${T0} + i * 1000,
          ${T0} + i * 1000 + 500, 1 FROM n`)
      db.exec('ANALYZE')
      db.close()
    })
  }
  const backend = createSqliteBackend({ path: SQLITE_PATH })
  await backend.init()
  return { backend, seedSeconds }
}

export async function seededPostgres(): Promise<SeededStore> {
  const s = `"${NAME}"`
  const existing = await withPostgres(async (query) => {
    const [t] = (await query(`SELECT to_regclass('${s}."runs"') IS NOT NULL AS present`)).rows
    if (!t?.present) return 0
    return Number((await query(`SELECT count(*) AS n FROM ${s}."runs"`)).rows[0]?.n)
  })
  let seedSeconds = 0
  if (existing !== SEEDED_RUNS) {
    seedSeconds = await timed(async () => {
      await withPostgres((query) => query(`DROP SCHEMA IF EXISTS ${s} CASCADE`))
      const setup = createPostgresBackend({ connectionString: POSTGRES_URL, schema: NAME })
      await setup.init()
      await setup.close()
      await withPostgres(async (query) => {
        await query(`INSERT INTO ${s}."runs" ("id", "pipeline_id", "status", "params",
            "logical_date", "trigger", "definition_hash", "created_at", "started_at",
            "ended_at", "version")
          SELECT 'r' || lpad(g::text, 7, '0'), 'pipe-' || (g % 50), ${STATUS_SQL('g')},
            '{}'::jsonb, '2026-11-27T00:00:00.000Z', 'schedule', 'h', ${T0} + g * 1000::bigint,
            ${T0} + g * 1000::bigint, ${T0} + g * 1000::bigint + 500, 1
          FROM generate_series(1, ${SEEDED_RUNS}) AS g`)
        await query(`VACUUM ANALYZE ${s}."runs"`)
      })
    })
  }
  const backend = createPostgresBackend({ connectionString: POSTGRES_URL, schema: NAME })
  await backend.init()
  return { backend, seedSeconds }
}

export async function seededMysql(): Promise<SeededStore> {
  const db = `\`${NAME}\``
  const existing = await withMysql(async (query) => {
    const tables = (await query(
      `SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = 'runs'`,
      [NAME],
    )) as unknown[]
    if (tables.length === 0) return 0
    return Number(
      ((await query(`SELECT count(*) AS n FROM ${db}.\`runs\``)) as { n: number }[])[0]?.n,
    )
  })
  let seedSeconds = 0
  if (existing !== SEEDED_RUNS) {
    seedSeconds = await timed(async () => {
      await withMysql((query) =>
        query(`DROP DATABASE IF EXISTS ${db};
          CREATE DATABASE ${db} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`),
      )
      const setup = createMysqlBackend({ uri: MYSQL_URL, database: NAME })
      await setup.init()
      await setup.close()
      // Six cross-joined digit tables give 1..1,000,000 server-side, in one statement.
      await withMysql(async (query) => {
        await query(`CREATE TABLE ${db}.\`digits\` (\`n\` INT NOT NULL);
          INSERT INTO ${db}.\`digits\` VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)`)
        await query(`INSERT INTO ${db}.\`runs\` (\`id\`, \`pipeline_id\`, \`status\`, \`params\`,
            \`logical_date\`, \`trigger\`, \`definition_hash\`, \`created_at\`, \`started_at\`,
            \`ended_at\`, \`version\`)
          SELECT CONCAT('r', LPAD(g, 7, '0')), CONCAT('pipe-', g MOD 50), ${STATUS_SQL('g')},
            '{}', '2026-11-27T00:00:00.000Z', 'schedule', 'h', ${T0} + g * 1000, ${T0} + g * 1000,
            ${T0} + g * 1000 + 500, 1
          FROM (SELECT 1 + a.n + 10 * b.n + 100 * c.n + 1000 * d.n + 10000 * e.n + 100000 * f.n AS g
            FROM ${db}.\`digits\` a, ${db}.\`digits\` b, ${db}.\`digits\` c, ${db}.\`digits\` d,
              ${db}.\`digits\` e, ${db}.\`digits\` f) AS s`)
        await query(`DROP TABLE ${db}.\`digits\`; ANALYZE TABLE ${db}.\`runs\``)
      })
    })
  }
  const backend = createMysqlBackend({ uri: MYSQL_URL, database: NAME })
  await backend.init()
  return { backend, seedSeconds }
}

/** Latency of `call`, `n` times after `warmup` calls: p50, p99 and max in ms. */
export async function latency(
  call: () => Promise<unknown>,
  n = 300,
  warmup = 20,
): Promise<{ p50: number; p99: number; max: number }> {
  for (let i = 0; i < warmup; i++) await call()
  const ms = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    await call()
    ms[i] = performance.now() - t0
  }
  ms.sort()
  const at = (p: number) => ms[Math.min(n - 1, Math.ceil(p * n) - 1)]!
  return { p50: at(0.5), p99: at(0.99), max: ms[n - 1]! }
}

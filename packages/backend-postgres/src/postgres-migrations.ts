/**
 * Versioned schema migrations of `@df/backend-postgres`, applied by `init()`.
 *
 * Rules: a migration is never edited once released, only appended; none is destructive. They run
 * in one transaction under `pg_advisory_xact_lock`, so two processes starting at once apply each
 * migration exactly once (the second waits, then finds nothing pending). `schema_version` records
 * what was applied.
 */
import type { PoolClient } from 'pg'

/** One migration: its version and its SQL (`{s}` is replaced by the quoted schema). */
export interface PostgresMigration {
  readonly version: number
  readonly description: string
  readonly sql: string
}

/** Every migration, oldest first. */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    description: 'pipelines, runs, task instances, attempts, watermarks',
    sql: `
CREATE TABLE {s}."pipelines" (
  "id" text COLLATE "C" PRIMARY KEY,
  "description" text,
  "definition" jsonb NOT NULL,
  "definition_hash" text NOT NULL,
  "updated_at" bigint NOT NULL
);
CREATE TABLE {s}."runs" (
  "id" text COLLATE "C" PRIMARY KEY,
  "pipeline_id" text COLLATE "C" NOT NULL,
  "status" text NOT NULL,
  "params" jsonb NOT NULL,
  "logical_date" text NOT NULL,
  "trigger" text NOT NULL,
  "rerun_of" text,
  "definition_hash" text NOT NULL,
  "created_at" bigint NOT NULL,
  "started_at" bigint,
  "ended_at" bigint,
  "message" text,
  "owner" text,
  "lease_expires_at" bigint,
  "version" integer NOT NULL
);
CREATE INDEX "runs_status_created_idx" ON {s}."runs" ("status", "created_at" DESC, "id" DESC);
CREATE INDEX "runs_pipeline_created_idx" ON {s}."runs" ("pipeline_id", "created_at" DESC, "id" DESC);
CREATE INDEX "runs_created_idx" ON {s}."runs" ("created_at" DESC, "id" DESC);
CREATE INDEX "runs_claim_idx" ON {s}."runs" ("lease_expires_at") WHERE "status" = 'RUNNING';
CREATE INDEX "runs_owner_idx" ON {s}."runs" ("owner") WHERE "owner" IS NOT NULL;
CREATE TABLE {s}."task_instances" (
  "run_id" text COLLATE "C" NOT NULL REFERENCES {s}."runs" ("id") ON DELETE CASCADE,
  "task_id" text COLLATE "C" NOT NULL,
  "seq" integer NOT NULL,
  "state" text NOT NULL,
  "attempt" integer NOT NULL DEFAULT 0,
  "started_at" bigint,
  "ended_at" bigint,
  "next_attempt_at" bigint,
  "result" jsonb,
  "error" jsonb,
  "reason" text,
  "version" integer NOT NULL DEFAULT 1,
  PRIMARY KEY ("run_id", "task_id")
);
CREATE TABLE {s}."attempts" (
  "run_id" text COLLATE "C" NOT NULL,
  "task_id" text COLLATE "C" NOT NULL,
  "attempt" integer NOT NULL,
  "state" text NOT NULL,
  "started_at" bigint NOT NULL,
  "ended_at" bigint,
  "error_message" text,
  "error_name" text,
  "error_code" text,
  "error_stack" text,
  "dremio_job_id" text,
  "log" text,
  "worker" text,
  PRIMARY KEY ("run_id", "task_id", "attempt"),
  FOREIGN KEY ("run_id", "task_id") REFERENCES {s}."task_instances" ("run_id", "task_id")
    ON DELETE CASCADE
);
CREATE TABLE {s}."watermarks" (
  "key" text COLLATE "C" PRIMARY KEY,
  "value" text NOT NULL,
  "type" text NOT NULL,
  "updated_at" bigint NOT NULL
);
`,
  },
  {
    version: 2,
    description:
      'run task counts and cancel requests; attempt meta replaces dremio_job_id; QUEUED runs claimable',
    sql: `
ALTER TABLE {s}."runs" ADD COLUMN "task_counts" jsonb, ADD COLUMN "cancel_requested_at" bigint,
  ADD COLUMN "cancel_reason" text;
ALTER TABLE {s}."attempts" ADD COLUMN "meta" jsonb;
UPDATE {s}."attempts" SET "meta" = jsonb_build_object('dremioJobId', "dremio_job_id")
  WHERE "dremio_job_id" IS NOT NULL;
DROP INDEX {s}."runs_claim_idx";
CREATE INDEX "runs_claim_idx" ON {s}."runs" ("lease_expires_at") WHERE "status" IN ('QUEUED', 'RUNNING');
`,
  },
  {
    version: 3,
    description: 'schedules; runs record their schedule and data interval',
    sql: `
ALTER TABLE {s}."runs" ADD COLUMN "schedule_id" text COLLATE "C",
  ADD COLUMN "data_interval_start" text, ADD COLUMN "data_interval_end" text;
CREATE INDEX "runs_active_schedule_idx" ON {s}."runs" ("pipeline_id", "schedule_id")
  WHERE "status" IN ('QUEUED', 'RUNNING');
CREATE TABLE {s}."schedules" (
  "id" text COLLATE "C" PRIMARY KEY,
  "pipeline_id" text COLLATE "C" NOT NULL,
  "spec" jsonb NOT NULL,
  "spec_hash" text NOT NULL,
  "paused" boolean NOT NULL DEFAULT false,
  "last_tick" bigint NOT NULL,
  "next_due_at" bigint,
  "pending" jsonb NOT NULL DEFAULT '[]',
  "last_run_id" text,
  "owner" text,
  "lease_expires_at" bigint,
  "updated_at" bigint NOT NULL,
  "version" integer NOT NULL
);
CREATE INDEX "schedules_due_idx" ON {s}."schedules" ("next_due_at") WHERE "next_due_at" IS NOT NULL;
CREATE INDEX "schedules_pipeline_idx" ON {s}."schedules" ("pipeline_id", "id");
`,
  },
  {
    version: 4,
    description: 'runs listed by pipeline and status together (the UI filter) from one index',
    // Without it, a pipeline + status filter that matches nothing (a healthy pipeline's FAILED
    // runs) walks every run of that status: ~150 ms on 1,000,000 runs (bench/ui).
    sql: `
CREATE INDEX "runs_pipeline_status_created_idx"
  ON {s}."runs" ("pipeline_id", "status", "created_at" DESC, "id" DESC);
`,
  },
  {
    version: 5,
    description: 'task instances without the foreign key to runs; deleteRuns deletes them itself',
    // createRun inserts a run's task rows in the statement that inserts the run, and nothing else
    // inserts them, so the key could never fail; its check per row was ~60% of createRun (10,000
    // task rows: 47-55 ms with it, 18-20 ms without). Attempts keep theirs to task_instances, so
    // deleting a task row still deletes its attempts.
    sql: `
ALTER TABLE {s}."task_instances" DROP CONSTRAINT IF EXISTS "task_instances_run_id_fkey";
`,
  },
]

/** Quotes an identifier for PostgreSQL (`"` doubled), so any schema name is safe. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/**
 * Applies pending migrations on `client` (a dedicated connection) in one transaction.
 * Returns the versions applied by this call (empty when the schema was up to date).
 */
export async function migratePostgres(client: PoolClient, schema: string): Promise<number[]> {
  const s = quoteIdent(schema)
  const applied: number[] = []
  await client.query('BEGIN')
  try {
    // Serialises concurrent init() calls (other processes included) per schema; released at COMMIT.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('@df/backend-postgres:' || $1))`, [
      schema,
    ])
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`)
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}."schema_version" (
        "version" integer PRIMARY KEY,
        "description" text NOT NULL,
        "applied_at" timestamptz NOT NULL DEFAULT now()
      )`,
    )
    const result = await client.query<{ v: number | null }>(
      `SELECT max("version") AS v FROM ${s}."schema_version"`,
    )
    const current = result.rows[0]?.v ?? 0
    for (const migration of POSTGRES_MIGRATIONS) {
      if (migration.version <= current) continue
      await client.query(migration.sql.replaceAll('{s}', s))
      await client.query(
        `INSERT INTO ${s}."schema_version" ("version", "description") VALUES ($1, $2)`,
        [migration.version, migration.description],
      )
      applied.push(migration.version)
    }
    await client.query('COMMIT')
    return applied
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  }
}

/**
 * Versioned, additive migrations for the SQLite store, applied by `init()`.
 *
 * Each migration runs inside one `BEGIN IMMEDIATE` transaction together with its row in
 * `df_schema_version`, so two processes opening a new file at once serialise on the write lock:
 * the second waits (busy timeout), then sees the version already applied and does nothing.
 * Migrations only ever add (tables, columns, indexes); none drops or rewrites data. A file written
 * by a newer version of this package is refused rather than touched.
 */
import type { Database } from 'better-sqlite3'

/** One schema step. `version` increases by one per migration and is never reused. */
export interface SqliteMigration {
  readonly version: number
  readonly name: string
  /** DDL run as one script inside the migration's transaction. */
  readonly sql: string
}

/** Every migration, oldest first. Append only. */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'initial schema: pipelines, runs, task instances, attempts, watermarks',
    sql: `
      CREATE TABLE df_pipelines (
        id TEXT PRIMARY KEY,
        description TEXT,
        tasks TEXT NOT NULL,
        options TEXT NOT NULL,
        definition_hash TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE df_runs (
        id TEXT PRIMARY KEY,
        pipeline_id TEXT NOT NULL,
        status TEXT NOT NULL,
        params TEXT NOT NULL,
        logical_date TEXT NOT NULL,
        trigger TEXT NOT NULL,
        rerun_of TEXT,
        definition_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        ended_at INTEGER,
        message TEXT,
        owner TEXT,
        lease_expires_at INTEGER,
        version INTEGER NOT NULL
      ) WITHOUT ROWID;
      -- Newest-first listing, unfiltered and per filter shape (issue 4: fast at 1,000,000 runs).
      CREATE INDEX df_runs_created ON df_runs (created_at DESC, id DESC);
      CREATE INDEX df_runs_status_created ON df_runs (status, created_at DESC, id DESC);
      CREATE INDEX df_runs_pipeline_created ON df_runs (pipeline_id, created_at DESC, id DESC);
      CREATE INDEX df_runs_pipeline_status_created
        ON df_runs (pipeline_id, status, created_at DESC, id DESC);
      -- Crash recovery: claimRuns looks only at RUNNING runs, renewLeases only at owned ones.
      CREATE INDEX df_runs_claimable ON df_runs (lease_expires_at) WHERE status = 'RUNNING';
      CREATE INDEX df_runs_owner ON df_runs (owner) WHERE owner IS NOT NULL;

      CREATE TABLE df_tasks (
        run_id TEXT NOT NULL,
        task_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        state TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        started_at INTEGER,
        ended_at INTEGER,
        next_attempt_at INTEGER,
        result TEXT,
        error TEXT,
        reason TEXT,
        version INTEGER NOT NULL,
        PRIMARY KEY (run_id, task_id)
      ) WITHOUT ROWID;

      CREATE TABLE df_attempts (
        run_id TEXT NOT NULL,
        task_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        state TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        error_message TEXT,
        error_name TEXT,
        error_code TEXT,
        error_stack TEXT,
        dremio_job_id TEXT,
        log TEXT,
        worker TEXT,
        PRIMARY KEY (run_id, task_id, attempt)
      ) WITHOUT ROWID;

      CREATE TABLE df_watermarks (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        type TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'run task counts and cancel requests; attempt meta (dremio_job_id copied into it, no longer written); QUEUED runs claimable',
    sql: `
      ALTER TABLE df_runs ADD COLUMN task_counts TEXT;
      ALTER TABLE df_runs ADD COLUMN cancel_requested_at INTEGER;
      ALTER TABLE df_runs ADD COLUMN cancel_reason TEXT;
      ALTER TABLE df_attempts ADD COLUMN meta TEXT;
      UPDATE df_attempts SET meta = json_object('dremioJobId', dremio_job_id)
        WHERE dremio_job_id IS NOT NULL;
      CREATE INDEX df_runs_claimable_queued ON df_runs (lease_expires_at) WHERE status = 'QUEUED';
    `,
  },
  {
    version: 3,
    name: 'schedules; runs record their schedule and data interval',
    sql: `
      ALTER TABLE df_runs ADD COLUMN schedule_id TEXT;
      ALTER TABLE df_runs ADD COLUMN data_interval_start TEXT;
      ALTER TABLE df_runs ADD COLUMN data_interval_end TEXT;
      -- maxActiveRuns and the overlap policy count unfinished runs per pipeline and schedule.
      CREATE INDEX df_runs_active_schedule ON df_runs (pipeline_id, schedule_id)
        WHERE status IN ('QUEUED', 'RUNNING');

      CREATE TABLE df_schedules (
        id TEXT PRIMARY KEY,
        pipeline_id TEXT NOT NULL,
        spec TEXT NOT NULL,
        spec_hash TEXT NOT NULL,
        paused INTEGER NOT NULL DEFAULT 0,
        last_tick INTEGER NOT NULL,
        next_due_at INTEGER,
        pending TEXT NOT NULL DEFAULT '[]',
        last_run_id TEXT,
        owner TEXT,
        lease_expires_at INTEGER,
        updated_at INTEGER NOT NULL,
        version INTEGER NOT NULL
      ) WITHOUT ROWID;
      -- Claims look only at schedules with a due time, earliest first.
      CREATE INDEX df_schedules_due ON df_schedules (next_due_at) WHERE next_due_at IS NOT NULL;
      CREATE INDEX df_schedules_pipeline ON df_schedules (pipeline_id, id);
    `,
  },
]

/** The schema version this package writes. */
export const SQLITE_SCHEMA_VERSION: number = SQLITE_MIGRATIONS.length

/** Thrown (and translated by the caller) when the file is newer than this package. */
export class SchemaTooNewError extends Error {
  override readonly name: string = 'SchemaTooNewError'
  readonly found: number
  constructor(found: number) {
    super(`schema version ${found} is newer than ${SQLITE_SCHEMA_VERSION}`)
    this.found = found
  }
}

/**
 * Applies pending migrations in one IMMEDIATE transaction and returns the versions applied.
 * Idempotent: an up-to-date file costs one read under the write lock.
 */
export function migrate(db: Database, now: number): number[] {
  const applied: number[] = []
  const run = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS df_schema_version (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    )`)
    const row = db.prepare('SELECT max(version) AS v FROM df_schema_version').get() as {
      v: number | null
    }
    const current = row.v ?? 0
    if (current > SQLITE_SCHEMA_VERSION) throw new SchemaTooNewError(current)
    const record = db.prepare(
      'INSERT INTO df_schema_version (version, name, applied_at) VALUES (?, ?, ?)',
    )
    for (const migration of SQLITE_MIGRATIONS) {
      if (migration.version <= current) continue
      db.exec(migration.sql)
      record.run(migration.version, migration.name, now)
      applied.push(migration.version)
    }
  })
  run.immediate()
  return applied
}

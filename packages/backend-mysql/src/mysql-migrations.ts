/**
 * Versioned schema migrations of `@df/backend-mysql`, applied by `init()`.
 *
 * MySQL commits DDL implicitly, so migrations cannot be one transaction. Instead they run under
 * `GET_LOCK` (two processes starting at once: the second waits, then finds nothing pending), and
 * every statement is re-runnable (`CREATE TABLE IF NOT EXISTS` with indexes inline, because
 * MySQL 8 has no `CREATE INDEX IF NOT EXISTS`), so a crash mid-migration is repaired by the next
 * `init()`. Never destructive. `schema_version` records what was applied.
 *
 * JSON is stored as plain LONGTEXT, written only through `JSON.stringify` and parsed by the row
 * mapper. Not the JSON type and no `CHECK (JSON_VALID(…))`: with either, MariaDB or MySQL flag
 * the column as JSON and mysql2 parses it or not depending on the pool's `jsonStrings`, so an
 * injected pool would read a JSON string result differently.
 *
 * Ids, keys and owners are VARBINARY (UTF-8 bytes): exact matches and code-point order. A
 * VARCHAR in a PAD SPACE collation (utf8mb4_bin included) would make `'a'` and `'a '` the
 * same key, and the NO PAD collations are named differently on MariaDB and MySQL 8.
 */
import { createHash } from 'node:crypto'
import type { PoolConnection } from 'mysql2/promise'

/**
 * A statement that adds a column: skipped when the column exists, so a migration that died
 * half-way can run again (DDL is not transactional in MySQL, and MySQL 8 has no
 * `ADD COLUMN IF NOT EXISTS`).
 */
export interface MysqlAddColumn {
  readonly table: string
  readonly column: string
  /** The column definition, e.g. `BIGINT NULL`. */
  readonly definition: string
}

/** One migration: its version and its statements (`{db}` is replaced by the quoted database). */
export interface MysqlMigration {
  readonly version: number
  readonly description: string
  readonly statements: readonly (string | MysqlAddColumn)[]
}

const TABLE = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin'

/** Every migration, oldest first. */
export const MYSQL_MIGRATIONS: readonly MysqlMigration[] = [
  {
    version: 1,
    description: 'pipelines, runs, task instances, attempts, watermarks',
    statements: [
      `CREATE TABLE IF NOT EXISTS {db}.\`pipelines\` (
        \`id\` VARBINARY(512) NOT NULL,
        \`description\` TEXT NULL,
        \`definition\` LONGTEXT NOT NULL,
        \`definition_hash\` VARCHAR(255) NOT NULL,
        \`updated_at\` BIGINT NOT NULL,
        PRIMARY KEY (\`id\`)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS {db}.\`runs\` (
        \`id\` VARBINARY(512) NOT NULL,
        \`pipeline_id\` VARBINARY(512) NOT NULL,
        \`status\` VARCHAR(32) NOT NULL,
        \`params\` LONGTEXT NOT NULL,
        \`logical_date\` VARCHAR(64) NOT NULL,
        \`trigger\` VARCHAR(32) NOT NULL,
        \`rerun_of\` VARBINARY(512) NULL,
        \`definition_hash\` VARCHAR(255) NOT NULL,
        \`created_at\` BIGINT NOT NULL,
        \`started_at\` BIGINT NULL,
        \`ended_at\` BIGINT NULL,
        \`message\` TEXT NULL,
        \`owner\` VARBINARY(255) NULL,
        \`lease_expires_at\` BIGINT NULL,
        \`version\` INT NOT NULL,
        PRIMARY KEY (\`id\`),
        KEY \`runs_status_created_idx\` (\`status\`, \`created_at\` DESC, \`id\` DESC),
        KEY \`runs_pipeline_created_idx\` (\`pipeline_id\`, \`created_at\` DESC, \`id\` DESC),
        KEY \`runs_created_idx\` (\`created_at\` DESC, \`id\` DESC),
        KEY \`runs_claim_idx\` (\`status\`, \`lease_expires_at\`),
        KEY \`runs_owner_idx\` (\`owner\`)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS {db}.\`task_instances\` (
        \`run_id\` VARBINARY(512) NOT NULL,
        \`task_id\` VARBINARY(512) NOT NULL,
        \`seq\` INT NOT NULL,
        \`state\` VARCHAR(32) NOT NULL,
        \`attempt\` INT NOT NULL DEFAULT 0,
        \`started_at\` BIGINT NULL,
        \`ended_at\` BIGINT NULL,
        \`next_attempt_at\` BIGINT NULL,
        \`result\` LONGTEXT NULL,
        \`error\` LONGTEXT NULL,
        \`reason\` TEXT NULL,
        \`version\` INT NOT NULL DEFAULT 1,
        PRIMARY KEY (\`run_id\`, \`task_id\`),
        CONSTRAINT \`task_instances_run_fk\` FOREIGN KEY (\`run_id\`)
          REFERENCES {db}.\`runs\` (\`id\`) ON DELETE CASCADE
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS {db}.\`attempts\` (
        \`run_id\` VARBINARY(512) NOT NULL,
        \`task_id\` VARBINARY(512) NOT NULL,
        \`attempt\` INT NOT NULL,
        \`state\` VARCHAR(32) NOT NULL,
        \`started_at\` BIGINT NOT NULL,
        \`ended_at\` BIGINT NULL,
        \`error_message\` TEXT NULL,
        \`error_name\` VARCHAR(255) NULL,
        \`error_code\` VARCHAR(255) NULL,
        \`error_stack\` MEDIUMTEXT NULL,
        \`dremio_job_id\` VARCHAR(255) NULL,
        \`log\` MEDIUMTEXT NULL,
        \`worker\` VARCHAR(255) NULL,
        PRIMARY KEY (\`run_id\`, \`task_id\`, \`attempt\`),
        CONSTRAINT \`attempts_task_fk\` FOREIGN KEY (\`run_id\`, \`task_id\`)
          REFERENCES {db}.\`task_instances\` (\`run_id\`, \`task_id\`) ON DELETE CASCADE
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS {db}.\`watermarks\` (
        \`key\` VARBINARY(512) NOT NULL,
        \`value\` TEXT NOT NULL,
        \`type\` VARCHAR(16) NOT NULL,
        \`updated_at\` BIGINT NOT NULL,
        \`version\` INT NOT NULL DEFAULT 1,
        PRIMARY KEY (\`key\`)
      ) ${TABLE}`,
    ],
  },
  {
    version: 2,
    description:
      'run task counts and cancel requests; attempt meta (dremio_job_id copied into it, no longer written); QUEUED runs claimable',
    statements: [
      { table: 'runs', column: 'task_counts', definition: 'LONGTEXT NULL' },
      { table: 'runs', column: 'cancel_requested_at', definition: 'BIGINT NULL' },
      { table: 'runs', column: 'cancel_reason', definition: 'TEXT NULL' },
      { table: 'attempts', column: 'meta', definition: 'LONGTEXT NULL' },
      `UPDATE {db}.\`attempts\` SET \`meta\` = JSON_OBJECT('dremioJobId', \`dremio_job_id\`)
        WHERE \`dremio_job_id\` IS NOT NULL`,
    ],
  },
  {
    version: 3,
    description: 'schedules; runs record their schedule and data interval',
    statements: [
      { table: 'runs', column: 'schedule_id', definition: 'VARBINARY(512) NULL' },
      { table: 'runs', column: 'data_interval_start', definition: 'VARCHAR(64) NULL' },
      { table: 'runs', column: 'data_interval_end', definition: 'VARCHAR(64) NULL' },
      `CREATE TABLE IF NOT EXISTS {db}.\`schedules\` (
        \`id\` VARBINARY(512) NOT NULL,
        \`pipeline_id\` VARBINARY(512) NOT NULL,
        \`spec\` LONGTEXT NOT NULL,
        \`spec_hash\` VARCHAR(255) NOT NULL,
        \`paused\` TINYINT NOT NULL DEFAULT 0,
        \`last_tick\` BIGINT NOT NULL,
        \`next_due_at\` BIGINT NULL,
        \`pending\` LONGTEXT NOT NULL,
        \`last_run_id\` VARBINARY(512) NULL,
        \`owner\` VARBINARY(255) NULL,
        \`lease_expires_at\` BIGINT NULL,
        \`updated_at\` BIGINT NOT NULL,
        \`version\` INT NOT NULL,
        PRIMARY KEY (\`id\`),
        KEY \`schedules_due_idx\` (\`next_due_at\`),
        KEY \`schedules_pipeline_idx\` (\`pipeline_id\`, \`id\`)
      ) ${TABLE}`,
    ],
  },
]

/** Quotes an identifier for MySQL (backtick doubled), so any database name is safe. */
export function quoteIdent(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``
}

/** The `GET_LOCK` name for a database (lock names are limited to 64 characters). */
function lockName(database: string): string {
  return `df_migrate_${createHash('sha1').update(database).digest('hex').slice(0, 40)}`
}

/**
 * Applies pending migrations on `conn` (a dedicated connection) under a named lock.
 * Returns the versions applied by this call (empty when the database was up to date).
 */
export async function migrateMysql(conn: PoolConnection, database: string): Promise<number[]> {
  const db = quoteIdent(database)
  const [locked] = await conn.query('SELECT GET_LOCK(?, 60) AS ok', [lockName(database)])
  if ((locked as { ok: number | null }[])[0]?.ok !== 1) {
    throw new Error(`Timed out waiting for the migration lock of database ${database}.`)
  }
  try {
    await conn.query(
      `CREATE TABLE IF NOT EXISTS ${db}.\`schema_version\` (
        \`version\` INT NOT NULL PRIMARY KEY,
        \`description\` VARCHAR(255) NOT NULL,
        \`applied_at\` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
      ) ${TABLE}`,
    )
    const [rows] = await conn.query(`SELECT MAX(\`version\`) AS v FROM ${db}.\`schema_version\``)
    const current = Number((rows as { v: number | null }[])[0]?.v ?? 0)
    const applied: number[] = []
    for (const migration of MYSQL_MIGRATIONS) {
      if (migration.version <= current) continue
      for (const statement of migration.statements) {
        if (typeof statement === 'string') {
          await conn.query(statement.replaceAll('{db}', db))
          continue
        }
        const [found] = await conn.query(
          `SELECT 1 FROM information_schema.columns
          WHERE table_schema = ? AND table_name = ? AND column_name = ?`,
          [database, statement.table, statement.column],
        )
        if ((found as unknown[]).length > 0) continue
        await conn.query(
          `ALTER TABLE ${db}.${quoteIdent(statement.table)} ADD COLUMN ${quoteIdent(statement.column)} ${statement.definition}`,
        )
      }
      await conn.query(
        `INSERT INTO ${db}.\`schema_version\` (\`version\`, \`description\`) VALUES (?, ?)`,
        [migration.version, migration.description],
      )
      applied.push(migration.version)
    }
    return applied
  } finally {
    await conn.query('SELECT RELEASE_LOCK(?)', [lockName(database)]).catch(() => undefined)
  }
}

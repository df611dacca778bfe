/**
 * Query text of `@df/backend-mysql`, built once per database (`db` is the quoted name).
 *
 * Statements are `[sql, values]` pairs. Transactions are sent as one multi-statement script
 * (one round trip) when the pool allows it (see internal/script.ts). Compare-and-sets test
 * `version` and always increment it, so "affected rows" is 1 exactly when the write won, whether
 * or not the connection reports found rows (mysql2's default `FOUND_ROWS` flag) or changed rows.
 * Lease renewals and cancel requests on owned runs leave `version` alone (the contract's version
 * rule); they read back the ids they locked instead of counting affected rows.
 */

import type { RunUpdate, ScheduleUpdate, TaskUpdate } from '@df/orchestration'
import type { RunListFilter } from '@df/orchestration/backend-kit'

/** One statement and its values (`?` placeholders, escaped by mysql2). */
export type Statement = readonly [sql: string, values: readonly unknown[]]

const TASK_COLUMNS =
  '`run_id`, `task_id`, `state`, `attempt`, `started_at`, `ended_at`, `next_attempt_at`, `result`, `error`, `reason`, `version`'

/** Builds the statements of one database. */
export function mysqlSql(db: string) {
  const t = (name: string): string => `${db}.\`${name}\``
  return {
    putPipeline: `INSERT INTO ${t('pipelines')}
      (\`id\`, \`description\`, \`definition\`, \`definition_hash\`, \`updated_at\`)
      VALUES (?, ?, ?, ?, ?)
      ON DUPLICATE KEY UPDATE \`description\` = VALUES(\`description\`),
        \`definition\` = VALUES(\`definition\`), \`definition_hash\` = VALUES(\`definition_hash\`),
        \`updated_at\` = VALUES(\`updated_at\`)`,
    getPipeline: `SELECT * FROM ${t('pipelines')} WHERE \`id\` = ?`,
    listPipelines: (after: boolean, limit: number) =>
      `SELECT * FROM ${t('pipelines')} ${after ? 'WHERE `id` > ?' : ''} ORDER BY \`id\` LIMIT ${limit}`,

    insertRun: `INSERT INTO ${t('runs')} (\`id\`, \`pipeline_id\`, \`status\`, \`params\`,
      \`logical_date\`, \`trigger\`, \`rerun_of\`, \`definition_hash\`, \`created_at\`, \`started_at\`,
      \`ended_at\`, \`message\`, \`owner\`, \`lease_expires_at\`, \`schedule_id\`,
      \`data_interval_start\`, \`data_interval_end\`, \`version\`)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
    insertTasks: (count: number) =>
      `INSERT INTO ${t('task_instances')} (\`run_id\`, \`task_id\`, \`seq\`, \`state\`)
      VALUES ${Array.from({ length: count }, () => '(?, ?, ?, ?)').join(', ')}`,
    getRun: `SELECT * FROM ${t('runs')} WHERE \`id\` = ?`,
    deleteRuns: (byPipeline: boolean) =>
      `DELETE FROM ${t('runs')} WHERE \`created_at\` < ? ${byPipeline ? 'AND `pipeline_id` = ?' : ''}`,

    getTasks: `SELECT ${TASK_COLUMNS} FROM ${t('task_instances')} WHERE \`run_id\` = ? ORDER BY \`seq\``,
    getTask: `SELECT ${TASK_COLUMNS} FROM ${t('task_instances')} WHERE \`run_id\` = ? AND \`task_id\` = ?`,
    /** Several tasks' rows of one run at once (the end of an `updateTasks` batch). */
    getTaskList: (runId: string, taskIds: readonly string[]): Statement => [
      `SELECT ${TASK_COLUMNS} FROM ${t('task_instances')} WHERE \`run_id\` = ? AND \`task_id\` IN (${taskIds.map(() => '?').join(', ')})`,
      [runId, ...taskIds],
    ],
    /** Upserts an attempt only when the statement before it (the task CAS) changed a row. */
    upsertAttempt: `INSERT INTO ${t('attempts')} (\`run_id\`, \`task_id\`, \`attempt\`, \`state\`,
      \`started_at\`, \`ended_at\`, \`error_message\`, \`error_name\`, \`error_code\`, \`error_stack\`,
      \`meta\`, \`log\`, \`worker\`)
      SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM DUAL WHERE ROW_COUNT() > 0
      ON DUPLICATE KEY UPDATE \`state\` = VALUES(\`state\`), \`started_at\` = VALUES(\`started_at\`),
        \`ended_at\` = VALUES(\`ended_at\`), \`error_message\` = VALUES(\`error_message\`),
        \`error_name\` = VALUES(\`error_name\`), \`error_code\` = VALUES(\`error_code\`),
        \`error_stack\` = VALUES(\`error_stack\`), \`meta\` = VALUES(\`meta\`),
        \`log\` = VALUES(\`log\`), \`worker\` = VALUES(\`worker\`)`,
    listAttempts: (byTask: boolean) => `SELECT a.* FROM ${t('attempts')} a
      JOIN ${t('task_instances')} ti ON ti.\`run_id\` = a.\`run_id\` AND ti.\`task_id\` = a.\`task_id\`
      WHERE a.\`run_id\` = ? ${byTask ? 'AND a.`task_id` = ?' : ''}
      ORDER BY ti.\`seq\`, a.\`attempt\``,

    /** Candidates for a claim, locked; `skipLocked` where the server has it (see capabilities). */
    claimCandidates: (pipelines: number, limit: number, skipLocked: boolean) =>
      `SELECT \`id\` FROM ${t('runs')}
      WHERE \`status\` = ?
        AND (\`owner\` IS NULL OR \`lease_expires_at\` IS NULL OR \`lease_expires_at\` <= ?)
        ${pipelines > 0 ? `AND \`pipeline_id\` IN (${Array(pipelines).fill('?').join(', ')})` : ''}
      ORDER BY \`created_at\`, \`id\` LIMIT ${limit}
      FOR UPDATE${skipLocked ? ' SKIP LOCKED' : ''}`,
    /** RUNNING runs first, then QUEUED ones (the contract's claim order). */
    runsByIdsInClaimOrder: (count: number) =>
      `SELECT * FROM ${t('runs')} WHERE \`id\` IN (${Array(count).fill('?').join(', ')})
      ORDER BY \`status\` = 'QUEUED', \`created_at\`, \`id\``,
    setOwner: (count: number) => `UPDATE ${t('runs')}
      SET \`owner\` = ?, \`lease_expires_at\` = ?, \`version\` = \`version\` + 1
      WHERE \`id\` IN (${Array(count).fill('?').join(', ')})`,
    /** Leases to renew, locked; without ids the owner's unfinished runs (as the memory backend). */
    renewCandidates: (ids: number | undefined) =>
      `SELECT \`id\`, \`cancel_requested_at\`, \`cancel_reason\` FROM ${t('runs')} WHERE \`owner\` = ?
      ${ids === undefined ? "AND `status` IN ('QUEUED', 'RUNNING')" : `AND \`id\` IN (${Array(ids).fill('?').join(', ')})`}
      ORDER BY \`id\` FOR UPDATE`,
    setLease: (count: number) => `UPDATE ${t('runs')}
      SET \`lease_expires_at\` = ?
      WHERE \`owner\` = ? AND \`id\` IN (${Array(count).fill('?').join(', ')})`,
    /** The run a cancel request is for, locked. */
    lockRun: `SELECT * FROM ${t('runs')} WHERE \`id\` = ? FOR UPDATE`,
    /** A cancel request on an owned run: stored for the owner, version unchanged. */
    storeCancel: `UPDATE ${t('runs')} SET \`cancel_requested_at\` = ?, \`cancel_reason\` = ?
      WHERE \`id\` = ?`,
    /** A cancel request on a run nobody owns: it ends at once. */
    cancelNow: `UPDATE ${t('runs')} SET \`status\` = 'CANCELLED', \`ended_at\` = ?,
      \`message\` = ?, \`version\` = \`version\` + 1 WHERE \`id\` = ?`,

    getWatermark: `SELECT * FROM ${t('watermarks')} WHERE \`key\` = ?`,
    insertWatermark: `INSERT INTO ${t('watermarks')} (\`key\`, \`value\`, \`type\`, \`updated_at\`)
      VALUES (?, ?, ?, ?)`,
    updateWatermark: `UPDATE ${t('watermarks')}
      SET \`value\` = ?, \`type\` = ?, \`updated_at\` = ?, \`version\` = \`version\` + 1
      WHERE \`key\` = ? AND \`value\` = ? AND \`type\` = ? AND \`updated_at\` = ?`,

    /**
     * A changed definition (hash) replaces spec and due time and bumps the version; the state
     * stays. Assignments run left to right, so `spec_hash` is compared before it is replaced.
     */
    putSchedule: `INSERT INTO ${t('schedules')} (\`id\`, \`pipeline_id\`, \`spec\`, \`spec_hash\`,
      \`paused\`, \`last_tick\`, \`next_due_at\`, \`pending\`, \`updated_at\`, \`version\`)
      VALUES (?, ?, ?, ?, ?, ?, ?, '[]', ?, 1)
      ON DUPLICATE KEY UPDATE
        \`version\` = IF(\`spec_hash\` <> VALUES(\`spec_hash\`), \`version\` + 1, \`version\`),
        \`pipeline_id\` = IF(\`spec_hash\` <> VALUES(\`spec_hash\`), VALUES(\`pipeline_id\`), \`pipeline_id\`),
        \`spec\` = IF(\`spec_hash\` <> VALUES(\`spec_hash\`), VALUES(\`spec\`), \`spec\`),
        \`next_due_at\` = IF(\`spec_hash\` <> VALUES(\`spec_hash\`), VALUES(\`next_due_at\`), \`next_due_at\`),
        \`updated_at\` = IF(\`spec_hash\` <> VALUES(\`spec_hash\`), VALUES(\`updated_at\`), \`updated_at\`),
        \`spec_hash\` = VALUES(\`spec_hash\`)`,
    getSchedule: `SELECT * FROM ${t('schedules')} WHERE \`id\` = ?`,
    listSchedules: (byPipeline: boolean, after: boolean, limit: number) =>
      `SELECT * FROM ${t('schedules')}
      WHERE 1 = 1 ${byPipeline ? 'AND `pipeline_id` = ?' : ''} ${after ? 'AND `id` > ?' : ''}
      ORDER BY \`id\` LIMIT ${limit}`,
    /** Due schedules among `count` ids, locked (skipping locked ones where the server can). */
    claimScheduleCandidates: (count: number, limit: number, skipLocked: boolean) =>
      `SELECT \`id\` FROM ${t('schedules')}
      WHERE \`id\` IN (${Array(count).fill('?').join(', ')})
        AND \`next_due_at\` IS NOT NULL AND \`next_due_at\` <= ?
        AND (\`owner\` IS NULL OR \`lease_expires_at\` IS NULL OR \`lease_expires_at\` <= ?)
      ORDER BY \`next_due_at\`, \`id\` LIMIT ${limit}
      FOR UPDATE${skipLocked ? ' SKIP LOCKED' : ''}`,
    setScheduleOwner: (count: number) => `UPDATE ${t('schedules')}
      SET \`owner\` = ?, \`lease_expires_at\` = ?, \`version\` = \`version\` + 1
      WHERE \`id\` IN (${Array(count).fill('?').join(', ')})`,
    schedulesByIds: (count: number) =>
      `SELECT * FROM ${t('schedules')} WHERE \`id\` IN (${Array(count).fill('?').join(', ')})
      ORDER BY \`next_due_at\`, \`id\``,
    deleteSchedule: `DELETE FROM ${t('schedules')} WHERE \`id\` = ?`,
    countActiveRuns: `SELECT COUNT(*) AS \`pipeline\`, COALESCE(SUM(\`schedule_id\` = ?), 0) AS \`schedule\`
      FROM ${t('runs')} WHERE \`pipeline_id\` = ? AND \`status\` IN ('QUEUED', 'RUNNING')`,

    /** A schedule compare-and-set: only the fields present are assigned (`null` clears). */
    updateSchedule(u: ScheduleUpdate): Statement {
      const set: string[] = []
      const values: unknown[] = []
      const assign = (column: string, value: unknown): void => {
        set.push(`\`${column}\` = ?`)
        values.push(value)
      }
      if (u.paused !== undefined) assign('paused', u.paused ? 1 : 0)
      if (u.lastTick !== undefined) assign('last_tick', u.lastTick)
      if (u.nextDueAt !== undefined) assign('next_due_at', u.nextDueAt)
      if (u.pending !== undefined) assign('pending', JSON.stringify(u.pending))
      if (u.lastRunId !== undefined) assign('last_run_id', u.lastRunId)
      if (u.owner !== undefined) assign('owner', u.owner)
      if (u.leaseExpiresAt !== undefined) assign('lease_expires_at', u.leaseExpiresAt)
      else if (u.owner === null) assign('lease_expires_at', null)
      assign('updated_at', u.updatedAt)
      set.push('`version` = `version` + 1')
      return [
        `UPDATE ${t('schedules')} SET ${set.join(', ')} WHERE \`id\` = ? AND \`version\` = ?`,
        [...values, u.id, u.expectedVersion],
      ]
    },

    /** A run compare-and-set: only the fields present are assigned. */
    updateRun(u: RunUpdate): Statement {
      const set: string[] = []
      const values: unknown[] = []
      const assign = (column: string, value: unknown): void => {
        set.push(`\`${column}\` = ?`)
        values.push(value)
      }
      if (u.status !== undefined) assign('status', u.status)
      if (u.startedAt !== undefined) assign('started_at', u.startedAt)
      if (u.endedAt !== undefined) assign('ended_at', u.endedAt)
      if (u.message !== undefined) assign('message', u.message)
      if (u.owner !== undefined) assign('owner', u.owner)
      // The contract: a `null` owner clears the owner and the lease.
      if (u.leaseExpiresAt !== undefined) assign('lease_expires_at', u.leaseExpiresAt)
      else if (u.owner === null) assign('lease_expires_at', null)
      if (u.taskCounts !== undefined) assign('task_counts', JSON.stringify(u.taskCounts))
      set.push('`version` = `version` + 1')
      return [
        `UPDATE ${t('runs')} SET ${set.join(', ')} WHERE \`id\` = ? AND \`version\` = ?`,
        [...values, u.id, u.expectedVersion],
      ]
    },

    /** A task compare-and-set: only the fields present are assigned (`null` clears). */
    updateTask(u: TaskUpdate): Statement {
      const set: string[] = []
      const values: unknown[] = []
      const assign = (column: string, value: unknown): void => {
        set.push(`\`${column}\` = ?`)
        values.push(value)
      }
      if (u.state !== undefined) assign('state', u.state)
      if (u.attempt !== undefined) assign('attempt', u.attempt)
      if (u.startedAt !== undefined) assign('started_at', u.startedAt)
      if (u.endedAt !== undefined) assign('ended_at', u.endedAt)
      if (u.nextAttemptAt !== undefined) assign('next_attempt_at', u.nextAttemptAt)
      if (u.result !== undefined) assign('result', JSON.stringify(u.result))
      if (u.error !== undefined) assign('error', u.error === null ? null : JSON.stringify(u.error))
      if (u.reason !== undefined) assign('reason', u.reason)
      set.push('`version` = `version` + 1')
      return [
        `UPDATE ${t('task_instances')} SET ${set.join(', ')}
        WHERE \`run_id\` = ? AND \`task_id\` = ? AND \`version\` = ?`,
        [...values, u.runId, u.taskId, u.expectedVersion],
      ]
    },
  }
}

/** The statements of one database. */
export type MysqlStatements = ReturnType<typeof mysqlSql>

/**
 * Builds the `listRuns` query with only the filters present. The keyset condition is spelled
 * out (`a < x OR (a = x AND b < y)`) because MySQL does not use an index for row comparisons.
 */
export function listRunsQuery(db: string, f: RunListFilter): Statement {
  const where: string[] = []
  const values: unknown[] = []
  if (f.pipelineId !== undefined) {
    where.push('`pipeline_id` = ?')
    values.push(f.pipelineId)
  }
  if (f.statuses !== undefined) {
    where.push(`\`status\` IN (${f.statuses.map(() => '?').join(', ')})`)
    values.push(...f.statuses)
  }
  if (f.createdAfter !== undefined) {
    where.push('`created_at` >= ?')
    values.push(f.createdAfter)
  }
  if (f.createdBefore !== undefined) {
    where.push('`created_at` < ?')
    values.push(f.createdBefore)
  }
  if (f.after !== undefined) {
    where.push('(`created_at` < ? OR (`created_at` = ? AND `id` < ?))')
    values.push(f.after[0], f.after[0], f.after[1])
  }
  const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`
  return [
    `SELECT * FROM ${db}.\`runs\` ${clause} ORDER BY \`created_at\` DESC, \`id\` DESC LIMIT ${f.limit}`,
    values,
  ]
}

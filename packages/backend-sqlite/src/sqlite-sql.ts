/**
 * The SQL text of the SQLite backend, in one place (house style §9.1: `<tech>-sql.ts`).
 * Parameters are named (`@x`); every statement is prepared once per connection and cached.
 */

const RUN_COLUMNS = `id, pipeline_id, status, params, logical_date, trigger, rerun_of,
  definition_hash, created_at, started_at, ended_at, message, owner, lease_expires_at,
  task_counts, cancel_requested_at, cancel_reason, schedule_id, data_interval_start,
  data_interval_end, version`
const TASK_COLUMNS = `run_id, task_id, state, attempt, started_at, ended_at, next_attempt_at,
  result, error, reason, version`
const ATTEMPT_COLUMNS = `run_id, task_id, attempt, state, started_at, ended_at, error_message,
  error_name, error_code, error_stack, meta, log, worker`

/** Fixed statements, prepared when the backend opens its file. */
export const SQL = {
  putPipeline: `INSERT INTO df_pipelines (id, description, tasks, options, definition_hash, updated_at)
    VALUES (@id, @description, @tasks, @options, @definitionHash, @updatedAt)
    ON CONFLICT (id) DO UPDATE SET description = excluded.description, tasks = excluded.tasks,
      options = excluded.options, definition_hash = excluded.definition_hash,
      updated_at = excluded.updated_at`,
  getPipeline: 'SELECT * FROM df_pipelines WHERE id = ?',
  listPipelinesFirst: 'SELECT * FROM df_pipelines ORDER BY id LIMIT ?',
  listPipelinesAfter: 'SELECT * FROM df_pipelines WHERE id > ? ORDER BY id LIMIT ?',

  insertRun: `INSERT INTO df_runs (${RUN_COLUMNS}) VALUES (@id, @pipelineId, @status, @params,
      @logicalDate, @trigger, @rerunOf, @definitionHash, @createdAt, @startedAt, @endedAt,
      @message, @owner, @leaseExpiresAt, NULL, NULL, NULL, @scheduleId, @dataIntervalStart,
      @dataIntervalEnd, 1)
    RETURNING ${RUN_COLUMNS}`,
  insertTask: `INSERT INTO df_tasks (run_id, task_id, position, state, attempt, version)
    VALUES (?, ?, ?, ?, 0, 1)`,
  getRun: `SELECT ${RUN_COLUMNS} FROM df_runs WHERE id = ?`,
  runExists: 'SELECT 1 AS found FROM df_runs WHERE id = ?',
  // Mode flags: 0 keeps the column, 1 sets it (to a value or NULL). `owner: null` clears the lease.
  updateRun: `UPDATE df_runs SET
      status = coalesce(@status, status),
      started_at = coalesce(@startedAt, started_at),
      ended_at = coalesce(@endedAt, ended_at),
      message = coalesce(@message, message),
      owner = CASE WHEN @ownerSet THEN @owner ELSE owner END,
      lease_expires_at = CASE
        WHEN @ownerSet AND @owner IS NULL THEN NULL
        WHEN @leaseSet THEN @leaseExpiresAt
        ELSE lease_expires_at END,
      task_counts = coalesce(@taskCounts, task_counts),
      version = @expectedVersion + 1
    WHERE id = @id AND version = @expectedVersion
    RETURNING ${RUN_COLUMNS}`,

  getTasks: `SELECT ${TASK_COLUMNS} FROM df_tasks WHERE run_id = ? ORDER BY position`,
  taskExists: 'SELECT 1 AS found FROM df_tasks WHERE run_id = ? AND task_id = ?',
  updateTask: `UPDATE df_tasks SET
      state = coalesce(@state, state),
      attempt = coalesce(@attempt, attempt),
      started_at = coalesce(@startedAt, started_at),
      ended_at = coalesce(@endedAt, ended_at),
      next_attempt_at = CASE WHEN @nextSet THEN @nextAttemptAt ELSE next_attempt_at END,
      result = coalesce(@result, result),
      error = CASE WHEN @errorSet THEN @error ELSE error END,
      reason = CASE WHEN @reasonSet THEN @reason ELSE reason END,
      version = @expectedVersion + 1
    WHERE run_id = @runId AND task_id = @taskId AND version = @expectedVersion
    RETURNING ${TASK_COLUMNS}`,
  upsertAttempt: `INSERT INTO df_attempts (${ATTEMPT_COLUMNS}) VALUES (@runId, @taskId, @attempt,
      @state, @startedAt, @endedAt, @errorMessage, @errorName, @errorCode, @errorStack,
      @meta, @log, @worker)
    ON CONFLICT (run_id, task_id, attempt) DO UPDATE SET state = excluded.state,
      started_at = excluded.started_at, ended_at = excluded.ended_at,
      error_message = excluded.error_message, error_name = excluded.error_name,
      error_code = excluded.error_code, error_stack = excluded.error_stack,
      meta = excluded.meta, log = excluded.log, worker = excluded.worker`,
  listAttempts: `SELECT ${ATTEMPT_COLUMNS.replace(/(\w+)/g, 'a.$1')} FROM df_attempts a
    JOIN df_tasks t ON t.run_id = a.run_id AND t.task_id = a.task_id
    WHERE a.run_id = ? ORDER BY t.position, a.attempt`,
  listTaskAttempts: `SELECT ${ATTEMPT_COLUMNS} FROM df_attempts
    WHERE run_id = ? AND task_id = ? ORDER BY attempt`,

  // One statement: the subquery and the update see the same snapshot under the write lock.
  claimRuns: `UPDATE df_runs SET owner = @owner, lease_expires_at = @leaseExpiresAt,
      version = version + 1
    WHERE id IN (
      SELECT id FROM df_runs
      WHERE status IN ('QUEUED', 'RUNNING')
        AND (owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= @now)
        AND (@allPipelines OR pipeline_id IN (SELECT value FROM json_each(@pipelineIds)))
      ORDER BY status = 'QUEUED', created_at, id
      LIMIT @limit)
    RETURNING ${RUN_COLUMNS}`,
  // Renewals leave the version alone (the contract's version rule); cancel requests ride along.
  renewAll: `UPDATE df_runs SET lease_expires_at = @leaseExpiresAt
    WHERE owner = @owner AND status IN ('QUEUED', 'RUNNING')
    RETURNING id, cancel_requested_at, cancel_reason`,
  renewSome: `UPDATE df_runs SET lease_expires_at = @leaseExpiresAt
    WHERE owner = @owner AND id IN (SELECT value FROM json_each(@runIds))
    RETURNING id, cancel_requested_at, cancel_reason`,
  // On an owned run the request is stored (version unchanged); nobody's run ends at once.
  requestCancel: `UPDATE df_runs SET
      status = CASE WHEN owner IS NULL THEN 'CANCELLED' ELSE status END,
      ended_at = CASE WHEN owner IS NULL THEN @at ELSE ended_at END,
      message = CASE WHEN owner IS NULL THEN 'Cancelled while queued: ' || @reason ELSE message END,
      cancel_requested_at = CASE WHEN owner IS NULL THEN cancel_requested_at ELSE @at END,
      cancel_reason = CASE WHEN owner IS NULL THEN cancel_reason ELSE @reason END,
      version = CASE WHEN owner IS NULL THEN version + 1 ELSE version END
    WHERE id = @id AND status IN ('QUEUED', 'RUNNING')
    RETURNING ${RUN_COLUMNS}`,

  deleteAttemptsBefore: `DELETE FROM df_attempts WHERE run_id IN
    (SELECT id FROM df_runs WHERE created_at < @before)`,
  deleteTasksBefore: `DELETE FROM df_tasks WHERE run_id IN
    (SELECT id FROM df_runs WHERE created_at < @before)`,
  deleteRunsBefore: 'DELETE FROM df_runs WHERE created_at < @before',
  deleteAttemptsOfPipelineBefore: `DELETE FROM df_attempts WHERE run_id IN
    (SELECT id FROM df_runs WHERE pipeline_id = @pipelineId AND created_at < @before)`,
  deleteTasksOfPipelineBefore: `DELETE FROM df_tasks WHERE run_id IN
    (SELECT id FROM df_runs WHERE pipeline_id = @pipelineId AND created_at < @before)`,
  deleteRunsOfPipelineBefore:
    'DELETE FROM df_runs WHERE pipeline_id = @pipelineId AND created_at < @before',

  getWatermark: 'SELECT value, type, updated_at FROM df_watermarks WHERE key = ?',
  insertWatermark: `INSERT INTO df_watermarks (key, value, type, updated_at)
    VALUES (@key, @value, @type, @updatedAt) ON CONFLICT (key) DO NOTHING`,
  updateWatermark: `UPDATE df_watermarks SET value = @value, type = @type, updated_at = @updatedAt
    WHERE key = @key AND value = @expectedValue AND type = @expectedType
      AND updated_at = @expectedUpdatedAt`,
  watermarkExists: 'SELECT 1 AS found FROM df_watermarks WHERE key = ?',

  // A changed definition (hash) replaces spec and due time and bumps the version; state stays.
  putSchedule: `INSERT INTO df_schedules (id, pipeline_id, spec, spec_hash, paused, last_tick,
      next_due_at, pending, updated_at, version)
    VALUES (@id, @pipelineId, @spec, @specHash, @paused, @lastTick, @nextDueAt, '[]', @updatedAt, 1)
    ON CONFLICT (id) DO UPDATE SET pipeline_id = excluded.pipeline_id, spec = excluded.spec,
      spec_hash = excluded.spec_hash, next_due_at = excluded.next_due_at,
      updated_at = excluded.updated_at, version = df_schedules.version + 1
    WHERE df_schedules.spec_hash <> excluded.spec_hash`,
  getSchedule: 'SELECT * FROM df_schedules WHERE id = ?',
  listSchedules: `SELECT * FROM df_schedules
    WHERE (@pipelineId IS NULL OR pipeline_id = @pipelineId) AND (@after IS NULL OR id > @after)
    ORDER BY id LIMIT @limit`,
  // One statement under the write lock: claimers serialise, none sees another's claim as free.
  claimSchedules: `UPDATE df_schedules SET owner = @owner, lease_expires_at = @leaseExpiresAt,
      version = version + 1
    WHERE id IN (
      SELECT id FROM df_schedules
      WHERE next_due_at IS NOT NULL AND next_due_at <= @now
        AND id IN (SELECT value FROM json_each(@ids))
        AND (owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= @now)
      ORDER BY next_due_at, id
      LIMIT @limit)
    RETURNING *`,
  updateSchedule: `UPDATE df_schedules SET
      paused = coalesce(@paused, paused),
      last_tick = coalesce(@lastTick, last_tick),
      next_due_at = CASE WHEN @nextSet THEN @nextDueAt ELSE next_due_at END,
      pending = coalesce(@pending, pending),
      last_run_id = coalesce(@lastRunId, last_run_id),
      owner = CASE WHEN @ownerSet THEN @owner ELSE owner END,
      lease_expires_at = CASE
        WHEN @ownerSet AND @owner IS NULL THEN NULL
        WHEN @leaseSet THEN @leaseExpiresAt
        ELSE lease_expires_at END,
      updated_at = @updatedAt,
      version = @expectedVersion + 1
    WHERE id = @id AND version = @expectedVersion
    RETURNING *`,
  scheduleExists: 'SELECT 1 AS found FROM df_schedules WHERE id = ?',
  deleteSchedule: 'DELETE FROM df_schedules WHERE id = ?',
  countActiveRuns: `SELECT count(*) AS pipeline, coalesce(sum(schedule_id = @scheduleId), 0) AS schedule
    FROM df_runs
    WHERE pipeline_id = @pipelineId AND status IN ('QUEUED', 'RUNNING')`,
} as const

/** Which filters a `listRuns` query uses: one cached statement per shape. */
export interface RunListShape {
  readonly pipeline: boolean
  readonly status: boolean
  readonly after: boolean
  readonly before: boolean
  readonly cursor: boolean
}

/**
 * A newest-first page query for one filter shape. The index is named (`INDEXED BY`) so the plan
 * cannot drift to a full scan and sort on a large table; each index is ordered like the query.
 */
export function runListSql(shape: RunListShape): string {
  const index =
    shape.pipeline && shape.status
      ? 'df_runs_pipeline_status_created'
      : shape.status
        ? 'df_runs_status_created'
        : shape.pipeline
          ? 'df_runs_pipeline_created'
          : 'df_runs_created'
  const where: string[] = []
  if (shape.pipeline) where.push('pipeline_id = @pipelineId')
  if (shape.status) where.push('status = @status')
  if (shape.after) where.push('created_at >= @createdAfter')
  if (shape.before) where.push('created_at < @createdBefore')
  if (shape.cursor) where.push('(created_at, id) < (@cursorCreatedAt, @cursorId)')
  return `SELECT ${RUN_COLUMNS} FROM df_runs INDEXED BY ${index}
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY created_at DESC, id DESC LIMIT @limit`
}

/**
 * Query text of `@df/backend-postgres`, built once per schema (`s` is the quoted schema name).
 *
 * Hot statements are single round trips: `createRun` inserts the run and its tasks in one
 * statement; `updateTasks` applies a whole batch of compare-and-sets (and attempt upserts) over
 * `unnest()` arrays in one statement; `claimRuns` locks with `FOR UPDATE SKIP LOCKED`.
 */
import type { RunListFilter } from '@df/orchestration/backend-kit'

/** Columns of `task_instances` as the row mapper expects them (`result` as text, see rows.ts). */
const TASK_COLUMNS = `"run_id", "task_id", "state", "attempt", "started_at", "ended_at",
  "next_attempt_at", "result"::text AS "result", "error", "reason", "version"`

/** Builds every fixed statement for one schema. */
export function postgresSql(s: string) {
  return {
    putPipeline: `INSERT INTO ${s}."pipelines"
      ("id", "description", "definition", "definition_hash", "updated_at")
      VALUES ($1, $2, $3::jsonb, $4, $5)
      ON CONFLICT ("id") DO UPDATE SET "description" = EXCLUDED."description",
        "definition" = EXCLUDED."definition", "definition_hash" = EXCLUDED."definition_hash",
        "updated_at" = EXCLUDED."updated_at"`,
    getPipeline: `SELECT * FROM ${s}."pipelines" WHERE "id" = $1`,
    listPipelines: `SELECT * FROM ${s}."pipelines" WHERE ($1::text IS NULL OR "id" > $1)
      ORDER BY "id" LIMIT $2`,

    createRun: `WITH r AS (
        INSERT INTO ${s}."runs" ("id", "pipeline_id", "status", "params", "logical_date", "trigger",
          "rerun_of", "definition_hash", "created_at", "started_at", "ended_at", "message", "owner",
          "lease_expires_at", "schedule_id", "data_interval_start", "data_interval_end", "version")
        VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $17, $18, $19, 1)
        ON CONFLICT ("id") DO NOTHING
        RETURNING *
      ), t AS (
        INSERT INTO ${s}."task_instances" ("run_id", "task_id", "seq", "state")
        SELECT r."id", x.task_id, x.ord, x.state
        FROM r, unnest($15::text[], $16::text[]) WITH ORDINALITY AS x(task_id, state, ord)
      )
      SELECT * FROM r`,
    getRun: `SELECT * FROM ${s}."runs" WHERE "id" = $1`,
    /** Bits of $9: 1 message, 2 owner, 4 lease. Clearing the owner clears the lease too. */
    updateRun: `WITH upd AS (
        UPDATE ${s}."runs" SET
          "status" = COALESCE($3::text, "status"),
          "started_at" = COALESCE($4::bigint, "started_at"),
          "ended_at" = COALESCE($5::bigint, "ended_at"),
          "message" = CASE WHEN $9::int & 1 <> 0 THEN $6::text ELSE "message" END,
          "owner" = CASE WHEN $9::int & 2 <> 0 THEN $7::text ELSE "owner" END,
          "lease_expires_at" = CASE
            WHEN $9::int & 4 <> 0 THEN $8::bigint
            WHEN $9::int & 2 <> 0 AND $7::text IS NULL THEN NULL
            ELSE "lease_expires_at" END,
          "task_counts" = COALESCE($10::jsonb, "task_counts"),
          "version" = $2 + 1
        WHERE "id" = $1 AND "version" = $2
        RETURNING *
      )
      SELECT true AS "updated", upd.* FROM upd
      UNION ALL
      SELECT false, r.* FROM ${s}."runs" r WHERE r."id" = $1 AND NOT EXISTS (SELECT 1 FROM upd)`,
    /** The runs' task rows go in the same statement (their attempts by cascade, migration 5). */
    deleteRuns: `WITH d AS (
        DELETE FROM ${s}."runs" WHERE "created_at" < $1 AND ($2::text IS NULL OR "pipeline_id" = $2)
        RETURNING "id"
      ), t AS (
        DELETE FROM ${s}."task_instances" WHERE "run_id" IN (SELECT "id" FROM d)
      ) SELECT count(*)::int AS n FROM d`,

    getTasks: `SELECT ${TASK_COLUMNS} FROM ${s}."task_instances" WHERE "run_id" = $1 ORDER BY "seq"`,
    /**
     * One batch of task compare-and-sets. Bits of `mask`: 1 next_attempt_at, 2 result, 4 error,
     * 8 reason (so `null` can clear them while an absent field keeps its value). The attempt
     * upsert joins `upd`, so it happens only for updates that won. The final SELECT tells a lost
     * race (the row exists) from a missing row, from the statement's snapshot.
     */
    updateTasks: `WITH u AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::int[],
          $6::bigint[], $7::bigint[], $8::bigint[], $9::text[], $10::jsonb[], $11::text[],
          $12::int[], $13::int[], $14::text[], $15::bigint[], $16::bigint[], $17::text[],
          $18::text[], $19::text[], $20::text[], $21::jsonb[], $22::text[], $23::text[])
        WITH ORDINALITY AS u(run_id, task_id, expected, state, attempt, started_at, ended_at,
          next_attempt_at, result, error, reason, mask, a_attempt, a_state, a_started_at,
          a_ended_at, a_error_message, a_error_name, a_error_code, a_error_stack, a_meta,
          a_log, a_worker, ord)
      ), upd AS (
        UPDATE ${s}."task_instances" t SET
          "state" = COALESCE(u.state, t."state"),
          "attempt" = COALESCE(u.attempt, t."attempt"),
          "started_at" = COALESCE(u.started_at, t."started_at"),
          "ended_at" = COALESCE(u.ended_at, t."ended_at"),
          "next_attempt_at" = CASE WHEN u.mask & 1 <> 0 THEN u.next_attempt_at
            ELSE t."next_attempt_at" END,
          "result" = CASE WHEN u.mask & 2 <> 0 THEN u.result::jsonb ELSE t."result" END,
          "error" = CASE WHEN u.mask & 4 <> 0 THEN u.error ELSE t."error" END,
          "reason" = CASE WHEN u.mask & 8 <> 0 THEN u.reason ELSE t."reason" END,
          "version" = u.expected + 1
        FROM u
        WHERE t."run_id" = u.run_id AND t."task_id" = u.task_id AND t."version" = u.expected
        RETURNING u.ord AS "ord", t."run_id", t."task_id", t."state", t."attempt", t."started_at",
          t."ended_at", t."next_attempt_at", t."result"::text AS "result", t."error", t."reason",
          t."version"
      ), att AS (
        INSERT INTO ${s}."attempts" ("run_id", "task_id", "attempt", "state", "started_at",
          "ended_at", "error_message", "error_name", "error_code", "error_stack", "meta",
          "log", "worker")
        SELECT u.run_id, u.task_id, u.a_attempt, u.a_state, u.a_started_at, u.a_ended_at,
          u.a_error_message, u.a_error_name, u.a_error_code, u.a_error_stack, u.a_meta,
          u.a_log, u.a_worker
        FROM u JOIN upd ON upd."ord" = u.ord
        WHERE u.a_attempt IS NOT NULL
        ON CONFLICT ("run_id", "task_id", "attempt") DO UPDATE SET "state" = EXCLUDED."state",
          "started_at" = EXCLUDED."started_at", "ended_at" = EXCLUDED."ended_at",
          "error_message" = EXCLUDED."error_message", "error_name" = EXCLUDED."error_name",
          "error_code" = EXCLUDED."error_code", "error_stack" = EXCLUDED."error_stack",
          "meta" = EXCLUDED."meta", "log" = EXCLUDED."log",
          "worker" = EXCLUDED."worker"
      )
      SELECT upd.*, EXISTS (SELECT 1 FROM ${s}."task_instances" x
          WHERE x."run_id" = u.run_id AND x."task_id" = u.task_id) AS "found"
      FROM u LEFT JOIN upd ON upd."ord" = u.ord
      ORDER BY u.ord`,
    listAttempts: `SELECT a.* FROM ${s}."attempts" a
      JOIN ${s}."task_instances" t ON t."run_id" = a."run_id" AND t."task_id" = a."task_id"
      WHERE a."run_id" = $1 AND ($2::text IS NULL OR a."task_id" = $2)
      ORDER BY t."seq", a."attempt"`,

    claimRuns: `WITH c AS (
        SELECT "id" FROM ${s}."runs"
        WHERE "status" IN ('QUEUED', 'RUNNING')
          AND ("owner" IS NULL OR "lease_expires_at" IS NULL OR "lease_expires_at" <= $2)
          AND ($4::text[] IS NULL OR "pipeline_id" = ANY($4))
        ORDER BY "status" = 'QUEUED', "created_at", "id"
        LIMIT $5
        FOR UPDATE SKIP LOCKED
      )
      UPDATE ${s}."runs" r SET "owner" = $1, "lease_expires_at" = $3, "version" = r."version" + 1
      FROM c WHERE r."id" = c."id"
      RETURNING r.*`,
    /**
     * Renewal leaves `version` alone (the contract's version rule). Without a list of ids the
     * owner's unfinished runs are renewed. Cancel requests ride along in the answer.
     */
    renewLeases: `UPDATE ${s}."runs" SET "lease_expires_at" = $2
      WHERE "owner" = $1
        AND (CASE WHEN $3::text[] IS NULL THEN "status" IN ('QUEUED', 'RUNNING')
          ELSE "id" = ANY($3) END)
      RETURNING "id", "cancel_requested_at", "cancel_reason"`,
    /**
     * A cancel request: on an owned run it is stored for the owner (version unchanged); on a
     * run nobody owns it ends the run at once (version + 1). Only unfinished runs change.
     */
    requestCancel: `WITH upd AS (
        UPDATE ${s}."runs" r SET
          "status" = CASE WHEN r."owner" IS NULL THEN 'CANCELLED' ELSE r."status" END,
          "ended_at" = CASE WHEN r."owner" IS NULL THEN $3::bigint ELSE r."ended_at" END,
          "message" = CASE WHEN r."owner" IS NULL THEN 'Cancelled while queued: ' || $2::text
            ELSE r."message" END,
          "cancel_requested_at" = CASE WHEN r."owner" IS NULL THEN r."cancel_requested_at"
            ELSE $3::bigint END,
          "cancel_reason" = CASE WHEN r."owner" IS NULL THEN r."cancel_reason" ELSE $2::text END,
          "version" = CASE WHEN r."owner" IS NULL THEN r."version" + 1 ELSE r."version" END
        WHERE r."id" = $1 AND r."status" IN ('QUEUED', 'RUNNING')
        RETURNING r.*
      )
      SELECT true AS "updated", upd.* FROM upd
      UNION ALL
      SELECT false, r.* FROM ${s}."runs" r WHERE r."id" = $1 AND NOT EXISTS (SELECT 1 FROM upd)`,

    getWatermark: `SELECT * FROM ${s}."watermarks" WHERE "key" = $1`,
    insertWatermark: `INSERT INTO ${s}."watermarks" ("key", "value", "type", "updated_at")
      VALUES ($1, $2, $3, $4) ON CONFLICT ("key") DO NOTHING RETURNING "key"`,
    updateWatermark: `WITH upd AS (
        UPDATE ${s}."watermarks" SET "value" = $2, "type" = $3, "updated_at" = $4
        WHERE "key" = $1 AND "value" = $5 AND "type" = $6 AND "updated_at" = $7
        RETURNING "key"
      )
      SELECT (SELECT count(*) FROM upd)::int AS "updated",
        EXISTS (SELECT 1 FROM ${s}."watermarks" WHERE "key" = $1) AS "found"`,

    /**
     * A changed definition (hash) replaces spec and due time and bumps the version; the state
     * stays. The same definition writes nothing and the stored row is returned.
     */
    putSchedule: `WITH ins AS (
        INSERT INTO ${s}."schedules" AS t ("id", "pipeline_id", "spec", "spec_hash", "paused",
          "last_tick", "next_due_at", "pending", "updated_at", "version")
        VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, '[]'::jsonb, $8, 1)
        ON CONFLICT ("id") DO UPDATE SET "pipeline_id" = EXCLUDED."pipeline_id",
          "spec" = EXCLUDED."spec", "spec_hash" = EXCLUDED."spec_hash",
          "next_due_at" = EXCLUDED."next_due_at", "updated_at" = EXCLUDED."updated_at",
          "version" = t."version" + 1
        WHERE t."spec_hash" <> EXCLUDED."spec_hash"
        RETURNING *
      )
      SELECT * FROM ins
      UNION ALL
      SELECT * FROM ${s}."schedules" WHERE "id" = $1 AND NOT EXISTS (SELECT 1 FROM ins)`,
    getSchedule: `SELECT * FROM ${s}."schedules" WHERE "id" = $1`,
    listSchedules: `SELECT * FROM ${s}."schedules"
      WHERE ($1::text IS NULL OR "pipeline_id" = $1) AND ($2::text IS NULL OR "id" > $2)
      ORDER BY "id" LIMIT $3`,
    claimSchedules: `WITH c AS (
        SELECT "id" FROM ${s}."schedules"
        WHERE "id" = ANY($4::text[]) AND "next_due_at" IS NOT NULL AND "next_due_at" <= $2
          AND ("owner" IS NULL OR "lease_expires_at" IS NULL OR "lease_expires_at" <= $2)
        ORDER BY "next_due_at", "id"
        LIMIT $5
        FOR UPDATE SKIP LOCKED
      )
      UPDATE ${s}."schedules" t SET "owner" = $1, "lease_expires_at" = $3,
        "version" = t."version" + 1
      FROM c WHERE t."id" = c."id"
      RETURNING t.*`,
    /** Bits of $11: 1 next_due_at, 2 owner, 4 lease. Clearing the owner clears the lease too. */
    updateSchedule: `WITH upd AS (
        UPDATE ${s}."schedules" SET
          "paused" = COALESCE($3::boolean, "paused"),
          "last_tick" = COALESCE($4::bigint, "last_tick"),
          "next_due_at" = CASE WHEN $11::int & 1 <> 0 THEN $5::bigint ELSE "next_due_at" END,
          "pending" = COALESCE($6::jsonb, "pending"),
          "last_run_id" = COALESCE($7::text, "last_run_id"),
          "owner" = CASE WHEN $11::int & 2 <> 0 THEN $8::text ELSE "owner" END,
          "lease_expires_at" = CASE
            WHEN $11::int & 4 <> 0 THEN $9::bigint
            WHEN $11::int & 2 <> 0 AND $8::text IS NULL THEN NULL
            ELSE "lease_expires_at" END,
          "updated_at" = $10,
          "version" = $2 + 1
        WHERE "id" = $1 AND "version" = $2
        RETURNING *
      )
      SELECT true AS "updated", upd.* FROM upd
      UNION ALL
      SELECT false, t.* FROM ${s}."schedules" t WHERE t."id" = $1 AND NOT EXISTS (SELECT 1 FROM upd)`,
    deleteSchedule: `DELETE FROM ${s}."schedules" WHERE "id" = $1 RETURNING 1 AS "deleted"`,
    countActiveRuns: `SELECT count(*)::int AS "pipeline",
        count(*) FILTER (WHERE "schedule_id" = $2)::int AS "schedule"
      FROM ${s}."runs" WHERE "pipeline_id" = $1 AND "status" IN ('QUEUED', 'RUNNING')`,
  }
}

/** The statements of one schema. */
export type PostgresStatements = ReturnType<typeof postgresSql>

/**
 * Builds the `listRuns` query with only the filters present, so the planner sees plain
 * predicates (a generic `$1 IS NULL OR …` plan would not use the indexes).
 */
export function listRunsQuery(s: string, f: RunListFilter): { text: string; values: unknown[] } {
  const where: string[] = []
  const values: unknown[] = []
  const param = (value: unknown): string => {
    values.push(value)
    return `$${values.length}`
  }
  if (f.pipelineId !== undefined) where.push(`"pipeline_id" = ${param(f.pipelineId)}`)
  if (f.statuses !== undefined) {
    where.push(
      f.statuses.length === 1
        ? `"status" = ${param(f.statuses[0])}`
        : `"status" = ANY(${param(f.statuses)}::text[])`,
    )
  }
  if (f.createdAfter !== undefined) where.push(`"created_at" >= ${param(f.createdAfter)}`)
  if (f.createdBefore !== undefined) where.push(`"created_at" < ${param(f.createdBefore)}`)
  if (f.after !== undefined) {
    where.push(`("created_at", "id") < (${param(f.after[0])}::bigint, ${param(f.after[1])}::text)`)
  }
  const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`
  const text = `SELECT * FROM ${s}."runs" ${clause}
    ORDER BY "created_at" DESC, "id" DESC LIMIT ${param(f.limit)}`
  return { text, values }
}

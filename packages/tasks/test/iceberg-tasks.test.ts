import { Pipeline, type Task } from '@df/orchestration'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  expireSnapshotsSql,
  optimizeTableSql,
  refreshReflectionsSql,
  removeOrphanFilesSql,
} from '../src/iceberg-sql.js'
import {
  ExpireSnapshotsTask,
  OptimizeTask,
  RefreshReflectionTask,
  RemoveOrphanFilesTask,
  VacuumTask,
} from '../src/iceberg-tasks.js'
import { type Harness, startHarness, uniqueFolder } from './emulator-harness.js'

let h: Harness
let f: string
beforeAll(async () => {
  h = await startHarness()
  f = uniqueFolder('ice')
  await h.emu.query(`CREATE FOLDER "${f}"`)
  await h.emu.query(`CREATE TABLE "${f}"."my table" AS SELECT 1 AS x`)
  await h.emu.query(`CREATE TABLE "${f}".t_20261126 AS SELECT 1 AS x`)
})
afterAll(async () => {
  await h.close()
})

/** Runs one task; returns its result and the exact SQL the emulator received. */
async function run(task: Task) {
  const before = h.emu.jobs.list().length
  const p = new Pipeline(`ice_${task.name}`).addTask(task)
  const r = await p.run({ logicalDate: '2026-11-26T00:00:00Z' })
  await p.close()
  const jobs = h.emu.jobs.list().slice(before)
  return { state: r.tasks[task.name]?.state, result: r.tasks[task.name]?.result, jobs, run: r }
}

describe('Iceberg SQL builders', () => {
  it('builds OPTIMIZE with every file-size option, FOR PARTITIONS, and REWRITE MANIFESTS', () => {
    expect(optimizeTableSql('a.b')).toBe('OPTIMIZE TABLE "a"."b" REWRITE DATA USING BIN_PACK')
    expect(
      optimizeTableSql(['my space', 't'], {
        targetFileSizeMb: 256,
        minFileSizeMb: 100,
        maxFileSizeMb: 400,
        minInputFiles: 5,
        forPartitions: "day >= '2026-11-01'",
      }),
    ).toBe(
      'OPTIMIZE TABLE "my space"."t" REWRITE DATA USING BIN_PACK (TARGET_FILE_SIZE_MB = 256, ' +
        "MIN_FILE_SIZE_MB = 100, MAX_FILE_SIZE_MB = 400, MIN_INPUT_FILES = 5) FOR PARTITIONS day >= '2026-11-01'",
    )
    expect(optimizeTableSql('a.b', { rewrite: 'manifests' })).toBe(
      'OPTIMIZE TABLE "a"."b" REWRITE MANIFESTS',
    )
    expect(() => optimizeTableSql('a.b', { rewrite: 'manifests', minInputFiles: 2 })).toThrow(
      /REWRITE MANIFESTS takes no/,
    )
    expect(() => optimizeTableSql('a.b', { targetFileSizeMb: 0 })).toThrow(/whole number/)
    expect(() => optimizeTableSql('a;DROP TABLE x')).toThrow(/malformed segment/)
  })

  it('builds VACUUM in the documented syntax (older_than = …, retain_last = …)', () => {
    expect(expireSnapshotsSql('a.b', { olderThan: '2026-11-20', retainLast: 5 })).toBe(
      `VACUUM TABLE "a"."b" EXPIRE SNAPSHOTS older_than = '2026-11-20 00:00:00.000' retain_last = 5`,
    )
    expect(expireSnapshotsSql('a.b', { olderThan: new Date('2026-11-20T10:30:00.5Z') })).toBe(
      `VACUUM TABLE "a"."b" EXPIRE SNAPSHOTS older_than = '2026-11-20 10:30:00.500'`,
    )
    expect(expireSnapshotsSql('a.b', { olderThan: '2026-11-20 01:02:03.4' })).toContain(
      `'2026-11-20 01:02:03.400'`,
    )
    expect(() => expireSnapshotsSql('a.b', { olderThan: "x' OR 1=1" })).toThrow(/not YYYY-MM-DD/)
    expect(() => expireSnapshotsSql('a.b', { retainLast: 0 })).toThrow(/retainLast/)
    expect(removeOrphanFilesSql('a.b', { olderThan: '2026-11-20', location: "s3://b/it's" })).toBe(
      `VACUUM TABLE "a"."b" REMOVE ORPHAN FILES older_than = '2026-11-20 00:00:00.000' location = 's3://b/it''s'`,
    )
    expect(refreshReflectionsSql('a.v', 'view')).toBe('ALTER VIEW "a"."v" REFRESH REFLECTIONS')
  })
})

describe('Iceberg tasks on the emulator', () => {
  it('OptimizeTask sends REWRITE DATA with options and returns the counters', async () => {
    const r = await run(
      new OptimizeTask({
        name: 'opt',
        client: h.client,
        table: [f, 'my table'],
        targetFileSizeMb: 128,
        minInputFiles: 2,
      }),
    )
    const sql = `OPTIMIZE TABLE "${f}"."my table" REWRITE DATA USING BIN_PACK (TARGET_FILE_SIZE_MB = 128, MIN_INPUT_FILES = 2)`
    expect(r.jobs.map((j) => j.sql)).toEqual([sql])
    expect(r.result).toEqual({
      sql,
      jobId: r.jobs[0]?.id,
      rowCount: 1,
      counters: { rewrittenDataFilesCount: 0, rewrittenDeleteFilesCount: 0, newDataFilesCount: 0 },
    })
  })

  it('OptimizeTask REWRITE MANIFESTS returns the summary', async () => {
    const r = await run(
      new OptimizeTask({
        name: 'man',
        client: h.client,
        table: [f, 'my table'],
        rewrite: 'manifests',
      }),
    )
    expect(r.result).toMatchObject({ summary: 'Optimize table successful' })
  })

  it('ExpireSnapshotsTask / VacuumTask render a templated table and return six counters', async () => {
    const task = new VacuumTask({
      name: 'vac',
      client: h.client,
      table: `"${f}".t_{{ ds_nodash }}`,
      olderThan: '{{ ds }}',
      retainLast: 3,
    })
    expect(task.type).toBe(ExpireSnapshotsTask.TYPE)
    expect(task.options).toEqual({
      client: 'default',
      table: `"${f}".t_{{ ds_nodash }}`,
      olderThan: '{{ ds }}',
      retainLast: 3,
    })
    const r = await run(task)
    expect(r.jobs[0]?.sql).toBe(
      `VACUUM TABLE "${f}"."t_20261126" EXPIRE SNAPSHOTS older_than = '2026-11-26 00:00:00.000' retain_last = 3`,
    )
    expect(r.result).toMatchObject({
      counters: {
        deletedDataFilesCount: 0,
        deletedPositionDeleteFilesCount: 0,
        deletedEqualityDeleteFilesCount: 0,
        deletedManifestFilesCount: 0,
        deletedManifestListsCount: 0,
        deletedPartitionStatsFilesCount: 0,
      },
    })
  })

  it('RemoveOrphanFilesTask and RefreshReflectionTask', async () => {
    const orphan = await run(
      new RemoveOrphanFilesTask({
        name: 'orph',
        client: h.client,
        table: [f, 'my table'],
        olderThan: '2026-11-01',
      }),
    )
    expect(orphan.jobs[0]?.sql).toBe(
      `VACUUM TABLE "${f}"."my table" REMOVE ORPHAN FILES older_than = '2026-11-01 00:00:00.000'`,
    )
    expect(orphan.result).toMatchObject({
      counters: { deletedFilesCount: 0, deletedFilesTotalSizeMb: 0 },
    })
    const refresh = await run(
      new RefreshReflectionTask({ name: 'refl', client: h.client, table: [f, 'my table'] }),
    )
    expect(refresh.jobs[0]?.sql).toBe(`ALTER TABLE "${f}"."my table" REFRESH REFLECTIONS`)
    expect(refresh.result).toMatchObject({
      summary: `Reflection refresh triggered for [${f}."my table"].`,
    })
  })

  it('fails with Dremio text for a missing table, and rejects bad options at construction', async () => {
    const r = await run(new OptimizeTask({ name: 'missing', client: h.client, table: [f, 'nope'] }))
    expect(r.state).toBe('FAILED')
    expect(r.run.tasks.missing?.error?.message).toContain(`Table [${f}.nope] not found.`)
    expect(
      () => new OptimizeTask({ name: 'x', client: h.client, table: 'a.b', maxFileSizeMb: -1 }),
    ).toThrow(/Task 'x': .*maxFileSizeMb/)
    expect(
      () => new ExpireSnapshotsTask({ name: 'x', client: h.client, table: 'a.{{ dsx }}' }),
    ).toThrow(/unknown placeholder/)
  })
})

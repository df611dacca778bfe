// Through the package entry point, as the CLI's demo imports it.
import { createMemoryBackend } from '@df/orchestration'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDailyPipeline, prepareDailyPipelineData } from '../src/index.js'
import { type Harness, jobsWith, startHarness, uniqueFolder } from './emulator-harness.js'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h.close()
})

describe("the seed's Complete DAG Example on the emulator", () => {
  it('extracts, transforms, checks, loads and cleans up the day, with templated tables', async () => {
    const root = [uniqueFolder('daily')]
    await prepareDailyPipelineData(h.client, {
      root,
      days: ['2026-11-25', '2026-11-26'],
      eventsPerDay: 20,
    })
    const backend = createMemoryBackend()
    const pipeline = createDailyPipeline(h.client, { root, backend })
    expect(pipeline.tasks.map((t) => [t.name, t.type])).toEqual([
      ['extract_raw_data', 'dremio.query'],
      ['transform_data', 'dremio.query'],
      ['validate_metrics', 'dremio.data_quality'],
      ['load_to_analytics', 'dremio.query'],
      ['cleanup_staging', 'dremio.query'],
    ])
    const run = await pipeline.run({ logicalDate: '2026-11-26T02:00:00Z' })
    expect(run.status).toBe('SUCCESS')
    const r = run.tasks
    expect(r.extract_raw_data?.result).toMatchObject({ recordsAffected: 20 })
    expect(r.transform_data?.result).toMatchObject({ recordsAffected: 5 })
    expect(r.validate_metrics?.result).toMatchObject({
      passed: true,
      table: `"${root[0]}"."staging"."metrics_20261126"`,
      summary: { total: 3, passed: 3, failed: 0, warned: 0, errored: 0 },
    })
    expect(r.load_to_analytics?.result).toMatchObject({ recordsAffected: 5 })
    expect(r.cleanup_staging?.result).toMatchObject({
      statements: [
        { summary: `Table [${root[0]}.staging.raw_events_20261126] dropped` },
        { summary: `Table [${root[0]}.staging.metrics_20261126] dropped` },
      ],
    })
    // The templated tables were the day's, and the staging tables are gone.
    expect(jobsWith(h.emu, `"raw_events_20261126"`).length).toBeGreaterThan(0)
    const loaded = await h.client.query(
      `SELECT metric_date, SUM(event_count) AS events, COUNT(*) AS users FROM "${root[0]}".analytics.user_metrics GROUP BY metric_date`,
    )
    expect(loaded).toEqual([{ metric_date: '2026-11-26', events: 20, users: 5 }])
    await expect(
      h.client.query(`SELECT * FROM "${root[0]}".staging."metrics_20261126"`),
    ).rejects.toThrow(/not found/)
    await pipeline.close()
  })

  it('stops at the data-quality task when the day has no events, and skips load and cleanup', async () => {
    const root = [uniqueFolder('empty_day')]
    await prepareDailyPipelineData(h.client, { root, days: ['2026-11-25'] })
    const pipeline = createDailyPipeline(h.client, { root, retries: 0 })
    const run = await pipeline.run({ logicalDate: '2026-11-30T02:00:00Z' })
    expect(run.status).toBe('FAILED')
    expect(run.tasks.validate_metrics?.state).toBe('FAILED')
    expect(run.tasks.validate_metrics?.error?.message).toContain(
      'row_count >= 1 where event_count > 0 observed 0, expected >= 1',
    )
    // The failed task keeps its report as its result: what was observed survives the failure.
    const report = run.tasks.validate_metrics?.result as {
      passed: boolean
      checks: { passed: boolean; observed: unknown }[]
    }
    expect(report.passed).toBe(false)
    expect(report.checks.some((c) => !c.passed && c.observed === 0)).toBe(true)
    expect(run.tasks.load_to_analytics?.state).toBe('UPSTREAM_FAILED')
    expect(run.tasks.cleanup_staging?.state).toBe('UPSTREAM_FAILED')
    await pipeline.close()
  })
})

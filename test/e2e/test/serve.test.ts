/**
 * `dremio-cli serve` as a real process (issue 12): it runs the schedules of a directory of
 * pipeline modules, `pipeline pause` / `resume` reach it through the store, it adopts run
 * requests and runs of dead engines, SIGTERM stops it cleanly (exit 0, the run in progress
 * finished), bad input is refused at load, and the README's scheduled Complete DAG Example
 * (scripts/demo/scheduled) runs its newest 2 AM tick on the emulator after a 3-day downtime.
 */
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { DremioClient } from '@df/client'
import type { Emulator } from '@df/emulator'
import {
  createBackendFromUrl,
  type FullBackend,
  type RunRecord,
  requireBackendFeature,
  resolveScheduleOptions,
} from '@df/orchestration'
import { prepareDailyPipelineData } from '@df/tasks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emulatorEnv, startEmulator } from './emulator.js'
import { cleanEnv, ROOT, runCliProcess, spawnCli, tempDir, waitFor } from './helpers.js'

const FIXTURES = join(import.meta.dirname, 'fixtures')
const count = (text: string, re: RegExp) => (text.match(new RegExp(re, 'g')) ?? []).length

async function openStore(url: string): Promise<FullBackend> {
  const b = await createBackendFromUrl(url, { importer: (s) => import(s) })
  await b.init()
  return requireBackendFeature(
    requireBackendFeature(b, 'RunHistory', 'test'),
    'ScheduleStore',
    'test',
  ) as FullBackend
}

async function runsOf(url: string, pipelineId: string): Promise<RunRecord[]> {
  const store = await openStore(url)
  try {
    return [...(await store.listRuns({ pipelineId, limit: 1000 })).items]
  } finally {
    await store.close()
  }
}

describe('dremio-cli serve', () => {
  let tmp: ReturnType<typeof tempDir>
  beforeAll(() => {
    tmp = tempDir('serve')
  })
  afterAll(() => tmp?.remove())

  it('runs a 1-second schedule, obeys pause and resume from the CLI, stops cleanly on SIGTERM', async () => {
    const url = `sqlite:///${join(tmp.dir, 'tick.db')}`
    const serve = spawnCli(['serve', '--pipelines', join(FIXTURES, 'serve'), '--backend-url', url])
    await waitFor(serve.output, /serving 1 pipeline\(s\) from 1 file\(s\), 1 schedule\(s\)/)
    await waitFor(() => String(count(serve.output(), /-> run /)), /^[2-9]/)

    const listed = await runCliProcess(['pipeline', 'schedules', '--backend-url', url, '--json'])
    expect(listed.code).toBe(0)
    const [schedule] = JSON.parse(listed.stdout) as Array<{
      id: string
      paused: boolean
      nextRuns: string[]
    }>
    expect(schedule).toMatchObject({ id: 'e2e_tick', paused: false })
    expect(Math.abs(Date.parse(schedule?.nextRuns[0] ?? '') - Date.now())).toBeLessThan(3_000)
    const table = await runCliProcess(['pipeline', 'schedules', '--backend-url', url])
    expect(table.stdout).toMatch(/e2e_tick\s+e2e_tick\s+every 1s\s+active\s+\d{4}-/)

    const paused = await runCliProcess(['pipeline', 'pause', 'e2e_tick', '--backend-url', url])
    expect(paused).toMatchObject({ code: 0, stdout: 'e2e_tick: paused\n' })
    await sleep(300) // a pass that claimed just before the pause may still fire once
    const atPause = count(serve.output(), /-> run /)
    await sleep(2_500)
    expect(count(serve.output(), /-> run /)).toBe(atPause)
    expect((await runCliProcess(['pipeline', 'schedules', '--backend-url', url])).stdout).toMatch(
      /e2e_tick\s+e2e_tick\s+every 1s\s+paused\s+-/,
    )

    const resumed = await runCliProcess(['pipeline', 'resume', 'e2e_tick', '--backend-url', url])
    expect(resumed.stdout).toMatch(/^e2e_tick: resumed, next run \d{4}-/)
    await waitFor(() => String(count(serve.output(), /-> run /) - atPause), /^[1-9]/)

    serve.child.kill('SIGTERM')
    const result = await serve.done
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /SIGTERM: stopping; runs in progress get 30s to finish\n.*stopped\n$/,
    )

    const runs = await runsOf(url, 'e2e_tick')
    expect(runs.length).toBe(count(result.stdout, /-> run /))
    for (const r of runs) {
      expect(r).toMatchObject({ status: 'SUCCESS', trigger: 'schedule', scheduleId: 'e2e_tick' })
      expect(r.params).toEqual({ source: 'serve' })
      expect(Date.parse(r.dataIntervalEnd ?? '') - Date.parse(r.dataIntervalStart ?? '')).toBe(1000)
    }
    // No tick of the paused second fired: the ticks around the pause are more than 2 s apart.
    const ticks = runs.map((r) => Date.parse(r.dataIntervalEnd ?? '')).sort((a, b) => a - b)
    expect(Math.max(...ticks.slice(1).map((t, i) => t - (ticks[i] as number)))).toBeGreaterThan(
      2_000,
    )
  }, 90_000)

  it('adopts a run request (QUEUED, no owner) and a run whose engine died, and finishes the run in progress on SIGTERM', async () => {
    const url = `sqlite:///${join(tmp.dir, 'adopt.db')}`
    const store = await openStore(url)
    const base = {
      pipelineId: 'e2e_tick',
      params: { source: 'ui' },
      logicalDate: '2026-01-01T00:00:00.000Z',
      definitionHash: 'from-the-ui',
      tasks: [{ taskId: 'work' }],
    }
    await store.createRun({
      ...base,
      id: 'run-request',
      status: 'QUEUED',
      trigger: 'ui',
      createdAt: Date.now(),
    })
    await store.createRun({
      ...base,
      id: 'run-orphaned',
      status: 'RUNNING',
      trigger: 'manual',
      createdAt: Date.now() - 60_000,
      startedAt: Date.now() - 60_000,
      owner: 'dead-engine',
      leaseExpiresAt: Date.now() - 1,
    })
    await store.close()
    const serve = spawnCli(
      [
        'serve',
        '--pipelines',
        join(FIXTURES, 'serve'),
        '--backend-url',
        url,
        '--recover-interval',
        '1s',
      ],
      { env: cleanEnv({ DF_E2E_TASK_MS: '1500' }) },
    )
    await waitFor(serve.output, /run run-request \(e2e_tick, ui\) SUCCESS/)
    await waitFor(serve.output, /run run-orphaned \(e2e_tick, manual\) SUCCESS/)
    await waitFor(serve.output, /-> run /)
    serve.child.kill('SIGTERM') // a scheduled run (1.5 s) is in progress: it gets to finish
    const result = await serve.done
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/\bstopped\n$/)
    const runs = await runsOf(url, 'e2e_tick')
    expect(runs.filter((r) => r.status !== 'SUCCESS' || r.owner !== undefined)).toEqual([])
    expect(runs.find((r) => r.id === 'run-request')?.params).toEqual({ source: 'ui' })
  }, 90_000)

  it('refuses bad input with a clear message: no --pipelines, a missing path, an invalid schedule', async () => {
    expect((await runCliProcess(['serve'])).code).toBe(2)
    const missing = await runCliProcess(['serve', '--pipelines', join(tmp.dir, 'nope')])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/^\[@df\/cli\] --pipelines: .*nope does not exist\.\n$/)
    const bad = await runCliProcess([
      'serve',
      '--pipelines',
      join(FIXTURES, 'serve-invalid'),
      '--backend-url',
      `sqlite:///${join(tmp.dir, 'bad.db')}`,
      '--verbose',
    ])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/Pipeline 'e2e_bad_cron': schedule cron '61 \* \* \* \*' is invalid/)
    const pause = await runCliProcess([
      'pipeline',
      'pause',
      'nope',
      '--backend-url',
      `sqlite:///${join(tmp.dir, 'bad.db')}`,
    ])
    expect(pause.code).toBe(1)
    expect(pause.stderr).toContain("No schedule 'nope'")
  }, 90_000)
})

describe('the Complete DAG Example through dremio-cli serve', () => {
  let emulator: Emulator
  let tmp: ReturnType<typeof tempDir>
  beforeAll(async () => {
    emulator = await startEmulator()
    tmp = tempDir('serve-daily')
  })
  afterAll(async () => {
    await emulator?.close()
    tmp?.remove()
  })

  it('after 3 days down, runs only the newest 2 AM tick (catchup latest), for the previous day', async () => {
    const now = Date.now()
    let tick = Math.floor(now / 86_400_000) * 86_400_000 + 2 * 3_600_000
    if (tick > now) tick -= 86_400_000
    const ds = new Date(tick - 86_400_000).toISOString().slice(0, 10)
    const client = new DremioClient({
      url: emulator.url,
      pat: emulator.credentials.tokens[0] as string,
    })
    try {
      await prepareDailyPipelineData(client, { days: [ds], eventsPerDay: 10 })
    } finally {
      await client.close()
    }
    // The store as a serve left it 3 days ago: the 2 AM ticks since then were missed.
    const url = `sqlite:///${join(tmp.dir, 'daily.db')}`
    const spec = resolveScheduleOptions('dremio_daily_pipeline', {
      cron: '0 2 * * *',
      timezone: 'UTC',
      catchup: 'latest',
    })
    const store = await openStore(url)
    await store.putSchedule({
      id: spec.id,
      pipelineId: spec.pipelineId,
      spec: spec.spec,
      specHash: spec.specHash,
      paused: false,
      lastTick: tick - 3 * 86_400_000,
      nextDueAt: tick - 2 * 86_400_000,
      updatedAt: now - 3 * 86_400_000,
    })
    await store.close()
    const serve = spawnCli(
      ['serve', '--pipelines', join(ROOT, 'scripts/demo/scheduled'), '--backend-url', url],
      {
        env: emulatorEnv(emulator),
      },
    )
    await waitFor(serve.output, /dremio_daily_pipeline: cron '0 2 \* \* \*' \(UTC\)/)
    await waitFor(serve.output, /run \S+ \(dremio_daily_pipeline, schedule\) (SUCCESS|FAILED)/)
    serve.child.kill('SIGTERM')
    const result = await serve.done
    expect(result.stdout).toMatch(/run \S+ \(dremio_daily_pipeline, schedule\) SUCCESS/)
    expect(result.stdout).toContain(
      'schedule dremio_daily_pipeline: 2 missed tick(s) not run (catchup)',
    )
    expect(result.code).toBe(0)
    const runs = await runsOf(url, 'dremio_daily_pipeline')
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatchObject({
      status: 'SUCCESS',
      trigger: 'schedule',
      logicalDate: new Date(tick - 86_400_000).toISOString(),
      dataIntervalEnd: new Date(tick).toISOString(),
    })
    const [metrics] = await emulator.query(
      `SELECT COUNT(*) AS n FROM analytics.user_metrics WHERE metric_date = DATE '${ds}'`,
    )
    expect(Number(metrics?.n)).toBeGreaterThan(0)
    // What the README shows next: the schedule, due again tomorrow at 2 AM.
    const listed = await runCliProcess(['pipeline', 'schedules', '--backend-url', url])
    expect(listed.stdout).toMatch(
      /dremio_daily_pipeline\s+dremio_daily_pipeline\s+cron '0 2 \* \* \*' \(UTC\)\s+active\s+\d{4}-\d\d-\d\d \d\d:00:00/,
    )
  }, 120_000)
})

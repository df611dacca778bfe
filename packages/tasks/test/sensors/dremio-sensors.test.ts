/**
 * SqlSensor and FileSensor on the emulator (real HTTP, real SQL on DuckDB) with a manual engine
 * clock: time between pokes moves only with `clock.advance`. The short real waits in `until`
 * only let loopback HTTP round trips finish; nothing is asserted about real time.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DremioClient } from '@df/client'
import { createEmulator, type Emulator } from '@df/emulator'
import {
  createInProcessExecutor,
  createManualClock,
  type ManualClock,
  Pipeline,
  type PipelineEvent,
  Task,
} from '@df/orchestration'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DremioQueryTask } from '../../src/dremio-query-task.js'
import { FileSensor } from '../../src/sensors/file-sensor.js'
import { SqlSensor } from '../../src/sensors/sql-sensor.js'
import { history } from '../history.js'
import '../../src/task-types.js' // registers the library's task types, as importing @df/tasks does
import { taskFromDescription } from '@df/orchestration'
import { jobsWith, uniqueFolder } from '../emulator-harness.js'

let emu: Emulator
let client: DremioClient
let drop: string
beforeAll(async () => {
  drop = mkdtempSync(join(tmpdir(), 'df-file-sensor-'))
  emu = await createEmulator({ port: 0, sources: { drop } })
  client = new DremioClient({ url: emu.url, pat: 'df-emulator-token' })
})
afterAll(async () => {
  await client.close()
  await emu.close()
  rmSync(drop, { recursive: true, force: true })
})

function setup(name: string, maxWorkers = 4) {
  const clock = createManualClock(Date.UTC(2026, 10, 27))
  const p = new Pipeline(name, { clock, maxWorkers, executor: createInProcessExecutor({ clock }) })
  const events: PipelineEvent[] = []
  p.on('event', (e) => {
    events.push(e)
  })
  return { clock, p, events }
}

/** Lets engine turns and loopback I/O run (manual clock untouched) until `cond` holds. */
async function until(clock: ManualClock, cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 3000 && !cond(); i++) {
    await clock.flush()
    await new Promise((r) => setTimeout(r, 2))
  }
  if (!cond()) throw new Error(`timed out waiting for ${what}`)
}

const missed = (events: PipelineEvent[], taskId: string, n: number) =>
  events.some((e) => e.type === 'log' && e.taskId === taskId && e.message.includes(`(poke ${n})`))

const taskState = (events: PipelineEvent[], taskId: string, state: string) => () =>
  events.some((e) => e.type === 'task' && e.taskId === taskId && e.state === state)

describe('SqlSensor', { timeout: 60_000 }, () => {
  it('succeeds once another task of the pipeline inserts the row', async () => {
    const f = uniqueFolder('sensor')
    await emu.query(`CREATE FOLDER ${f}`)
    await emu.query(`CREATE TABLE ${f}.arrivals (day VARCHAR, n INT)`)
    const { clock, p, events } = setup('sql_sensor_insert')
    const sensor = new SqlSensor({
      name: 'wait',
      client,
      sql: `SELECT n FROM ${f}.arrivals WHERE day = '{{ ds }}'`,
      pokeInterval: 60_000,
      predicate: (row) => Number(row?.n) >= 2,
    })
    // The writer waits for the sensor's first unmet poke, then inserts the row.
    const firstMiss = new Promise<void>((resolve) =>
      p.on('event', (e) => {
        if (e.type === 'log' && e.taskId === 'wait' && e.message.includes('not met')) resolve()
      }),
    )
    const gate = new Task({ name: 'gate', run: () => firstMiss.then(() => 'go') })
    const insert = new DremioQueryTask({
      name: 'insert',
      client,
      sql: `INSERT INTO ${f}.arrivals VALUES ('{{ ds }}', 2)`,
    })
    gate.setDownstream(insert)
    p.addTask(sensor, gate, insert)
    const done = p.run({ logicalDate: '2026-11-27T00:00:00.000Z' })
    await until(clock, taskState(events, 'insert', 'SUCCESS'), 'the insert')
    expect(taskState(events, 'wait', 'SUCCESS')()).toBe(false)
    await clock.advance(60_000)
    await until(clock, taskState(events, 'wait', 'SUCCESS'), 'the sensor')
    const run = await done
    expect(run.status).toBe('SUCCESS')
    expect(run.tasks.wait).toMatchObject({ state: 'SUCCESS', attempt: 1 })
    // The first row is the sensor's result (downstream tasks read it with ctx.get('wait')).
    expect(run.tasks.wait?.result).toEqual({ n: 2 })
    const pokes = jobsWith(emu, `FROM ${f}.arrivals WHERE day = '2026-11-27'`)
    expect(pokes).toHaveLength(2)
    const [attempt] = await history(p.backend).listAttempts(run.id, 'wait')
    expect(attempt?.log).toContain('Sensor condition met on poke 2.')
  })

  it('reschedule mode frees the only worker slot so the inserting task runs meanwhile', async () => {
    const f = uniqueFolder('resched')
    await emu.query(`CREATE FOLDER ${f}`)
    await emu.query(`CREATE TABLE ${f}.t (x INT)`)
    const { clock, p, events } = setup('sql_sensor_resched', 1)
    const sensor = new SqlSensor({
      name: 'wait',
      client,
      sql: `SELECT x FROM ${f}.t`,
      mode: 'reschedule',
      pokeInterval: 30_000,
    })
    const insert = new DremioQueryTask({
      name: 'insert',
      client,
      sql: `INSERT INTO ${f}.t VALUES (1)`,
    })
    p.addTask(sensor, insert) // no edge: with one worker, only rescheduling lets `insert` run
    const done = p.run()
    await until(clock, taskState(events, 'insert', 'SUCCESS'), 'the insert')
    const order = events
      .filter((e) => e.type === 'task' && e.state !== 'QUEUED')
      .map((e) => (e.type === 'task' ? `${e.taskId}:${e.state}` : ''))
    expect(order).toEqual([
      'wait:RUNNING',
      'wait:UP_FOR_RESCHEDULE',
      'insert:RUNNING',
      'insert:SUCCESS',
    ])
    await clock.advance(30_000)
    const run = await done
    expect(run.tasks.wait).toMatchObject({ state: 'SUCCESS', attempt: 2 })
  })

  it('fails fast on a SQL error (after its retries), never waiting for the timeout', async () => {
    const { clock, p, events } = setup('sql_sensor_error')
    const sensor = new SqlSensor({
      name: 'wait',
      client,
      sql: 'SELECT * FROM no_such_space.no_such_table',
      pokeInterval: 60_000,
      timeout: 3_600_000,
      retries: 1,
      retryDelay: 1000,
    })
    p.addTask(sensor)
    const done = p.run()
    await until(clock, taskState(events, 'wait', 'UP_FOR_RETRY'), 'the first failure')
    await clock.advance(1000)
    await until(clock, taskState(events, 'wait', 'FAILED'), 'the failure')
    const run = await done
    expect(run.tasks.wait).toMatchObject({ state: 'FAILED', attempt: 2 })
    expect(run.tasks.wait?.error?.message).toMatch(/no_such_table|not found/i)
    expect(clock.now() - Date.UTC(2026, 10, 27)).toBe(1000) // no poke interval was waited
  })

  it('soft-fails to SKIPPED when the timeout passes', async () => {
    const f = uniqueFolder('soft')
    await emu.query(`CREATE FOLDER ${f}`)
    await emu.query(`CREATE TABLE ${f}.empty (x INT)`)
    const { clock, p, events } = setup('sql_sensor_soft')
    const sensor = new SqlSensor({
      name: 'wait',
      client,
      sql: `SELECT x FROM ${f}.empty`,
      pokeInterval: 60_000,
      timeout: 120_000,
      softFail: true,
    })
    const after = new Task({ name: 'after', triggerRule: 'all_done', run: () => 'ran' })
    sensor.setDownstream(after)
    p.addTask(sensor, after)
    const done = p.run()
    for (let n = 1; n <= 2; n++) {
      // Advance only once the sensor is asleep (its "not met" line is logged before the sleep).
      await until(clock, () => missed(events, 'wait', n), `poke ${n}`)
      await clock.advance(60_000)
    }
    await until(clock, taskState(events, 'wait', 'SKIPPED'), 'the soft fail')
    const run = await done
    expect(run.tasks.wait?.state).toBe('SKIPPED')
    expect(run.tasks.wait?.reason).toMatch(
      /timed out: .*120000 ms after the first poke \(3 pokes\)/,
    )
    expect(run.tasks.after?.state).toBe('SUCCESS')
  })

  it('is a serialisable description rebuilt by type', () => {
    const s = new SqlSensor({
      name: 'w',
      client,
      sql: 'SELECT 1',
      mode: 'reschedule',
      timeout: 5000,
    })
    expect(s.type).toBe('dremio.sql_sensor')
    expect(JSON.parse(JSON.stringify(s.options))).toEqual(s.options)
    expect(s.options).toMatchObject({
      client: 'default',
      sql: 'SELECT 1',
      mode: 'reschedule',
      timeout: 5000,
    })
    const again = taskFromDescription({ name: 'w', type: s.type, options: s.options ?? {} })
    expect(again).toBeInstanceOf(SqlSensor)
    expect(again.options).toEqual(s.options)
    const withFn = new SqlSensor({ name: 'p', client, sql: 'SELECT 1', predicate: () => true })
    expect(() =>
      taskFromDescription({ name: 'p', type: withFn.type, options: withFn.options ?? {} }),
    ).toThrow(/in-process predicate function/)
  })
})

describe('FileSensor', { timeout: 60_000 }, () => {
  it('waits until a file appears under an emulator source folder', async () => {
    const dir = uniqueFolder('incoming')
    const { clock, p, events } = setup('file_sensor')
    const sensor = new FileSensor({
      name: 'wait_file',
      client,
      path: `@drop/${dir}/orders.csv`,
      pokeInterval: 10_000,
    })
    p.addTask(sensor)
    const done = p.run()
    await until(clock, () => missed(events, 'wait_file', 1), 'poke 1')
    await clock.advance(10_000) // folder still missing: "not yet", not an error
    await until(clock, () => missed(events, 'wait_file', 2), 'poke 2')
    mkdirSync(join(drop, dir))
    writeFileSync(join(drop, dir, 'orders.csv'), 'id\n1\n')
    await clock.advance(10_000)
    await until(clock, taskState(events, 'wait_file', 'SUCCESS'), 'the file')
    const run = await done
    expect(run.tasks.wait_file).toMatchObject({
      state: 'SUCCESS',
      result: { path: `@drop/${dir}/orders.csv`, files: 1 },
    })
    // A folder passes once any file is under it.
    const folder = setup('folder_sensor')
    folder.p.addTask(new FileSensor({ name: 'wait_dir', client, path: `@drop/${dir}` }))
    const folderRun = await folder.p.run()
    expect(folderRun.tasks.wait_dir).toMatchObject({
      state: 'SUCCESS',
      attempt: 1,
      result: { path: `@drop/${dir}`, files: 1 },
    })
  })

  it('fails at once for an unknown source and rejects a path without @source', async () => {
    const { p } = setup('file_sensor_bad')
    p.addTask(new FileSensor({ name: 'f', client, path: '@nosuchsource/x.csv' }))
    const run = await p.run()
    expect(run.tasks.f).toMatchObject({ state: 'FAILED', attempt: 1 })
    expect(run.tasks.f?.error?.message).toMatch(/nosuchsource/)
    expect(() => new FileSensor({ name: 'f', client, path: 'drop.dir.file' })).toThrow(
      /'@source\/dir\/file'/,
    )
  })
})

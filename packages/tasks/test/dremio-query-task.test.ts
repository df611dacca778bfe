import {
  createManualClock,
  createMemoryBackend,
  Pipeline,
  type TaskRecord,
} from '@df/orchestration'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerDremioClient } from '../src/client-registry.js'
import { DremioQueryTask } from '../src/dremio-query-task.js'
import {
  type Harness,
  jobAppears,
  jobsWith,
  startHarness,
  uniqueFolder,
} from './emulator-harness.js'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h.close()
})

const LOGICAL = '2026-11-26T02:00:00.000Z'

async function runOne(t: DremioQueryTask, params = {}) {
  const backend = createMemoryBackend()
  const p = new Pipeline(`p_${t.name}`, { backend })
  p.addTask(t)
  const run = await p.run({ logicalDate: LOGICAL, params })
  const attempts = await backend.listAttempts(run.id)
  await p.close()
  return { run, task: run.tasks[t.name] as TaskRecord, attempts }
}

describe('DremioQueryTask', () => {
  it('runs a CTAS and returns its job id and records affected, not rows', async () => {
    const f = uniqueFolder('ctas')
    await h.emu.query(`CREATE FOLDER ${f}`)
    const t = new DremioQueryTask({
      name: 'ctas',
      client: h.client,
      sql: `CREATE TABLE ${f}.t AS SELECT * FROM (VALUES (1), (2), (3)) AS v(x)`,
    })
    const { run, task, attempts } = await runOne(t)
    expect(run.status).toBe('SUCCESS')
    const job = jobsWith(h.emu, `${f}.t`)[0]
    expect(job?.state).toBe('COMPLETED')
    expect(task.result).toEqual({ jobId: job?.id, rowCount: 1, recordsAffected: 3 })
    expect(attempts[0]?.log).toContain(`Dremio job ${job?.id} submitted`)
    expect(attempts[0]?.meta?.dremioJobId).toBe(job?.id)
  })

  it('never lets a param add a statement: the SQL is split before it is rendered', async () => {
    const f = uniqueFolder('inj')
    await h.emu.query(`CREATE TABLE ${f}.victim (id INT)`)
    const v = `x'; DROP TABLE ${f}.victim; --`
    const { run, task } = await runOne(
      new DremioQueryTask({
        name: 'inject',
        client: h.client,
        sql: "SELECT '{{ params.v }}' AS v",
      }),
      { v },
    )
    // One statement reached Dremio (which refuses the ';' inside it); no DROP ran.
    expect(run.status).toBe('FAILED')
    expect(task.error?.message).toMatch(/only one statement is allowed per job/)
    expect(jobsWith(h.emu, 'DROP TABLE')).toEqual([
      expect.objectContaining({ sql: `SELECT '${v}' AS v`, state: 'FAILED' }),
    ])
    expect(await h.emu.query(`SELECT COUNT(*) AS n FROM ${f}.victim`)).toEqual([{ n: 0 }])
    // The explicit filter makes the same value a harmless literal.
    const quoted = await runOne(
      new DremioQueryTask({
        name: 'quoted',
        client: h.client,
        sql: 'SELECT {{ params.v | sql }} AS v; SELECT {{ ds | sql }} AS d',
        returnRows: { max: 1 },
      }),
      { v },
    )
    expect(quoted.run.status).toBe('SUCCESS')
    expect(jobsWith(h.emu, 'AS v').at(-1)?.state).toBe('COMPLETED')
    expect(quoted.task.result).toMatchObject({ rows: [{ d: '2026-11-26' }] })
  })

  it('returns rows only when asked, capped at max, and says when it truncated', async () => {
    const sql = 'SELECT x FROM (VALUES (1), (2), (3)) AS v(x) ORDER BY x'
    const { task } = await runOne(
      new DremioQueryTask({ name: 'rows', client: h.client, sql, returnRows: { max: 2 } }),
    )
    expect(task.result).toMatchObject({ rowCount: 3, rows: [{ x: 1 }, { x: 2 }], truncated: true })
    const plain = await runOne(new DremioQueryTask({ name: 'plain', client: h.client, sql }))
    expect(plain.task.result).toEqual({ jobId: expect.any(String), rowCount: 3 })
  })

  it('fetches its rows over Arrow Flight when asked, with the same values and cap', async () => {
    const sql = "SELECT x, y FROM (VALUES (1, 'a'), (2, 'b'), (3, 'c')) AS v(x, y) ORDER BY x"
    const { task, attempts } = await runOne(
      new DremioQueryTask({
        name: 'flight',
        client: h.client,
        sql,
        returnRows: { max: 2 },
        transport: 'flight',
      }),
    )
    expect(task.state).toBe('SUCCESS')
    expect(task.result).toEqual({
      rowCount: 3,
      rows: [
        { x: 1, y: 'a' },
        { x: 2, y: 'b' },
      ],
      truncated: true,
    })
    // One job, the Flight one (DoGet), ended once the cap was read.
    const [flightJob, ...others] = jobsWith(h.emu, "VALUES (1, 'a')")
    expect(others).toEqual([])
    expect(['COMPLETED', 'CANCELED']).toContain((await h.emu.jobs.settled(flightJob!.id)).state)
    expect(attempts[0]?.meta?.dremioJobId).toBeUndefined()
    const rest = await runOne(
      new DremioQueryTask({ name: 'rest', client: h.client, sql, returnRows: { max: 5 } }),
    )
    expect((rest.task.result as { rows: unknown[] }).rows).toEqual([
      { x: 1, y: 'a' },
      { x: 2, y: 'b' },
      { x: 3, y: 'c' },
    ])
    expect(
      () => new DremioQueryTask({ name: 'bad', client: h.client, sql, transport: 'grpc' as never }),
    ).toThrow(/transport must be/)
  })

  it('fails with Dremio error text when the job FAILS', async () => {
    const f = uniqueFolder('fail')
    await h.emu.query(`CREATE FOLDER ${f}`)
    const t = new DremioQueryTask({ name: 'bad', client: h.client, sql: `SELECT * FROM ${f}.nope` })
    const { run, task, attempts } = await runOne(t)
    expect(run.status).toBe('FAILED')
    const job = jobsWith(h.emu, `${f}.nope`)[0]
    expect(attempts[0]?.meta?.dremioJobId).toBe(job?.id)
    expect(job?.state).toBe('FAILED')
    expect(job?.errorMessage).toBe(`Object 'nope' not found within '${f}'`)
    expect(task.state).toBe('FAILED')
    expect(task.error?.message).toContain(`Dremio job ${job?.id} failed: ${job?.errorMessage}`)
    expect(task.error?.name).toBe('DremioTaskError')
  })

  it('renders {{ ds }}, {{ ds_nodash }}, {{ run_id }} and params before submitting', async () => {
    const t = new DremioQueryTask({
      name: 'tpl',
      client: h.client,
      sql: "SELECT '{{ ds }}' AS ds, '{{ ds_nodash }}' AS nd, '{{ run_id }}' AS rid, {{ params.n }} AS n",
      returnRows: { max: 1 },
    })
    const { run, task } = await runOne(t, { n: 7 })
    expect(task.result).toMatchObject({
      rows: [{ ds: '2026-11-26', nd: '20261126', rid: run.id, n: 7 }],
    })
    expect(jobsWith(h.emu, `'${run.id}' AS rid`)).toHaveLength(1)
  })

  it('rejects an unknown placeholder at construction, and a missing param before any SQL', async () => {
    expect(
      () => new DremioQueryTask({ name: 'x', client: h.client, sql: 'SELECT {{ dss }}' }),
    ).toThrow(/unknown placeholder '\{\{ dss \}\}'/)
    const before = h.emu.jobs.list().length
    const { task } = await runOne(
      new DremioQueryTask({ name: 'p', client: h.client, sql: 'SELECT {{ params.missing }}' }),
    )
    expect(task.state).toBe('FAILED')
    expect(task.error?.code).toBe('DF_TEMPLATE_INVALID')
    expect(h.emu.jobs.list().length).toBe(before)
  })

  it('splits multi-statement SQL, runs it in order and stops at the first failure', async () => {
    const f = uniqueFolder('multi')
    await h.emu.query(`CREATE FOLDER ${f}`)
    await h.emu.query(`CREATE TABLE ${f}.a AS SELECT 1 AS x`)
    await h.emu.query(`CREATE TABLE ${f}.b AS SELECT 1 AS x`)
    const ok = await runOne(
      new DremioQueryTask({
        name: 'cleanup',
        client: h.client,
        sql: `-- cleanup; with a ';' in a comment\nDROP TABLE ${f}.a;\n/* ; */ DROP TABLE ${f}.b;\n`,
      }),
    )
    expect(ok.run.status).toBe('SUCCESS')
    const drops = jobsWith(h.emu, `DROP TABLE ${f}.`)
    expect(drops.map((j) => j.sql)).toEqual([
      `-- cleanup; with a ';' in a comment\nDROP TABLE ${f}.a`,
      `/* ; */ DROP TABLE ${f}.b`,
    ])
    expect(ok.task.result).toMatchObject({
      summary: `Table [${f}.b] dropped`,
      statements: [{ summary: `Table [${f}.a] dropped` }, { summary: `Table [${f}.b] dropped` }],
    })
    const failed = await runOne(
      new DremioQueryTask({
        name: 'stop',
        client: h.client,
        sql: `SELECT 'a;b' AS s; DROP TABLE ${f}.gone; SELECT 'never ${f}'`,
      }),
    )
    expect(failed.task.state).toBe('FAILED')
    expect(failed.task.error?.message).toContain('Statement 2 of 3 (statement 1 completed')
    expect(failed.task.error?.message).toContain(`Table [${f}.gone] not found.`)
    expect(jobsWith(h.emu, `'never ${f}'`)).toHaveLength(0)
  })

  it('cancels the Dremio job when the attempt times out (job ends CANCELED)', async () => {
    h.emu.setJobLatency(60_000)
    try {
      const clock = createManualClock(Date.now())
      const backend = createMemoryBackend()
      const p = new Pipeline('timeout', { clock, backend })
      const marker = uniqueFolder('slow')
      p.addTask(
        new DremioQueryTask({
          name: 'slow',
          client: h.client,
          sql: `SELECT '${marker}' AS m`,
          timeoutMs: 1_000,
        }),
      )
      const running = p.run()
      const job = await jobAppears(h.emu, marker)
      await clock.advance(1_000)
      const run = await running
      expect(run.tasks.slow?.state).toBe('FAILED')
      expect(run.tasks.slow?.error?.code).toBe('DF_TASK_TIMEOUT')
      const settled = await h.emu.jobs.settled(job.id)
      expect(settled.state).toBe('CANCELED')
      const [attempt] = await backend.listAttempts(run.id)
      expect(attempt).toMatchObject({ state: 'FAILED', meta: { dremioJobId: job.id } })
      await p.close()
    } finally {
      h.emu.setJobLatency(0)
    }
  })

  it('retries after a timeout with a new job, the timed-out one CANCELED', async () => {
    h.emu.setJobLatency(60_000)
    try {
      const clock = createManualClock(Date.now())
      const backend = createMemoryBackend()
      const p = new Pipeline('retry_timeout', { clock, backend })
      const marker = uniqueFolder('retry')
      p.addTask(
        new DremioQueryTask({
          name: 'flaky',
          client: h.client,
          sql: `SELECT '${marker}' AS m`,
          timeoutMs: 1_000,
          retries: 1,
          retryDelay: 500,
        }),
      )
      // The retry timer exists once UP_FOR_RETRY is emitted (events follow the durable write).
      const retrying = new Promise<void>((resolve) =>
        p.on('event', (e) => {
          if (e.type === 'task' && e.state === 'UP_FOR_RETRY') resolve()
        }),
      )
      const running = p.run()
      const first = await jobAppears(h.emu, marker)
      h.emu.setJobLatency(0)
      await clock.advance(1_000)
      expect((await h.emu.jobs.settled(first.id)).state).toBe('CANCELED')
      await retrying
      await clock.advance(500)
      const run = await running
      expect(run.tasks.flaky?.state).toBe('SUCCESS')
      const jobs = jobsWith(h.emu, marker)
      expect(jobs.map((j) => j.state)).toEqual(['CANCELED', 'COMPLETED'])
      const attempts = await backend.listAttempts(run.id)
      expect(attempts.map((a) => [a.state, a.meta?.dremioJobId])).toEqual([
        ['FAILED', jobs[0]?.id],
        ['SUCCESS', jobs[1]?.id],
      ])
      await p.close()
    } finally {
      h.emu.setJobLatency(0)
    }
  })

  it('cancels the Dremio job when the run is cancelled', async () => {
    h.emu.setJobLatency(60_000)
    try {
      const backend = createMemoryBackend()
      const p = new Pipeline('cancel', { backend })
      const marker = uniqueFolder('cancel')
      p.addTask(
        new DremioQueryTask({ name: 'long', client: h.client, sql: `SELECT '${marker}' AS m` }),
      )
      const abort = new AbortController()
      // Abort once the task has the job id (its "submitted" log line): aborting between the
      // emulator creating the job and the HTTP answer arriving cannot know the id.
      const logged: string[] = []
      p.on('event', (e) => {
        if (e.type === 'log') logged.push(e.message)
      })
      const running = p.run({ signal: abort.signal })
      const job = await jobAppears(h.emu, marker)
      for (let i = 0; i < 2000 && !logged.some((m) => m.includes(job.id)); i++) {
        await new Promise((r) => setTimeout(r, 5))
      }
      abort.abort()
      const run = await running
      expect(run.status).toBe('CANCELLED')
      expect(run.tasks.long?.state).toBe('CANCELLED')
      expect((await h.emu.jobs.settled(job.id)).state).toBe('CANCELED')
      const [attempt] = await backend.listAttempts(run.id)
      expect(attempt).toMatchObject({ state: 'CANCELLED', meta: { dremioJobId: job.id } })
      await p.close()
    } finally {
      h.emu.setJobLatency(0)
    }
  })

  it('resolves unqualified names with context, and a registered client by name', async () => {
    const f = uniqueFolder('ctx')
    await h.emu.query(`CREATE FOLDER ${f}`)
    await h.emu.query(`CREATE TABLE ${f}.t AS SELECT 42 AS answer`)
    const unregister = registerDremioClient('ctx-client', h.client)
    try {
      const t = new DremioQueryTask({
        name: 'ctx',
        client: 'ctx-client',
        sql: 'SELECT answer FROM t',
        context: [f],
        returnRows: { max: 5 },
      })
      expect(t.options).toEqual({
        client: 'ctx-client',
        sql: 'SELECT answer FROM t',
        context: [f],
        returnRows: { max: 5 },
      })
      const { task } = await runOne(t)
      expect(task.result).toMatchObject({ rows: [{ answer: 42 }], truncated: false })
      expect(jobsWith(h.emu, 'SELECT answer FROM t').at(-1)?.context).toEqual([f])
    } finally {
      unregister()
    }
  })

  it('validates its options', () => {
    const c = h.client
    expect(() => new DremioQueryTask({ name: 'a', client: c, sql: ' ' })).toThrow(/sql must be/)
    expect(
      () => new DremioQueryTask({ name: 'a', client: c, sql: 'SELECT 1', returnRows: { max: 0 } }),
    ).toThrow(/returnRows/)
    expect(() => new DremioQueryTask({ name: 'a', client: {} as never, sql: 'SELECT 1' })).toThrow(
      /DremioClient or a registered client name/,
    )
  })
})

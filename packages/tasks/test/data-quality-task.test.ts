import { createMemoryBackend, Pipeline, type Task } from '@df/orchestration'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dq } from '../src/data-quality/checks.js'
import { DataQualityTask } from '../src/data-quality/data-quality-task.js'
import { type Harness, startHarness, uniqueFolder } from './emulator-harness.js'

let h: Harness
let f: string
beforeAll(async () => {
  h = await startHarness()
  f = uniqueFolder('dqtask')
  await h.emu.query(`CREATE FOLDER ${f}`)
  await h.emu.query(
    `CREATE TABLE ${f}.m_20261126 AS SELECT * FROM (VALUES ('u1', 3), ('u2', 0), (NULL, 1)) AS v(user_id, n)`,
  )
})
afterAll(async () => {
  await h.close()
})

async function runTask(task: Task) {
  const backend = createMemoryBackend()
  const p = new Pipeline(`dq_${task.name}`, { backend }).addTask(task)
  const run = await p.run({ logicalDate: '2026-11-26T00:00:00Z', params: { min: 2 } })
  await p.close()
  return { run, record: run.tasks[task.name], attempts: await backend.listAttempts(run.id) }
}

describe('DataQualityTask', () => {
  it('stores the JSON report as its result; warn-severity failures are recorded, not fatal', async () => {
    const task = new DataQualityTask({
      name: 'checks',
      client: h.client,
      table: `${f}.m_{{ ds_nodash }}`,
      checks: [
        dq.row_count({ where: 'n >= {{ params.min }}', op: 'eq', value: 1 }),
        dq.not_null('user_id', { severity: 'warn' }),
      ],
    })
    const { run, record, attempts } = await runTask(task)
    expect(run.status).toBe('SUCCESS')
    expect(record?.result).toMatchObject({
      table: `"${f}"."m_20261126"`,
      passed: true,
      summary: { total: 2, passed: 1, failed: 0, warned: 1, errored: 0 },
      checks: [
        {
          name: 'row_count = 1 where n >= {{ params.min }}',
          type: 'row_count',
          severity: 'error',
          status: 'passed',
          passed: true,
          observed: 1,
          expected: '= 1',
          sql: `SELECT COUNT(*) AS "observed" FROM "${f}"."m_20261126" WHERE (n >= 2)`,
          durationMs: expect.any(Number),
          jobId: expect.any(String),
        },
        { name: 'not_null(user_id)', status: 'failed', severity: 'warn', observed: 1 },
      ],
    })
    expect(attempts[0]?.log).toMatch(/WARN FAILED not_null\(user_id\): observed 1, expected = 0/)
  })

  it('fails with a message listing the failed checks, without retrying', async () => {
    const task = new DataQualityTask({
      name: 'strict',
      client: h.client,
      table: [f, 'm_{{ ds_nodash }}'],
      retries: 3,
      checks: [dq.not_null('user_id'), dq.unique('user_id'), dq.values_in('user_id', ['u1'])],
    })
    const { run, record, attempts } = await runTask(task)
    expect(run.status).toBe('FAILED')
    expect(record?.error?.name).toBe('DataQualityError')
    expect(record?.error?.message).toBe(
      `[@df/orchestration] Data quality failed for "${f}"."m_20261126": 2 of 3 checks failed: not_null(user_id) observed 1, expected = 0; values_in(user_id) observed 1, expected = 0.`,
    )
    expect(attempts).toHaveLength(1)
  })

  it('cancels its running check jobs when the run is cancelled', async () => {
    h.emu.setJobLatency(60_000)
    try {
      const task = new DataQualityTask({
        name: 'slow',
        client: h.client,
        table: [f, 'm_20261126'],
        checks: [dq.not_null('user_id'), dq.unique('n')],
      })
      const p = new Pipeline('dq_cancel').addTask(task)
      const abort = new AbortController()
      const running = p.run({ signal: abort.signal })
      const jobs = async () =>
        h.emu.jobs
          .list()
          .filter((j) => j.sql.includes(`"${f}"."m_20261126"`) && j.state === 'RUNNING')
      while ((await jobs()).length < 2) await new Promise((r) => setTimeout(r, 5))
      const ids = (await jobs()).map((j) => j.id)
      abort.abort()
      const run = await running
      expect(run.tasks.slow?.state).toBe('CANCELLED')
      for (const id of ids) expect((await h.emu.jobs.settled(id)).state).toBe('CANCELED')
      await p.close()
    } finally {
      h.emu.setJobLatency(0)
    }
  })

  it('validates checks at construction and stores them as JSON options', () => {
    expect(
      () =>
        new DataQualityTask({
          name: 'x',
          client: h.client,
          table: 't',
          checks: [{ type: 'not_nul', column: 'a' } as never],
        }),
    ).toThrow(/Task 'x' check 1: unknown check type "not_nul"/)
    expect(
      () => new DataQualityTask({ name: 'x', client: h.client, table: 't', checks: [] }),
    ).toThrow(/non-empty/)
    const t = new DataQualityTask({
      name: 'ok',
      client: h.client,
      clientName: 'warehouse',
      table: 'a.b',
      checks: [{ type: 'unique', column: 'id' } as never],
    })
    expect(t.options).toEqual({
      client: 'warehouse',
      table: 'a.b',
      checks: [{ type: 'unique', columns: ['id'] }],
    })
  })
})

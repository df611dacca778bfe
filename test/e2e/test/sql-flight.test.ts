/**
 * `dremio-cli sql --transport flight|auto` (issue 16) through the built bin: the same output as
 * REST (rows, types, the JSON summary) without job ids, the `--max-rows` refusal, a bad
 * `--transport`, and SIGTERM ending the stream with the emulator's job CANCELED.
 */
import { createEmulator, type Emulator } from '@df/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emulatorEnv } from './emulator.js'
import { runCliProcess, spawnCli, waitFor } from './helpers.js'

const TYPES_SQL =
  "SELECT CAST(id AS BIGINT) AS id, CAST(id AS INTEGER) AS i, id * 1.5 AS d, CAST(id AS DECIMAL(10,2)) AS m, kind, id % 2 = 0 AS even, DATE '2026-01-02' AS day, TIMESTAMP '2026-01-02 03:04:05.678' AS ts FROM src.events ORDER BY id LIMIT 5"

describe('dremio-cli sql --transport flight', () => {
  let emulator: Emulator
  let env: Record<string, string>
  beforeAll(async () => {
    emulator = await createEmulator({ port: 0, flightPort: 0 })
    await emulator.query('CREATE TABLE src.events (id BIGINT, kind VARCHAR)')
    await emulator.query(
      "INSERT INTO src.events SELECT range AS id, CASE WHEN range % 2 = 0 THEN 'view' ELSE 'click' END AS kind FROM range(3000)",
    )
    env = emulatorEnv(emulator, { DREMIO_FLIGHT_URL: emulator.flightUrl as string })
  })
  afterAll(async () => {
    await emulator?.close()
  })

  it('prints the same rows as REST, with no job id, one Dremio job per query', async () => {
    const rest = await runCliProcess(['sql', TYPES_SQL, '--format', 'json'], { env })
    expect(rest.code).toBe(0)
    const before = emulator.jobs.list().length
    for (const transport of ['flight', 'auto']) {
      const flight = await runCliProcess(
        ['sql', TYPES_SQL, '--format', 'json', '--transport', transport],
        { env },
      )
      expect(flight.stderr).toBe('')
      expect(flight.code).toBe(0)
      const a = JSON.parse(rest.stdout) as Record<string, unknown>
      const b = JSON.parse(flight.stdout) as Record<string, unknown>
      expect(b.rows).toEqual(a.rows)
      expect(b.columns).toEqual(a.columns)
      expect(b.rowCount).toBe(5)
      expect(b.jobIds).toEqual([])
      expect(b.statements).toEqual([
        { sql: expect.stringMatching(/^SELECT CAST\(id/), rowCount: 5 },
      ])
    }
    // Flight queries run as emulator jobs too (Dremio runs them as jobs), one per query.
    expect(emulator.jobs.list().length).toBe(before + 2)
    const table = await runCliProcess(
      [
        'sql',
        'SELECT kind, COUNT(*) AS n FROM src.events GROUP BY kind ORDER BY kind',
        '--transport',
        'flight',
      ],
      { env },
    )
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(
      /^kind\s+n\n-+\s+-+\nclick\s+1500\nview\s+1500\n\(2 rows; Arrow Flight\)\n$/,
    )
  })

  it('counts every row of a big table result, shows --max-rows, and refuses a big JSON one', async () => {
    const table = await runCliProcess(
      ['sql', 'SELECT * FROM src.events', '--transport', 'flight', '--max-rows', '3'],
      { env },
    )
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/\(3000 rows, 3 shown; Arrow Flight\)\n$/)
    const csv = await runCliProcess(
      ['sql', 'SELECT id FROM src.events ORDER BY id', '--transport', 'flight', '--format', 'csv'],
      { env },
    )
    expect(csv.stdout.split('\n')).toHaveLength(3002)
    const json = await runCliProcess(
      [
        'sql',
        'SELECT * FROM src.events',
        '--transport',
        'flight',
        '--format',
        'json',
        '--max-rows',
        '100',
      ],
      { env },
    )
    expect(json.code).toBe(1)
    expect(json.stderr).toContain('more than --max-rows 100')
    const last = JSON.parse(json.stdout.trim().split('\n').at(-1) as string) as { ok: boolean }
    expect(last.ok).toBe(false)
  })

  it('refuses an unknown transport with exit 2', async () => {
    const r = await runCliProcess(['sql', 'SELECT 1', '--transport', 'grpc'], { env })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("--transport must be one of rest, flight, auto, got 'grpc'")
  })

  it('SIGTERM ends the stream, the job ends CANCELED, exit 143', async () => {
    // A cross join of 10^10 rows: DuckDB needs far longer than the test to finish it.
    const slow = 'SELECT SUM(a.range * b.range) AS s FROM range(100000) a, range(100000) b'
    const before = new Set(emulator.jobs.list().map((j) => j.id))
    const run = spawnCli(['sql', slow, '--transport', 'flight'], { env })
    let jobId: string | undefined
    await waitFor(() => {
      jobId = emulator.jobs.list().find((j) => !before.has(j.id) && j.sql === slow)?.id
      return jobId ?? ''
    }, /./)
    expect(emulator.jobs.get(jobId as string)?.state).toBe('RUNNING')
    run.child.kill('SIGTERM')
    const r = await run.done
    expect(r.code).toBe(143)
    expect(r.stderr).toContain('cancelled the Arrow Flight stream')
    expect((await emulator.jobs.settled(jobId as string)).state).toBe('CANCELED')
  })
})

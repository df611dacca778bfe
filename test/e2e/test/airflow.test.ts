/**
 * `dremio-cli` exactly as Airflow's BashOperator calls it (issue 14): `bash -c '<command>'` in
 * its own process group (Airflow's SubprocessHook starts it with setsid and stops it with
 * SIGTERM to the group), configuration only from the environment (DREMIO_CONN /
 * AIRFLOW_CONN_DREMIO_DEFAULT), the last stdout line pushed to XCom, `{{ ds }}` from the
 * logical date Airflow renders. Airflow itself is not installed here (no PyPI): the calls are
 * reproduced as it makes them.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import type { Emulator } from '@df/emulator'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator } from './emulator.js'
import { cleanEnv, cliShellCommand, ROOT, shellQuote, waitFor } from './helpers.js'

interface BashResult {
  code: number | null
  stdout: string
  stderr: string
}

/** `bash -c command` in a new session / process group, as Airflow's SubprocessHook runs it. */
function bash(command: string, env: Record<string, string>) {
  const child = spawn('bash', ['-c', command], { cwd: ROOT, env, detached: true })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString()
  })
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  const done = new Promise<BashResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
  return { child, done, stdout: () => stdout }
}

/** Airflow's on_kill: SIGTERM to the whole process group. */
function killGroup(child: ChildProcess): void {
  process.kill(-(child.pid as number), 'SIGTERM')
}

/** What BashOperator pushes to XCom: the last line of stdout. */
function lastLine(stdout: string): unknown {
  return JSON.parse(stdout.trimEnd().split('\n').at(-1) as string)
}

describe('dremio-cli called like Airflow calls it', () => {
  let emulator: Emulator
  let env: Record<string, string>
  let token: string
  beforeAll(async () => {
    emulator = await startEmulator()
    await emulator.query('CREATE TABLE staging.metrics_20261126 (user_id VARCHAR, event_count INT)')
    await emulator.query(
      "INSERT INTO staging.metrics_20261126 VALUES ('u1', 3), ('u2', 1), (NULL, 0), ('u2', 2)",
    )
    token = emulator.credentials.tokens[0] as string
    const port = Number(new URL(emulator.url).port)
    // The seed's connection JSON: a password without a login is a PAT; no DREMIO_URL anywhere.
    env = cleanEnv({
      AIRFLOW_CONN_DREMIO_DEFAULT: JSON.stringify({
        conn_type: 'dremio',
        host: '127.0.0.1',
        port,
        password: token,
        extra: { tls: false },
      }),
    })
  })
  afterEach(() => emulator.setJobLatency(0))

  /** Keeps the jobs submitted from now on RUNNING; `running()` resolves with the first one's id. */
  function slowJobs(): { running: () => Promise<string> } {
    emulator.setJobLatency(120_000)
    const before = new Set(emulator.jobs.list().map((j) => j.id))
    return {
      async running() {
        let id = ''
        await waitFor(() => {
          id =
            emulator.jobs.list().find((j) => !before.has(j.id) && j.state === 'RUNNING')?.id ?? ''
          return id
        }, /./)
        return id
      },
    }
  }
  afterAll(async () => {
    await emulator?.close()
  })

  it('SIGTERM to the process group cancels the Dremio job; exit 143; the last line is JSON', async () => {
    const slow = slowJobs()
    const run = bash(cliShellCommand(['sql', 'SELECT 7 AS slow', '--format', 'json']), env)
    const jobId = await slow.running()
    killGroup(run.child)
    const r = await run.done
    expect(r.code).toBe(143)
    expect((await emulator.jobs.settled(jobId)).state).toBe('CANCELED')
    expect(r.stderr).toBe(`[dremio-cli] cancelled Dremio job ${jobId}\n`)
    expect(lastLine(r.stdout)).toEqual({
      ok: false,
      error: 'cancelled by SIGTERM',
      jobIds: [jobId],
      statements: [],
      rowCount: 0,
    })
  })

  it('renders {{ ds }}, {{ ds_nodash }}, {{ ts }}, {{ run_id }} from --logical-date / --run-id', async () => {
    const sql =
      "SELECT '{{ ds }}' AS ds, '{{ ds_nodash }}' AS ds_nodash, '{{ ts }}' AS ts, '{{ run_id }}' AS run_id"
    // What Airflow's Jinja renders into bash_command for a backfilled 2026-11-26 run.
    const command = cliShellCommand([
      'sql',
      sql,
      '--logical-date',
      '2026-11-26T02:00:00+00:00',
      '--run-id',
      'backfill__2026-11-26T02:00:00+00:00',
      '--format',
      'json',
    ])
    const r = await bash(command, env).done
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(lastLine(r.stdout)).toMatchObject({
      ok: true,
      rows: [
        {
          ds: '2026-11-26',
          ds_nodash: '20261126',
          ts: '2026-11-26T02:00:00.000Z',
          run_id: 'backfill__2026-11-26T02:00:00+00:00',
        },
      ],
    })
  })

  it('jsonl: one row per line, then the summary as the last line', async () => {
    const r = await bash(
      cliShellCommand([
        'sql',
        'SELECT id FROM src.events ORDER BY id LIMIT 3',
        '--format',
        'jsonl',
      ]),
      env,
    ).done
    expect(r.code).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines.slice(0, 3).map((l) => JSON.parse(l))).toEqual([{ id: 0 }, { id: 1 }, { id: 2 }])
    expect(lines).toHaveLength(4)
    expect(lastLine(r.stdout)).toMatchObject({
      ok: true,
      rowCount: 3,
      jobIds: [expect.any(String)],
    })
  })

  it('refuses a JSON result past the row cap, with advice, and still ends with a JSON line', async () => {
    const r = await bash(
      cliShellCommand(['sql', 'SELECT * FROM src.events', '--format', 'json', '--max-rows', '10']),
      env,
    ).done
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /^\[@df\/cli\] The result has 50 rows, more than --max-rows 10: .*XCom/,
    )
    expect(lastLine(r.stdout)).toMatchObject({
      ok: false,
      error: expect.stringContaining('50 rows'),
    })
  })

  it('dq check with the seed checks: exit 1 on a failed check, the verdict and each check as JSON', async () => {
    // DremioDataQualityOperator's check dicts, verbatim.
    const checks = JSON.stringify([
      { type: 'not_null', column: 'user_id' },
      { type: 'row_count', expr: 'event_count > 0', value: 1, op: 'ge' },
      { type: 'unique', column: 'user_id' },
      { type: 'values_in', column: 'user_id', values: ['u1', 'u2'] },
    ])
    const args = ['dq', 'check', '--table', 'staging.metrics_{{ ds_nodash }}', '--checks', checks]
    const date = ['--logical-date', '2026-11-26']
    const failed = await bash(cliShellCommand([...args, ...date, '--format', 'json']), env).done
    expect(failed.stderr).toBe('')
    expect(failed.code).toBe(1)
    const report = lastLine(failed.stdout) as {
      passed: boolean
      table: string
      checks: { name: string; status: string; observed: unknown }[]
    }
    expect(report.passed).toBe(false)
    expect(report.table).toBe('"staging"."metrics_20261126"')
    expect(report.checks.map((c) => [c.name, c.status, c.observed])).toEqual([
      ['not_null(user_id)', 'failed', 1],
      ['row_count >= 1 where event_count > 0', 'passed', 3],
      ['unique(user_id)', 'failed', 1],
      ['values_in(user_id)', 'passed', 0],
    ])
    const text = await bash(cliShellCommand([...args, ...date]), env).done
    expect(text.code).toBe(1)
    expect(text.stdout).toMatch(/ {2}FAIL {2}not_null\(user_id\)\s+observed 1, expected = 0\n/)
    expect(text.stdout).toMatch(/FAILED\n$/)
    const passing = JSON.stringify([
      { type: 'row_count', expr: 'event_count > 0', value: 3, op: 'eq' },
    ])
    const ok = await bash(
      cliShellCommand(['dq', 'check', '--table', 'staging.metrics_20261126', '--checks', passing]),
      env,
    ).done
    expect(ok.code).toBe(0)
    expect(ok.stdout).toMatch(/PASSED\n$/)
  })

  it('dq check: SIGTERM cancels its running jobs and exits 143', async () => {
    const slow = slowJobs()
    const checks = JSON.stringify([{ type: 'not_null', column: 'kind' }])
    const run = bash(
      cliShellCommand(['dq', 'check', '--table', 'src.events', '--checks', checks, '--json']),
      env,
    )
    const jobId = await slow.running()
    killGroup(run.child)
    const r = await run.done
    expect(r.code).toBe(143)
    expect((await emulator.jobs.settled(jobId)).state).toBe('CANCELED')
    expect(lastLine(r.stdout)).toEqual({ passed: false, error: 'cancelled by SIGTERM' })
  })

  it('takes the connection only from the environment (URI form too) and never prints the secret', async () => {
    const port = new URL(emulator.url).port
    const uriEnv = cleanEnv({
      AIRFLOW_CONN_DREMIO_DEFAULT: `dremio://:${token}@127.0.0.1:${port}/?tls=false`,
    })
    const r = await bash(
      `${cliShellCommand(['--verbose', 'sql', 'SELECT 1 AS one', '--format', 'json'])}`,
      uriEnv,
    ).done
    expect(r.code).toBe(0)
    expect(lastLine(r.stdout)).toMatchObject({ rows: [{ one: 1 }] })
    expect(r.stderr).toContain(
      `Dremio: software http://127.0.0.1:${port}, PAT, from AIRFLOW_CONN_DREMIO_DEFAULT`,
    )
    expect(r.stderr + r.stdout).not.toContain(token)
    const bad = await bash(
      cliShellCommand(['sql', 'SELECT 1']),
      cleanEnv({ DREMIO_CONN: `{"host": "127.0.0.1", "password": "${token}"` }),
    ).done
    expect(bad.code).toBe(1)
    expect(bad.stderr).toBe('[@df/cli] DREMIO_CONN is neither valid JSON nor a dremio:// URI.\n')
    expect(shellQuote("it's")).toBe(`'it'\\''s'`)
  })
})

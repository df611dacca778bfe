/**
 * DbtTask against a stand-in `dbt` executable put first on PATH
 * (test/fixtures/dbt-standin/dbt): dbt itself is a Python package and cannot be installed here
 * (no PyPI). The stand-in records its argv and cwd, prints dbt-like lines, writes
 * target/run_results.json and exits 0 or 1; or hangs ignoring SIGTERM, for the kill test.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import {
  createInProcessExecutor,
  createManualClock,
  Pipeline,
  type TaskRecord,
} from '@df/orchestration'
import { afterAll, describe, expect, it } from 'vitest'
import { DbtTask } from '../../src/dbt/dbt-task.js'
import { history } from '../history.js'
import '../../src/task-types.js' // registers the library's task types, as importing @df/tasks does
import { taskFromDescription } from '@df/orchestration'

const STANDIN = join(import.meta.dirname, '..', 'fixtures', 'dbt-standin')
const work = mkdtempSync(join(tmpdir(), 'df-dbt-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

let n = 0
function project(): { dir: string; record: string; env: Record<string, string> } {
  n++
  const dir = join(work, `shop${n}`)
  mkdirSync(dir)
  const record = join(work, `calls${n}.jsonl`)
  return {
    dir,
    record,
    env: { PATH: `${STANDIN}:${process.env.PATH ?? ''}`, DBT_STANDIN_RECORD: record },
  }
}

function calls(record: string): { argv: string[]; cwd: string }[] {
  if (!existsSync(record)) return []
  return readFileSync(record, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
}

async function runOne(t: DbtTask) {
  const p = new Pipeline(`dbt_${t.name}`)
  p.addTask(t)
  const run = await p.run({ logicalDate: '2026-11-27T00:00:00.000Z', params: { region: 'eu' } })
  const attempts = await history(p.backend).listAttempts(run.id, t.name)
  await p.close()
  return { task: run.tasks[t.name] as TaskRecord, attempts }
}

describe('DbtTask (stand-in dbt on PATH)', { timeout: 30_000 }, () => {
  it('builds the argv once, resolves a relative project dir once, and parses run_results.json', async () => {
    const { dir, record, env } = project()
    const t = new DbtTask({
      name: 'build',
      command: 'build',
      projectDir: relative(process.cwd(), dir), // relative on purpose: the original doubled it
      profilesDir: dir,
      target: 'prod',
      profile: 'shop',
      select: ['tag:daily', 'orders+'],
      exclude: 'legacy',
      vars: { day: '{{ ds }}', region: '{{ params.region }}', n: 2 },
      fullRefresh: true,
      args: ['--threads', '4'],
      env,
    })
    const { task, attempts } = await runOne(t)
    expect(task.state).toBe('SUCCESS')
    const [call, ...more] = calls(record)
    expect(more).toEqual([])
    expect(call?.cwd).toBe(dir)
    expect(call?.argv).toEqual([
      'build',
      '--project-dir',
      dir,
      '--profiles-dir',
      dir,
      '--target',
      'prod',
      '--profile',
      'shop',
      '--select',
      'tag:daily',
      'orders+',
      '--exclude',
      'legacy',
      '--vars',
      '{"day":"2026-11-27","region":"eu","n":2}',
      '--full-refresh',
      '--threads',
      '4',
    ])
    expect(task.result).toEqual({
      command: 'build',
      exitCode: 0,
      results: {
        counts: { success: 3, pass: 1 },
        passed: [
          'model.shop.stg_orders',
          'model.shop.orders',
          'model.shop.revenue',
          'test.shop.not_null_orders_id',
        ],
        failed: [],
        errored: [],
        skipped: [],
        warned: [],
        elapsedSeconds: 1.3,
      },
    })
    // dbt's output streamed into the attempt log.
    expect(attempts[0]?.log).toContain('INFO Running with dbt=1.10.0-standin (build)')
    expect(attempts[0]?.log).toContain('INFO SUCCESS model.shop.orders')
  })

  it('fails on a non-zero exit, naming the failed nodes and the output tail', async () => {
    const { dir, env } = project()
    const t = new DbtTask({
      name: 'fails',
      projectDir: dir,
      env: { ...env, DBT_STANDIN_SCENARIO: 'fail' },
    })
    const { task, attempts } = await runOne(t)
    expect(task.state).toBe('FAILED')
    expect(task.error?.message).toContain('dbt run exited with code 1')
    expect(task.error?.message).toContain('failed: model.shop.orders, test.shop.not_null_orders_id')
    expect(task.error?.message).toContain('Completed with 1 error and 0 warnings')
    expect(attempts[0]?.log).toContain(
      'nodes by status {"success":1,"error":1,"skipped":1,"fail":1}',
    )
  })

  it('kills dbt (and what ignores SIGTERM) on timeout', async () => {
    const { dir, record, env } = project()
    const clock = createManualClock(0)
    const p = new Pipeline('dbt_timeout', { clock, executor: createInProcessExecutor({ clock }) })
    p.addTask(
      new DbtTask({
        name: 'hang',
        projectDir: dir,
        timeoutMs: 600_000,
        killGrace: 200,
        env: { ...env, DBT_STANDIN_SCENARIO: 'hang' },
      }),
    )
    const done = p.run()
    for (let i = 0; i < 2000 && calls(record).length === 0; i++) {
      await new Promise((r) => setTimeout(r, 5))
    }
    const logs: string[] = []
    p.on('event', (e) => {
      if (e.type === 'log') logs.push(e.message)
    })
    expect(findStandin(dir)).toBe(true)
    await clock.advance(600_000)
    const run = await done
    expect(run.tasks.hang?.error?.code).toBe('DF_TASK_TIMEOUT')
    // SIGTERM was ignored; SIGKILL after the grace ends it: no stand-in process for `dir` left.
    const running = () => findStandin(dir)
    expect(calls(record)).toHaveLength(1)
    for (let i = 0; i < 500 && running(); i++) await new Promise((r) => setTimeout(r, 10))
    expect(running()).toBe(false)
    expect(logs.join('\n')).toContain('stopping (SIGTERM to the process group)')
    await p.close()
  })

  it('kills dbt when the run is cancelled', async () => {
    const { dir, record, env } = project()
    const p = new Pipeline('dbt_cancel')
    p.addTask(
      new DbtTask({
        name: 'hang',
        projectDir: dir,
        killGrace: 200,
        env: { ...env, DBT_STANDIN_SCENARIO: 'hang' },
      }),
    )
    const done = p.run()
    for (let i = 0; i < 2000 && calls(record).length === 0; i++) {
      await new Promise((r) => setTimeout(r, 5))
    }
    expect(findStandin(dir)).toBe(true)
    const [run0] = (await history(p.backend).listRuns({ pipelineId: 'dbt_cancel' })).items
    expect(p.cancelRun(run0?.id as string)).toBe(true)
    const run = await done
    expect(run.tasks.hang?.state).toBe('CANCELLED')
    for (let i = 0; i < 500 && findStandin(dir); i++) await new Promise((r) => setTimeout(r, 10))
    expect(findStandin(dir)).toBe(false)
    expect(calls(record)).toHaveLength(1)
    await p.close()
  })

  it('is a serialisable description and rejects bad options', () => {
    const t = new DbtTask({ name: 'd', command: 'test', projectDir: '/srv/dbt', select: 'a' })
    expect(t.options).toMatchObject({ command: 'test', projectDir: '/srv/dbt', select: ['a'] })
    const again = taskFromDescription({ name: 'd', type: 'dbt', options: t.options ?? {} })
    expect(again.options).toEqual(t.options)
    expect(() => new DbtTask({ name: 'x', command: 'run; rm -rf /' })).toThrow(/one dbt command/)
    expect(() => new DbtTask({ name: 'x', vars: { d: '{{ dss }}' } })).toThrow(
      /unknown placeholder/,
    )
  })
})

/** True while a live (non-zombie) process runs the stand-in for `dir`. */
function findStandin(dir: string): boolean {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      if (!cmd.includes('dbt-standin.cjs') || !cmd.includes(dir)) continue
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z') return true
    } catch {
      // exited meanwhile
    }
  }
  return false
}

/**
 * ShellTask with real processes: argv and shell strings, env and cwd, output in the attempt
 * log, non-zero exits, and a timeout (on a manual engine clock) that kills a child ignoring
 * SIGTERM together with its grandchild (process group, SIGKILL after the grace period).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createInProcessExecutor,
  createManualClock,
  Pipeline,
  type TaskRecord,
} from '@df/orchestration'
import { afterAll, describe, expect, it } from 'vitest'
import { ShellTask } from '../../src/general/shell-task.js'
import { history } from '../history.js'
import '../../src/task-types.js' // registers the library's task types, as importing @df/tasks does
import { taskFromDescription } from '@df/orchestration'

const dir = mkdtempSync(join(tmpdir(), 'df-shell-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function runOne(t: ShellTask) {
  const p = new Pipeline(`shell_${t.name}`)
  p.addTask(t)
  const run = await p.run({ logicalDate: '2026-11-27T00:00:00.000Z', params: { who: 'world' } })
  const attempts = await history(p.backend).listAttempts(run.id, t.name)
  await p.close()
  return { task: run.tasks[t.name] as TaskRecord, attempts }
}

/** Alive and not a zombie (a killed orphan may linger as a zombie until init reaps it). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

describe('ShellTask', { timeout: 30_000 }, () => {
  it('runs argv without a shell, templated, with env and cwd; stdout goes to the log and result', async () => {
    const t = new ShellTask({
      name: 'argv',
      command: [
        process.execPath,
        '-e',
        'console.log(process.argv[1], process.env.DF_GREETING, process.cwd()); console.error("note on stderr")',
        'day={{ ds }} $(not a shell) {{ params.who }}',
      ],
      cwd: dir,
      env: { DF_GREETING: 'hello' },
    })
    const { task, attempts } = await runOne(t)
    expect(task.state).toBe('SUCCESS')
    expect(task.result).toEqual({
      exitCode: 0,
      stdout: `day=2026-11-27 $(not a shell) world hello ${dir}`,
    })
    expect(attempts[0]?.log).toMatch(/INFO day=2026-11-27 \$\(not a shell\) world hello/)
    expect(attempts[0]?.log).toMatch(/WARN note on stderr/)
  })

  it('runs a shell string only with shell: true', async () => {
    expect(() => new ShellTask({ name: 's', command: 'echo hi | wc -c' })).toThrow(/shell: true/)
    expect(() => new ShellTask({ name: 's', command: 'echo {{ params.x }}', shell: true })).toThrow(
      /pass params as argv or env/,
    )
    const { task } = await runOne(
      new ShellTask({ name: 'sh', command: 'echo "{{ ds_nodash }}" | tr 0-9 a-j', shell: true }),
    )
    expect(task.result).toEqual({ exitCode: 0, stdout: 'cacgbbch' })
  })

  it('fails on a non-zero exit with the tail of stderr', async () => {
    const t = new ShellTask({
      name: 'bad',
      command: [
        process.execPath,
        '-e',
        'console.error("first line\\nlast words"); process.exit(3)',
      ],
    })
    const { task } = await runOne(t)
    expect(task.state).toBe('FAILED')
    expect(task.error?.message).toContain(
      'exited with code 3; stderr ends with:\nfirst line\nlast words',
    )
  })

  it('fails clearly when the program does not exist', async () => {
    const { task } = await runOne(
      new ShellTask({ name: 'nope', command: ['df-no-such-program-xyz'] }),
    )
    expect(task.state).toBe('FAILED')
    expect(task.error?.message).toMatch(/could not start: .*ENOENT/)
  })

  it('on timeout kills a child that ignores SIGTERM and its grandchild', async () => {
    const pidFile = join(dir, 'pids.json')
    const clock = createManualClock(0)
    const p = new Pipeline('shell_timeout', { clock, executor: createInProcessExecutor({ clock }) })
    p.addTask(
      new ShellTask({
        name: 'stubborn',
        command: [process.execPath, join(import.meta.dirname, 'fixtures', 'stubborn.mjs'), pidFile],
        timeoutMs: 60_000,
        killGrace: 300,
      }),
    )
    const done = p.run()
    for (let i = 0; i < 2000 && !existsSync(pidFile); i++)
      await new Promise((r) => setTimeout(r, 5))
    await new Promise((r) => setTimeout(r, 50)) // the pid file is written before the loop starts
    const { child, grandchild } = JSON.parse(readFileSync(pidFile, 'utf8')) as Record<
      string,
      number
    >
    expect(alive(child as number)).toBe(true)
    expect(alive(grandchild as number)).toBe(true)
    await clock.advance(60_000)
    const run = await done
    expect(run.tasks.stubborn?.state).toBe('FAILED')
    expect(run.tasks.stubborn?.error?.code).toBe('DF_TASK_TIMEOUT')
    // SIGTERM was ignored by both; SIGKILL to the group after the 300 ms grace ends them.
    for (let i = 0; i < 1000 && (alive(child as number) || alive(grandchild as number)); i++) {
      await new Promise((r) => setTimeout(r, 10))
    }
    expect(alive(child as number)).toBe(false)
    expect(alive(grandchild as number)).toBe(false)
    await p.close()
  })

  it('is a serialisable description', () => {
    const t = new ShellTask({ name: 'd', command: ['ls', '-l'], cwd: '/tmp', env: { A: '1' } })
    const again = taskFromDescription({ name: 'd', type: 'shell', options: t.options ?? {} })
    expect(again.options).toEqual(t.options)
  })
})

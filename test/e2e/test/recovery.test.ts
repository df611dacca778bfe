/**
 * A run whose process died (issue 15, item 12): SIGKILL during a task, the lease expires, and
 * then `pipeline list` / `show` say so, `pipeline rerun` says to recover it first, and each of the
 * three ways out ends the run: `pipeline recover <module>` (resumed to SUCCESS), `pipeline
 * recover` without the module (recorded FAILED, then rerun), and the next `pipeline run` of a
 * pipeline with `recoverOnRun` (exit 0 only once the dead run has ended too).
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanEnv, runCliProcess, spawnCli, tempDir, waitFor } from './helpers.js'

const FIXTURE = join(import.meta.dirname, 'fixtures', 'recovery.ts')

describe('a run whose process died', () => {
  let tmp: ReturnType<typeof tempDir>
  let url: string
  const env = cleanEnv()
  const cli = (args: string[]) => runCliProcess([...args, '--backend-url', url], { env })
  beforeAll(() => {
    tmp = tempDir('recovery')
    url = `sqlite:///${join(tmp.dir, 'runs.db')}`
  })
  afterAll(() => tmp?.remove())

  /** Starts a run that hangs in its task, SIGKILLs it, waits for its lease to expire. */
  async function deadRun(): Promise<string> {
    const run = spawnCli(['pipeline', 'run', FIXTURE, '--backend-url', url], {
      env: { ...env, DF_E2E_HANG: '1' },
    })
    await waitFor(run.output, 'attempt 1 started')
    const id = /run (\S+) RUNNING/.exec(run.output())?.[1] as string
    run.child.kill('SIGKILL')
    await run.done
    await new Promise((resolve) => setTimeout(resolve, 1700))
    return id
  }

  async function status(id: string): Promise<{ status: string; message?: string }> {
    const shown = await cli(['pipeline', 'show', id, '--json'])
    return (JSON.parse(shown.stdout) as { run: { status: string; message?: string } }).run
  }

  it('shows the expired lease, refuses a rerun with advice, and recovers with the module', async () => {
    const id = await deadRun()
    const list = await cli(['pipeline', 'list'])
    expect(list.code).toBe(0)
    expect(list.stdout).toMatch(
      new RegExp(`${id}\\s+e2e_crash\\s+RUNNING \\(lease expired (just now|\\d+s ago)\\)`),
    )
    expect(list.stdout).not.toContain('(running)')
    const show = await cli(['pipeline', 'show', id])
    expect(show.stdout).toMatch(/status {4}RUNNING \(lease expired/)
    expect(show.stdout).toContain('dremio-cli pipeline recover')
    const rerun = await cli(['pipeline', 'rerun', id, '-f', FIXTURE])
    expect(rerun.code).toBe(1)
    expect(rerun.stderr).toMatch(
      new RegExp(
        `^\\[@df/cli\\] Run '${id}' is RUNNING but its lease expired .*: the process running it stopped\\. Recover it first \\(dremio-cli pipeline recover `,
      ),
    )
    const recover = await cli(['pipeline', 'recover', FIXTURE])
    expect(recover.stderr).toBe('')
    expect(recover.code).toBe(0)
    expect(recover.stdout).toBe(
      `Run ${id} (e2e_crash) recovered: SUCCESS: 1 task: 1 succeeded, 0 skipped.\n`,
    )
    expect((await status(id)).status).toBe('SUCCESS')
    const again = await cli(['pipeline', 'recover', FIXTURE])
    expect(again.stdout).toContain('No run of e2e_crash to recover')
  })

  it('without the module, records the dead run FAILED so that it can be rerun', async () => {
    const id = await deadRun()
    const recover = await cli(['pipeline', 'recover'])
    expect(recover.code).toBe(0)
    expect(recover.stdout).toContain(`Run ${id} (e2e_crash) recorded FAILED`)
    expect(recover.stdout).toContain(`dremio-cli pipeline rerun ${id} -f <module>`)
    const stored = await status(id)
    expect(stored.status).toBe('FAILED')
    expect(stored.message).toMatch(/lease expired/)
    const rerun = await cli(['pipeline', 'rerun', id, '-f', FIXTURE])
    expect(rerun.stderr).toBe('')
    expect(rerun.code).toBe(0)
  })

  it('SIGTERM during pipeline recover cancels the run it resumed and exits 143', async () => {
    const id = await deadRun()
    const recover = spawnCli(['pipeline', 'recover', FIXTURE, '--backend-url', url], {
      env: { ...env, DF_E2E_HANG: 'always' },
    })
    // The resumed run's retry (attempt 2) is running once the task records it.
    const attempt2 = async () => {
      const shown = await cli(['pipeline', 'show', id, '--json'])
      const { tasks } = JSON.parse(shown.stdout) as { tasks: { state: string; attempt: number }[] }
      return tasks[0]?.state === 'RUNNING' && tasks[0]?.attempt === 2
    }
    for (let i = 0; i < 200 && !(await attempt2()); i++)
      await new Promise((r) => setTimeout(r, 100))
    recover.child.kill('SIGTERM')
    const r = await recover.done
    expect(r.code).toBe(143)
    expect(await status(id)).toMatchObject({
      status: 'CANCELLED',
      message: expect.stringContaining('cancelled by SIGTERM'),
    })
  })

  it('the next run of a recoverOnRun pipeline finishes the dead run before it exits', async () => {
    const id = await deadRun()
    const next = await cli(['pipeline', 'run', FIXTURE, '--param', 'recover_on_run=true'])
    expect(next.stderr).toBe('')
    expect(next.code).toBe(0)
    expect((await status(id)).status).toBe('SUCCESS')
  })
})

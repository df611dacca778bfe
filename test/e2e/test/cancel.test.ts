/**
 * Ctrl-C (SIGINT) and SIGTERM during a run: exit 130 / 143 (128 + the signal number, what a shell
 * reports for a process the signal stopped), the run recorded CANCELLED in the backend,
 * and the Dremio job the running task submitted CANCELED in the emulator. The emulator keeps
 * every job RUNNING for two minutes (job latency), so the signal always lands mid-job.
 */
import { join } from 'node:path'
import type { Emulator } from '@df/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emulatorEnv, startEmulator } from './emulator.js'
import { runCliProcess, spawnCli, tempDir, waitFor } from './helpers.js'

const FIXTURE = join(import.meta.dirname, 'fixtures', 'pipelines.ts')

describe('cancelling a run', () => {
  let emulator: Emulator
  let tmp: ReturnType<typeof tempDir>
  let backendUrl: string
  beforeAll(async () => {
    emulator = await startEmulator()
    emulator.setJobLatency(120_000)
    tmp = tempDir('cancel')
    backendUrl = `sqlite:///${join(tmp.dir, 'runs.db')}`
  })
  afterAll(async () => {
    await emulator?.close()
    tmp?.remove()
  })

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const exitCode = signal === 'SIGINT' ? 130 : 143
    it(`${signal} cancels the run and its Dremio job, and exits ${exitCode}`, async () => {
      const env = emulatorEnv(emulator)
      const run = spawnCli(
        ['pipeline', 'run', FIXTURE, '-p', 'e2e_slow', '--backend-url', backendUrl],
        { env },
      )
      await waitFor(run.output, /long_query \| Dremio job ([0-9a-f-]{36}) submitted/)
      const jobId = /Dremio job ([0-9a-f-]{36}) submitted/.exec(run.output())?.[1] as string
      expect(emulator.jobs.get(jobId)?.state).toBe('RUNNING')
      run.child.kill(signal)
      const r = await run.done
      expect(r.code).toBe(exitCode)
      expect(r.stderr).toContain(`${signal}: cancelling run`)
      expect(r.stdout).toMatch(/long_query CANCELLED/)
      const runId = /Run (\S+) CANCELLED/.exec(r.stdout)?.[1] as string
      expect(runId).toBeTruthy()
      const job = await emulator.jobs.settled(jobId)
      expect(job.state).toBe('CANCELED')
      const shown = await runCliProcess(
        ['pipeline', 'show', runId, '--json', '--backend-url', backendUrl],
        { env },
      )
      const { run: stored, tasks } = JSON.parse(shown.stdout) as {
        run: { status: string; message?: string }
        tasks: { taskId: string; state: string }[]
      }
      expect(stored.status).toBe('CANCELLED')
      // The reason names the signal (issue 15, item 11), not "the run() signal".
      expect(stored.message).toContain(`cancelled by ${signal}`)
      expect(tasks).toEqual([expect.objectContaining({ taskId: 'long_query', state: 'CANCELLED' })])
    })
  }

  it('Ctrl-C during sql cancels the running Dremio job and exits 130', async () => {
    const env = emulatorEnv(emulator)
    const before = new Set(emulator.jobs.list().map((j) => j.id))
    const run = spawnCli(['sql', 'SELECT 42 AS slow'], { env })
    let jobId: string | undefined
    await waitFor(() => {
      jobId = emulator.jobs
        .list()
        .find((j) => !before.has(j.id) && j.sql === 'SELECT 42 AS slow')?.id
      return jobId ?? ''
    }, /./)
    run.child.kill('SIGINT')
    const r = await run.done
    expect(r.code).toBe(130)
    expect(r.stderr).toContain(`cancelled Dremio job ${jobId}`)
    expect((await emulator.jobs.settled(jobId as string)).state).toBe('CANCELED')
  })
})

/**
 * The run -> list -> show -> rerun cycle through the real bin, against the emulator, on one
 * backend URL. Called by `pipeline.<backend>.test.ts` for SQLite, PostgreSQL and MariaDB.
 */
import { join } from 'node:path'
import type { Emulator } from '@df/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emulatorEnv, startEmulator } from './emulator.js'
import { runCliProcess } from './helpers.js'
import type { TestStore } from './services.js'

const FIXTURE = join(import.meta.dirname, 'fixtures', 'pipelines.ts')

/** Defines the cycle's tests; skipped when `makeStore` resolves to undefined (service down). */
export function describePipelineCycle(
  name: string,
  makeStore: () => Promise<TestStore | undefined>,
): void {
  describe(`dremio-cli pipeline commands on ${name}`, () => {
    let emulator: Emulator
    let store: TestStore | undefined
    let env: Record<string, string>
    const cli = (args: string[]) =>
      runCliProcess([...args, '--backend-url', (store as TestStore).url], { env })
    let failedRunId = ''

    beforeAll(async () => {
      store = await makeStore()
      emulator = await startEmulator()
      env = emulatorEnv(emulator)
    })
    afterAll(async () => {
      await emulator?.close()
      await store?.drop()
    })

    it('runs a pipeline that fails at its gate: exit 1, plain progress lines', async (t) => {
      if (!store) return t.skip()
      const r = await cli([
        'pipeline',
        'run',
        FIXTURE,
        '--pipeline',
        'e2e_etl',
        '--param',
        'who=e2e',
      ])
      expect(r.stderr).toBe('')
      expect(r.code).toBe(1)
      expect(r.stdout).toMatch(/prepare SUCCESS in \d/)
      expect(r.stdout).toMatch(/count \| Dremio job [0-9a-f-]{36} submitted/)
      expect(r.stdout).toMatch(/gate FAILED .*e2e\.gate/)
      expect(r.stdout).toContain('publish UPSTREAM_FAILED')
      // Not a terminal: no escape sequences.
      expect(r.stdout).not.toContain('\x1b[')
      const id = /Run (\S+) FAILED/.exec(r.stdout)?.[1]
      expect(id).toBeTruthy()
      failedRunId = id as string
    })

    it('lists the run, as a table and as JSON, filtered by status', async (t) => {
      if (!store) return t.skip()
      const table = await cli(['pipeline', 'list'])
      expect(table.code).toBe(0)
      expect(table.stdout).toMatch(
        new RegExp(
          `${failedRunId}\\s+e2e_etl\\s+FAILED\\s+cli\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+\\d`,
        ),
      )
      const json = await cli([
        'pipeline',
        'list',
        '--json',
        '--status',
        'failed',
        '--pipeline',
        'e2e_etl',
      ])
      const runs = JSON.parse(json.stdout) as { id: string; status: string; params: object }[]
      expect(runs.map((r) => r.id)).toEqual([failedRunId])
      expect(runs[0]?.params).toEqual({ who: 'e2e' })
      const none = await cli(['pipeline', 'list', '--status', 'SUCCESS'])
      expect(none.stdout).toBe('No runs.\n')
    })

    it('shows every task with state, attempts, Dremio job ids, the error and the log', async (t) => {
      if (!store) return t.skip()
      const r = await cli(['pipeline', 'show', failedRunId])
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(r.stdout).toContain(`Run ${failedRunId}`)
      expect(r.stdout).toMatch(/status\s+FAILED/)
      expect(r.stdout).toMatch(/prepare\s+SUCCESS\s+1\s/)
      expect(r.stdout).toMatch(/count\s+SUCCESS\s+1\s+\S+\s+\S+\s+[0-9a-f-]{36}/)
      expect(r.stdout).toMatch(/gate\s+FAILED\s+1\s/)
      expect(r.stdout).toMatch(/publish\s+UPSTREAM_FAILED\s+0/)
      expect(r.stdout).toMatch(/attempt 1 FAILED[\s\S]*error: .*e2e\.gate/)
      expect(r.stdout).toContain('preparing for e2e')
      expect(r.stdout).toMatch(/\nprepare\n {2}result: \{"who":"e2e"\}\n/)
      const missing = await cli(['pipeline', 'show', 'no-such-run'])
      expect(missing.code).toBe(1)
      expect(missing.stderr.trim()).toBe("[@df/cli] No run 'no-such-run' in this backend.")
    })

    it('reruns from the failed task once the gate exists: successes are kept', async (t) => {
      if (!store) return t.skip()
      const created = await runCliProcess(['sql', 'CREATE TABLE e2e.gate AS SELECT 1 AS x'], {
        env,
      })
      expect(created.code).toBe(0)
      const r = await cli(['pipeline', 'rerun', failedRunId, '--file', FIXTURE])
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      // prepare and count succeeded before: copied, not run again.
      expect(r.stdout).not.toContain('prepare RUNNING')
      expect(r.stdout).toContain('gate SUCCESS')
      const rerunId = /Run (\S+) SUCCESS/.exec(r.stdout)?.[1] as string
      const show = await cli(['pipeline', 'show', rerunId])
      expect(show.stdout).toContain(`trigger   rerun of ${failedRunId}`)
      const list = JSON.parse((await cli(['pipeline', 'list', '--json'])).stdout) as {
        id: string
      }[]
      expect(list.map((x) => x.id)).toEqual([rerunId, failedRunId])
    })

    it('prints JSON event lines with --json', async (t) => {
      if (!store) return t.skip()
      const r = await cli(['pipeline', 'run', FIXTURE, '-p', 'e2e_etl', '--json'])
      expect(r.code).toBe(0)
      const events = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; state?: string; taskId?: string })
      expect(events[0]).toMatchObject({ type: 'run', state: 'RUNNING' })
      expect(events.at(-1)).toMatchObject({ type: 'run', state: 'SUCCESS' })
      expect(
        events.filter((e) => e.type === 'task' && e.state === 'SUCCESS').map((e) => e.taskId),
      ).toEqual(['prepare', 'count', 'gate', 'publish'])
    })
  })
}

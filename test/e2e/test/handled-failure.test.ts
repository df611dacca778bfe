/**
 * Issue 15 #5: a run whose failure was handled (an `all_done` leaf) is SUCCESS by Airflow's leaf
 * rule; `pipeline list` and `pipeline show` say how many tasks failed, from the run's counts.
 */
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCliProcess, tempDir } from './helpers.js'

const FIXTURE = join(import.meta.dirname, 'fixtures', 'handled-failure.ts')

describe('a SUCCESS run with a handled failure', () => {
  const { dir, remove } = tempDir('handled')
  afterAll(remove)
  const url = `sqlite:///${join(dir, 'runs.db')}`

  it('is marked in pipeline list and show, and the run record carries the counts', async () => {
    const run = await runCliProcess(['pipeline', 'run', FIXTURE, '--backend-url', url, '--json'])
    expect(run.code).toBe(0)
    const list = await runCliProcess(['pipeline', 'list', '--backend-url', url])
    expect(list.code).toBe(0)
    expect(list.stdout).toMatch(/e2e_handled\s+SUCCESS \(1 task failed\)/)
    const json = await runCliProcess(['pipeline', 'list', '--backend-url', url, '--json'])
    const [record] = JSON.parse(json.stdout) as { id: string; taskCounts: unknown }[]
    expect(record?.taskCounts).toEqual({ FAILED: 1, SUCCESS: 1 })
    const show = await runCliProcess(['pipeline', 'show', record!.id, '--backend-url', url])
    expect(show.stdout).toMatch(/status\s+SUCCESS \(1 task failed\)/)
  }, 120_000)
})

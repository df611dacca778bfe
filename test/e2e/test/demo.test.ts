/**
 * The README's main job, `pnpm demo` (`node scripts/demo.mjs`), from the repository root on
 * TypeScript source, as a user runs it after `pnpm install --frozen-lockfile`.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cleanEnv, ROOT } from './helpers.js'

describe('pnpm demo', () => {
  it('runs the Complete DAG Example on the emulator and lists the run', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'demo.mjs')], {
      cwd: ROOT,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout).toMatch(/Loaded 120 sample events into raw\.events/)
    for (const task of [
      'extract_raw_data',
      'transform_data',
      'validate_metrics',
      'load_to_analytics',
      'cleanup_staging',
    ]) {
      expect(stdout).toMatch(new RegExp(`${task} SUCCESS in`))
    }
    // Templated dates: yesterday's tables, then dropped by cleanup.
    const day = /--logical-date (\d{4}-\d\d-\d\d)/.exec(stdout)?.[1] as string
    expect(stdout).toContain(`CREATE TABLE "staging"."raw_events_${day.replaceAll('-', '')}" AS`)
    expect(stdout).toContain(`DROP TABLE "staging"."metrics_${day.replaceAll('-', '')}"`)
    // The DataQualityTask's checks ran and passed.
    expect(stdout).toMatch(/validate_metrics \| PASSED not_null\(user_id\)/)
    const runId = /Run (\S+) SUCCESS/.exec(stdout)?.[1] as string
    expect(stdout).toMatch(
      new RegExp(
        `\\$ dremio-cli sql[\\s\\S]*metric_date\\s+user_id\\s+event_count\\s+last_event\\n[-\\s]+\\n${day}\\s+user_\\d\\s+\\d+`,
      ),
    )
    expect(stdout).toMatch(
      new RegExp(
        `\\$ dremio-cli pipeline list[\\s\\S]*${runId}\\s+dremio_daily_pipeline\\s+SUCCESS\\s+cli`,
      ),
    )
  })
})

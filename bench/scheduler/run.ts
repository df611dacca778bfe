/**
 * Scheduler benchmark (issue 12): 1,000 schedules in one process (10 pipelines × 100 schedules,
 * one no-op task each; maxActiveRuns 1000 so the cap never holds a tick back; the default
 * overlap 'skip', so every fire also counts active runs), on the memory backend or a SQLite file
 * (durable, WAL).
 *
 * Rows:
 * - idle: every schedule registered, none due for 10 minutes; CPU of this process over the
 *   window (user + system, as % of one core) — the scheduler's timer and its 5 s poll of the
 *   store are all that runs;
 * - every 60s / every 10s: anchors spread evenly, so about 17 or 100 fires per second; lateness
 *   = due (tick + jitter, none here) → the run stored (`fired.lateMs`), and CPU;
 * - burst: all 1,000 due at the same instant (the worst case, for the record).
 * Usage: pnpm bench scheduler [memory|sqlite] [schedules=1000] [window_s=30]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSqliteBackend } from '@df/backend-sqlite'
import {
  type Backend,
  createMemoryBackend,
  createScheduler,
  Pipeline,
  type ScheduleOptions,
  Task,
} from '@df/orchestration'

const kind = (process.argv[2] ?? 'memory') as 'memory' | 'sqlite'
const total = Number(process.argv[3] ?? 1000)
const windowS = Number(process.argv[4] ?? 30)
const PIPELINES = 10
const dir = mkdtempSync(join(tmpdir(), 'df-bench-scheduler-'))

interface Row {
  phase: string
  fires: number
  cpu: number
  late: number[]
}

function pct(sorted: number[], p: number): string {
  if (sorted.length === 0) return '-'
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(1)
}

async function phase(
  name: string,
  spec: (i: number, now: number) => ScheduleOptions,
  windowMs: number,
  until?: (fires: number) => boolean,
): Promise<Row> {
  const backend: Backend =
    kind === 'sqlite'
      ? createSqliteBackend({ path: join(dir, `${name.replace(/\W+/g, '_')}.db`) })
      : createMemoryBackend()
  await backend.init()
  const scheduler = createScheduler({ backend })
  const late: number[] = []
  scheduler.on((e) => {
    if (e.type === 'fired' && !e.existing) late.push(e.lateMs)
  })
  const pipelines = Array.from({ length: PIPELINES }, (_, k) =>
    new Pipeline(`bench_${k}`, { backend, maxActiveRuns: 1000 }).addTask(
      new Task({ name: 'noop', run: () => null }),
    ),
  )
  const now = Date.now()
  const handles = Array.from({ length: total }, (_, i) =>
    scheduler.add(pipelines[i % PIPELINES]!, { id: `s${i}`, ...spec(i, now) }),
  )
  await Promise.all(handles.map((h) => h.ready))
  // Let registration settle (first passes, JIT) before measuring.
  await new Promise((r) => setTimeout(r, 2_000))
  late.length = 0
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const deadline = t0 + windowMs
  while (performance.now() < deadline && !(until?.(late.length) ?? false)) {
    await new Promise((r) => setTimeout(r, 100))
  }
  const elapsed = performance.now() - t0
  const used = process.cpuUsage(cpu0)
  await scheduler.stop()
  await scheduler.drain(10_000)
  for (const p of pipelines) await p.close()
  await backend.close()
  return {
    phase: name,
    fires: late.length,
    cpu: ((used.user + used.system) / 1000 / elapsed) * 100,
    late: late.sort((a, b) => a - b),
  }
}

async function main(): Promise<void> {
  const w = windowS * 1000
  console.log(
    `# scheduler: ${total} schedules in one process (${PIPELINES} pipelines), ${kind} backend, window ${windowS} s, load ${(await import('node:os')).loadavg()[0]?.toFixed(1)}`,
  )
  console.log('phase\tschedules\tfires\tcpu_pct_core\tlate_p50_ms\tlate_p99_ms\tlate_max_ms')
  const rows: Row[] = []
  rows.push(
    await phase('idle', (i, now) => ({ every: '1h', startAt: now + 600_000 + i * 1000 }), w),
  )
  rows.push(
    await phase(
      'every 60s (spread)',
      (i, now) => ({ every: '60s', startAt: now + 3_000 + Math.floor((i * 60_000) / total) }),
      w,
    ),
  )
  rows.push(
    await phase(
      'every 10s (spread)',
      (i, now) => ({ every: '10s', startAt: now + 3_000 + Math.floor((i * 10_000) / total) }),
      w,
    ),
  )
  rows.push(
    await phase(
      'burst (all at once)',
      (_i, now) => ({ every: '1h', startAt: Math.ceil((now + 4_000) / 1000) * 1000 }),
      20_000,
      (n) => n >= total,
    ),
  )
  for (const r of rows) {
    console.log(
      [
        r.phase,
        total,
        r.fires,
        r.cpu.toFixed(2),
        pct(r.late, 0.5),
        pct(r.late, 0.99),
        r.late.length ? r.late[r.late.length - 1]!.toFixed(1) : '-',
      ].join('\t'),
    )
  }
  rmSync(dir, { recursive: true, force: true })
}

await main()

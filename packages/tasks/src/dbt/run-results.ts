/**
 * Reads dbt's `target/run_results.json` into a small summary: counts per status and the node
 * names that passed, failed, errored or were skipped (capped, so a big project stays small).
 */
import { readFile, stat } from 'node:fs/promises'
import type { JsonObject } from '@df/orchestration'

/** What a dbt run did, from `run_results.json`. */
export interface DbtRunSummary {
  /** Nodes per dbt status (`success`, `error`, `skipped`, `pass`, `fail`, `warn`…). */
  readonly counts: Record<string, number>
  /** `unique_id`s that succeeded (models: success; tests: pass). */
  readonly passed: string[]
  /** Tests that failed (`fail`). */
  readonly failed: string[]
  /** Nodes that errored (`error`, `runtime error`). */
  readonly errored: string[]
  readonly skipped: string[]
  readonly warned: string[]
  /** dbt's own elapsed time, in seconds. */
  readonly elapsedSeconds?: number
  /** True when a list was cut at `maxNames`. */
  readonly truncated?: boolean
}

const BUCKET: Record<string, 'passed' | 'failed' | 'errored' | 'skipped' | 'warned'> = {
  success: 'passed',
  pass: 'passed',
  fail: 'failed',
  error: 'errored',
  'runtime error': 'errored',
  skipped: 'skipped',
  warn: 'warned',
}

/**
 * Parses `file` when it was written at or after `since` (epoch ms): an older file belongs to an
 * earlier dbt invocation. Undefined when missing, stale or not dbt's format.
 */
export async function readRunResults(
  file: string,
  since: number,
  maxNames = 500,
): Promise<DbtRunSummary | undefined> {
  let text: string
  try {
    const info = await stat(file)
    // 1 s slack: some filesystems store mtimes at second precision.
    if (info.mtimeMs < since - 1000) return undefined
    text = await readFile(file, 'utf8')
  } catch {
    return undefined
  }
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    return undefined
  }
  const results = (doc as { results?: unknown })?.results
  if (!Array.isArray(results)) return undefined
  const summary = {
    counts: {} as Record<string, number>,
    passed: [] as string[],
    failed: [] as string[],
    errored: [] as string[],
    skipped: [] as string[],
    warned: [] as string[],
  }
  let truncated = false
  for (const r of results as JsonObject[]) {
    const status = String(r?.status ?? 'unknown')
    summary.counts[status] = (summary.counts[status] ?? 0) + 1
    const bucket = BUCKET[status]
    if (!bucket) continue
    if (summary[bucket].length >= maxNames) truncated = true
    else summary[bucket].push(String(r.unique_id ?? '?'))
  }
  const elapsed = (doc as { elapsed_time?: unknown }).elapsed_time
  return {
    ...summary,
    ...(typeof elapsed === 'number' ? { elapsedSeconds: elapsed } : {}),
    ...(truncated ? { truncated } : {}),
  }
}

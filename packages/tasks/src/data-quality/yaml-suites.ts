/**
 * YAML data-quality suites (dremioframe's format, kept compatible) and `runDataQuality`, which the
 * CLI's `dq run <dir> [--json]` calls. Unlike the original, a file that does not parse, a test
 * without a table, an unknown check type or an unknown key is an ERROR before any check runs,
 * never a skip.
 *
 * ```yaml
 * tests:                       # or a top-level list of tests
 *   - name: Daily metrics
 *     table: staging.metrics_{{ ds_nodash }}
 *     checks:
 *       - type: not_null
 *         column: user_id
 *       - type: row_count
 *         where: event_count > 0
 *         op: ge
 *         value: 1
 *         severity: warn
 * ```
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import type { DremioClient } from '@df/client'
import type { JsonObject } from '@df/orchestration'
import { OrchestrationError, renderTemplate } from '@df/orchestration'
import { parse } from 'yaml'
import type { DataQualityCheck } from './checks.js'
import { checkSuitePlaceholders } from './data-quality-task.js'
import { normalizeCheck } from './normalize-check.js'
import { type DataQualityReport, runDataQualityChecks } from './run-checks.js'

/** One test of a suite file: a table and its checks. */
export interface DataQualitySuite {
  /** The file it came from. */
  readonly file: string
  readonly name: string
  /** The table path; may use `{{ ds }}`, `{{ ds_nodash }}`, `{{ params.NAME }}`… */
  readonly table: string
  readonly checks: readonly DataQualityCheck[]
}

/** A report with the file it came from. */
export interface DataQualitySuiteReport extends DataQualityReport {
  readonly file: string
}

/** What {@link runDataQuality} resolves with. */
export interface DataQualityRun {
  /** False when any error-severity check failed or any check could not run (`dq run` exits 1). */
  readonly passed: boolean
  /** The files read, in order. */
  readonly files: readonly string[]
  readonly reports: readonly DataQualitySuiteReport[]
}

/** Options of {@link runDataQuality}. */
export interface RunDataQualityOptions {
  readonly client: DremioClient
  /** The instant templates render for (`{{ ds }}`). @default now */
  readonly logicalDate?: Date | string
  /** What `{{ run_id }}` renders. @default `dq_<logical date>` */
  readonly runId?: string
  /** `{{ params.NAME }}` values. */
  readonly params?: JsonObject
  readonly signal?: AbortSignal
  /** Checks run at once per table. @default 4 */
  readonly concurrency?: number
  /** Reference instant for freshness. @default Date.now */
  readonly now?: () => number
  /** Called with each test's report as soon as it is done (for live CLI output). */
  readonly onReport?: (report: DataQualitySuiteReport) => void
}

function invalid(what: string, cause?: unknown): OrchestrationError {
  return new OrchestrationError(
    'DF_OPTION_INVALID',
    `[@df/orchestration] ${what}`,
    cause === undefined ? undefined : { cause },
  )
}

/** The `.yaml`/`.yml` files of `paths` (files as given, directories non-recursive, sorted). */
export async function findSuiteFiles(paths: string | readonly string[]): Promise<string[]> {
  const list = typeof paths === 'string' ? [paths] : [...paths]
  if (list.length === 0) throw invalid('No data-quality suite path was given.')
  const files: string[] = []
  for (const p of list) {
    const info = await stat(p).catch((error: unknown) => {
      throw invalid(`Data-quality suite path '${p}' does not exist.`, error)
    })
    if (info.isDirectory()) {
      const names = (await readdir(p)).filter((n) => ['.yaml', '.yml'].includes(extname(n)))
      if (names.length === 0) throw invalid(`No .yaml or .yml file in '${p}'.`)
      files.push(...names.sort().map((n) => join(p, n)))
    } else files.push(p)
  }
  return files
}

/** Parses and validates one suite file's text. @throws `DF_OPTION_INVALID` / `DF_TASK_INVALID` */
export function parseSuiteFile(file: string, text: string): DataQualitySuite[] {
  let doc: unknown
  try {
    doc = parse(text)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw invalid(`${file}: the YAML does not parse: ${message}`, error)
  }
  const tests =
    doc !== null && typeof doc === 'object' && !Array.isArray(doc)
      ? (doc as { tests?: unknown }).tests
      : doc
  if (!Array.isArray(tests) || tests.length === 0) {
    throw invalid(`${file}: expected a non-empty list of tests, or { tests: [...] }.`)
  }
  return tests.map((t, i) => {
    const where = `${file}: test ${i + 1}`
    if (t === null || typeof t !== 'object' || Array.isArray(t)) {
      throw invalid(`${where} must be an object with table and checks.`)
    }
    const o = t as Record<string, unknown>
    for (const key of Object.keys(o)) {
      if (!['name', 'table', 'checks'].includes(key)) {
        throw invalid(`${where} has an unknown key '${key}' (keys: name, table, checks).`)
      }
    }
    const name =
      typeof o.name === 'string' && o.name !== '' ? o.name : `${basename(file)} #${i + 1}`
    if (typeof o.table !== 'string' || o.table.trim() === '') {
      throw invalid(`${where} ('${name}') has no table.`)
    }
    if (!Array.isArray(o.checks) || o.checks.length === 0) {
      throw invalid(`${where} ('${name}') has no checks.`)
    }
    const checks = o.checks.map((c, j) => normalizeCheck(c, `${where} ('${name}') check ${j + 1}`))
    checkSuitePlaceholders(name, o.table, checks)
    return { file, name, table: o.table, checks }
  })
}

/** Reads, parses and validates every suite of `paths` (nothing runs). */
export async function loadDataQualitySuites(
  paths: string | readonly string[],
): Promise<DataQualitySuite[]> {
  const suites: DataQualitySuite[] = []
  for (const file of await findSuiteFiles(paths)) {
    suites.push(...parseSuiteFile(file, await readFile(file, 'utf8')))
  }
  return suites
}

/**
 * Runs the YAML suites of `paths` (files and/or directories) and resolves with one report per
 * test. Every file is parsed and validated before the first check runs.
 * @example
 * const run = await runDataQuality('quality/', { client })
 * process.exitCode = run.passed ? 0 : 1
 */
export async function runDataQuality(
  paths: string | readonly string[],
  options: RunDataQualityOptions,
): Promise<DataQualityRun> {
  const files = await findSuiteFiles(paths)
  const suites: DataQualitySuite[] = []
  for (const file of files) suites.push(...parseSuiteFile(file, await readFile(file, 'utf8')))
  const now = options.now ?? Date.now
  const date = options.logicalDate ?? new Date(now())
  const logicalDate = typeof date === 'string' ? new Date(date).toISOString() : date.toISOString()
  const runId = options.runId ?? `dq_${logicalDate}`
  const ctx = { logicalDate, runId, params: options.params ?? {} }
  const reports: DataQualitySuiteReport[] = []
  for (const suite of suites) {
    const report = await runDataQualityChecks({
      client: options.client,
      table: suite.table,
      checks: suite.checks,
      name: suite.name,
      render: (text) => renderTemplate(text, ctx),
      now,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    })
    const withFile = { ...report, file: suite.file }
    reports.push(withFile)
    options.onReport?.(withFile)
  }
  return { passed: reports.every((r) => r.passed), files, reports }
}

/**
 * Plain-text rendering of data-quality reports, for the CLI's `dq run` (without `--json`) and
 * for logs. One line per check: `PASS`, `FAIL` (error severity), `WARN` (warn severity) or
 * `ERROR` (the check could not run), its name, observed and expected values.
 */
import type { CheckResult, DataQualityReport } from './run-checks.js'

/** The status word of a check line. */
export function checkStatusWord(c: CheckResult): 'PASS' | 'FAIL' | 'WARN' | 'ERROR' {
  if (c.status === 'passed') return 'PASS'
  if (c.status === 'error') return 'ERROR'
  return c.severity === 'warn' ? 'WARN' : 'FAIL'
}

/** Renders reports as text (no colours, no trailing newline). */
export function formatDataQualityReports(
  reports: readonly (DataQualityReport & { readonly file?: string })[],
): string {
  const lines: string[] = []
  const total = { passed: 0, failed: 0, warned: 0, errored: 0 }
  for (const r of reports) {
    const file = r.file !== undefined ? ` (${r.file})` : ''
    lines.push(`${r.name ?? r.table} on ${r.table}${file}`)
    const width = Math.max(...r.checks.map((c) => c.name.length), 4)
    for (const c of r.checks) {
      const word = checkStatusWord(c).padEnd(5)
      const detail =
        c.status === 'error'
          ? (c.error ?? '').replace(/\s+/g, ' ').trim()
          : `observed ${JSON.stringify(c.observed)}, expected ${c.expected}`
      lines.push(`  ${word} ${c.name.padEnd(width)}  ${detail}`)
    }
    total.passed += r.summary.passed
    total.failed += r.summary.failed
    total.warned += r.summary.warned
    total.errored += r.summary.errored
  }
  lines.push(
    `${total.passed} passed, ${total.failed} failed, ${total.warned} warned, ${total.errored} errored`,
  )
  return lines.join('\n')
}

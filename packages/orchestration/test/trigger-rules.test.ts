import { describe, expect, it } from 'vitest'
import {
  evaluateTriggerRule,
  TRIGGER_RULES,
  type TriggerRule,
  type TriggerRuleCounts,
} from '../src/index.js'

/** Counts from a compact spec: upstream U and finished S/Sk/F/UF/R. */
function c(U: number, S = 0, Sk = 0, F = 0, UF = 0, R = 0): TriggerRuleCounts {
  return {
    upstream: U,
    success: S,
    skipped: Sk,
    failed: F,
    upstreamFailed: UF,
    removed: R,
    done: S + Sk + F + UF + R,
  }
}

type Row = readonly [
  rule: TriggerRule,
  counts: TriggerRuleCounts,
  flagged: { passed: boolean; newState?: string },
  unflagged: boolean,
]

// Each row: what the scheduler (flagUpstreamFailed: true) decides, and what a plain dep check says.
const rows: readonly Row[] = [
  ['all_success', c(2, 2), { passed: true }, true],
  ['all_success', c(2, 1), { passed: false }, false],
  ['all_success', c(3, 1, 0, 1), { passed: false, newState: 'UPSTREAM_FAILED' }, false],
  ['all_success', c(3, 1, 0, 0, 1), { passed: false, newState: 'UPSTREAM_FAILED' }, false],
  ['all_success', c(3, 1, 1), { passed: false, newState: 'SKIPPED' }, false],
  ['all_failed', c(2, 0, 0, 1, 1), { passed: true }, true],
  ['all_failed', c(2, 0, 0, 1), { passed: false }, false],
  ['all_failed', c(2, 1), { passed: false, newState: 'SKIPPED' }, false],
  ['all_failed', c(2, 0, 1), { passed: false, newState: 'SKIPPED' }, false],
  ['all_done', c(3, 1, 1, 1), { passed: true }, true],
  ['all_done', c(3, 1, 0, 1), { passed: false }, false],
  ['all_done', c(2, 0, 0, 0, 2), { passed: true }, true],
  ['all_done_min_one_success', c(3, 1, 0, 1, 1), { passed: true }, true],
  ['all_done_min_one_success', c(3, 1, 0, 1), { passed: false }, false],
  ['all_done_min_one_success', c(3, 1, 1), { passed: false, newState: 'SKIPPED' }, false],
  [
    'all_done_min_one_success',
    c(2, 0, 0, 2),
    { passed: false, newState: 'UPSTREAM_FAILED' },
    false,
  ],
  ['all_skipped', c(2, 0, 2), { passed: true }, true],
  ['all_skipped', c(2, 0, 1), { passed: false }, false],
  ['all_skipped', c(2, 1, 1), { passed: false, newState: 'SKIPPED' }, false],
  ['all_skipped', c(2, 0, 0, 0, 1), { passed: false, newState: 'SKIPPED' }, false],
  // one_*: fire early, before the other upstreams are done.
  ['one_success', c(3, 1), { passed: true }, true],
  ['one_success', c(3, 0, 0, 1), { passed: false }, false],
  ['one_success', c(2, 0, 2), { passed: false, newState: 'SKIPPED' }, false],
  ['one_success', c(2, 0, 1, 1), { passed: false, newState: 'UPSTREAM_FAILED' }, false],
  ['one_failed', c(3, 0, 0, 1), { passed: true }, true],
  ['one_failed', c(3, 0, 0, 0, 1), { passed: true }, true],
  ['one_failed', c(3, 2), { passed: false }, false],
  ['one_failed', c(2, 1, 1), { passed: false, newState: 'SKIPPED' }, false],
  ['one_done', c(3, 1), { passed: true }, true],
  ['one_done', c(3, 0, 0, 1), { passed: true }, true],
  ['one_done', c(3, 0, 1, 0, 1), { passed: false }, false],
  ['one_done', c(2, 0, 1, 0, 1), { passed: false, newState: 'SKIPPED' }, false],
  ['none_failed', c(3, 2, 1), { passed: true }, true],
  ['none_failed', c(3, 0, 3), { passed: true }, true],
  ['none_failed', c(3, 2), { passed: false }, false],
  ['none_failed', c(3, 1, 0, 1), { passed: false, newState: 'UPSTREAM_FAILED' }, false],
  ['none_failed_min_one_success', c(2, 1, 1), { passed: true }, true],
  ['none_failed_min_one_success', c(2, 1), { passed: false }, false],
  ['none_failed_min_one_success', c(2, 0, 2), { passed: false, newState: 'SKIPPED' }, false],
  [
    'none_failed_min_one_success',
    c(2, 1, 0, 0, 1),
    { passed: false, newState: 'UPSTREAM_FAILED' },
    false,
  ],
  ['none_skipped', c(2, 1, 0, 1), { passed: true }, true],
  ['none_skipped', c(2, 1), { passed: false }, false],
  ['none_skipped', c(2, 1, 1), { passed: false, newState: 'SKIPPED' }, false],
  ['always', c(2), { passed: true }, true],
  ['always', c(2, 0, 0, 2), { passed: true }, true],
]

describe('evaluateTriggerRule', () => {
  it.each(rows)('%s %o (flagUpstreamFailed: true)', (rule, counts, flagged) => {
    const result = evaluateTriggerRule(rule, counts, { flagUpstreamFailed: true })
    expect(result.passed).toBe(flagged.passed)
    expect(result.newState).toBe(flagged.newState)
    if (!result.passed) expect(result.reason).toMatch(/\S/)
  })

  it.each(rows)('%s %o (flagUpstreamFailed: false)', (rule, counts, _flagged, unflagged) => {
    const result = evaluateTriggerRule(rule, counts, { flagUpstreamFailed: false })
    expect(result.passed).toBe(unflagged)
    expect(result.newState).toBeUndefined()
  })

  it('covers all twelve rules, each passing without upstream', () => {
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(TRIGGER_RULES))
    expect(TRIGGER_RULES).toHaveLength(12)
    for (const rule of TRIGGER_RULES) {
      expect(evaluateTriggerRule(rule, c(0), { flagUpstreamFailed: true })).toEqual({
        passed: true,
      })
    }
  })

  it('fails an unknown rule with a reason instead of falling back to all_success', () => {
    const result = evaluateTriggerRule('none_failed_or_skipped' as TriggerRule, c(1, 1), {
      flagUpstreamFailed: true,
    })
    expect(result.passed).toBe(false)
    expect(result.reason).toContain("No strategy to evaluate trigger rule 'none_failed_or_skipped'")
  })
})

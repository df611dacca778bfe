/**
 * Trigger rules: when may a task run, given the states of its direct upstream tasks?
 *
 * A pure function of counts, modelled on Airflow 3's `TriggerRuleDep` (reference §1.2–1.4).
 * The engine calls it every time an upstream of a waiting task finishes, with
 * `flagUpstreamFailed: true`, and applies `newState` when one is returned: that is how
 * UPSTREAM_FAILED and SKIPPED propagate, and how the `one_*` rules fire before every upstream
 * is done.
 */

/** The twelve trigger rules of Airflow 3. */
export type TriggerRule =
  | 'all_success'
  | 'all_failed'
  | 'all_done'
  | 'all_done_min_one_success'
  | 'all_skipped'
  | 'one_success'
  | 'one_failed'
  | 'one_done'
  | 'none_failed'
  | 'none_failed_min_one_success'
  | 'none_skipped'
  | 'always'

/** Every trigger rule, in Airflow's documentation order. */
export const TRIGGER_RULES: readonly TriggerRule[] = [
  'all_success',
  'all_failed',
  'all_done',
  'all_done_min_one_success',
  'all_skipped',
  'one_success',
  'one_failed',
  'one_done',
  'none_failed',
  'none_failed_min_one_success',
  'none_skipped',
  'always',
]

const RULE_SET: ReadonlySet<string> = new Set(TRIGGER_RULES)

/** True when `value` is one of the twelve rules. */
export function isTriggerRule(value: unknown): value is TriggerRule {
  return typeof value === 'string' && RULE_SET.has(value)
}

/** Counts over the DIRECT upstream task instances of the task being evaluated. */
export interface TriggerRuleCounts {
  /** Number of direct upstream tasks. */
  readonly upstream: number
  readonly success: number
  readonly skipped: number
  readonly failed: number
  readonly upstreamFailed: number
  readonly removed: number
  /** Finished upstreams: success + skipped + failed + upstreamFailed + removed (+ cancelled). */
  readonly done: number
}

/** The verdict of {@link evaluateTriggerRule}. */
export interface TriggerRuleResult {
  /** The task may run now. Always `false` when `newState` is set. */
  readonly passed: boolean
  /** Why it may not run (yet), in one sentence. */
  readonly reason?: string
  /** With `flagUpstreamFailed`: the terminal state the waiting task must take instead of running. */
  readonly newState?: 'UPSTREAM_FAILED' | 'SKIPPED' | 'REMOVED'
}

const PASSED: TriggerRuleResult = Object.freeze({ passed: true })

/**
 * Evaluates a trigger rule (Airflow 3 semantics, incl. apache/airflow#67873 for
 * `none_failed_min_one_success`: it needs at least one success).
 *
 * @example
 * evaluateTriggerRule('one_failed', { upstream: 3, success: 0, skipped: 0, failed: 1,
 *   upstreamFailed: 0, removed: 0, done: 1 }, { flagUpstreamFailed: true })
 * // → { passed: true }: fires before the other two upstreams finish
 */
export function evaluateTriggerRule(
  rule: TriggerRule,
  counts: TriggerRuleCounts,
  options: { readonly flagUpstreamFailed: boolean },
): TriggerRuleResult {
  if (!RULE_SET.has(rule)) {
    return { passed: false, reason: `No strategy to evaluate trigger rule '${String(rule)}'.` }
  }
  const { upstream, success, skipped, failed, upstreamFailed, done } = counts
  if (upstream === 0 || rule === 'always') return PASSED
  const upstreamDone = done >= upstream
  const anyFailed = failed + upstreamFailed > 0

  if (options.flagUpstreamFailed) {
    const newState = earlyState(rule, counts, upstreamDone, anyFailed)
    if (newState !== undefined) {
      return { passed: false, newState: newState[0], reason: newState[1] }
    }
  }

  switch (rule) {
    case 'all_success':
      return upstream - success > 0
        ? fail(rule, `all upstream tasks to succeed, but ${upstream - success} have not`)
        : PASSED
    case 'all_failed':
      return upstream - failed - upstreamFailed > 0
        ? fail(
            rule,
            `all upstream tasks to fail, but ${upstream - failed - upstreamFailed} have not`,
          )
        : PASSED
    case 'all_done':
      return upstreamDone
        ? PASSED
        : fail(rule, `all upstream tasks to finish (${done}/${upstream})`)
    case 'all_done_min_one_success':
      if (skipped > 0) return fail(rule, 'no skipped upstream task, but one was skipped')
      if (done < upstream) return fail(rule, `all upstream tasks to finish (${done}/${upstream})`)
      return success > 0 ? PASSED : fail(rule, 'at least one upstream success, but none were found')
    case 'all_skipped':
      return upstream - skipped > 0
        ? fail(rule, `all upstream tasks to be skipped, but ${upstream - skipped} were not`)
        : PASSED
    case 'one_success':
      return success > 0 ? PASSED : fail(rule, 'one upstream success, but none were found')
    case 'one_failed':
      return anyFailed ? PASSED : fail(rule, 'one upstream failure, but none were found')
    case 'one_done':
      return success + failed > 0
        ? PASSED
        : fail(rule, 'one upstream task to succeed or fail, but none did')
    case 'none_failed':
      return upstream - success - skipped > 0
        ? fail(rule, `no upstream failure and all upstream tasks done (${done}/${upstream})`)
        : PASSED
    case 'none_failed_min_one_success':
      if (upstream - success - skipped > 0) {
        return fail(rule, `no upstream failure and all upstream tasks done (${done}/${upstream})`)
      }
      return success > 0 ? PASSED : fail(rule, 'at least one upstream success, but none were found')
    case 'none_skipped':
      if (!upstreamDone) return fail(rule, `all upstream tasks to finish (${done}/${upstream})`)
      return skipped > 0 ? fail(rule, 'no skipped upstream task, but one was skipped') : PASSED
  }
}

function fail(rule: TriggerRule, requirement: string): TriggerRuleResult {
  return { passed: false, reason: `Trigger rule '${rule}' requires ${requirement}.` }
}

type Early = readonly ['UPSTREAM_FAILED' | 'SKIPPED', string] | undefined

/** The "early termination" of Airflow's evaluator: the state a waiting task takes now. */
function earlyState(
  rule: TriggerRule,
  c: TriggerRuleCounts,
  upstreamDone: boolean,
  anyFailed: boolean,
): Early {
  switch (rule) {
    case 'all_success':
      if (anyFailed) return ['UPSTREAM_FAILED', 'An upstream task failed (all_success).']
      if (c.skipped > 0) return ['SKIPPED', 'An upstream task was skipped (all_success).']
      return undefined
    case 'all_failed':
      return c.success + c.skipped > 0
        ? ['SKIPPED', 'An upstream task succeeded or was skipped (all_failed).']
        : undefined
    case 'one_success':
      if (!upstreamDone) return undefined
      if (c.done === c.skipped) return ['SKIPPED', 'Every upstream task was skipped (one_success).']
      return c.success <= 0
        ? ['UPSTREAM_FAILED', 'No upstream task succeeded (one_success).']
        : undefined
    case 'one_failed':
      return upstreamDone && !anyFailed
        ? ['SKIPPED', 'No upstream task failed (one_failed).']
        : undefined
    case 'one_done':
      return upstreamDone && c.success + c.failed === 0
        ? ['SKIPPED', 'No upstream task succeeded or failed (one_done).']
        : undefined
    case 'none_failed':
      return anyFailed ? ['UPSTREAM_FAILED', 'An upstream task failed (none_failed).'] : undefined
    case 'none_failed_min_one_success':
      if (anyFailed) {
        return ['UPSTREAM_FAILED', 'An upstream task failed (none_failed_min_one_success).']
      }
      return c.skipped === c.upstream
        ? ['SKIPPED', 'Every upstream task was skipped (none_failed_min_one_success).']
        : undefined
    case 'none_skipped':
      return c.skipped > 0 ? ['SKIPPED', 'An upstream task was skipped (none_skipped).'] : undefined
    case 'all_skipped':
      return c.success + c.failed + c.upstreamFailed > 0
        ? ['SKIPPED', 'An upstream task did not skip (all_skipped).']
        : undefined
    case 'all_done_min_one_success':
      if (c.skipped > 0) {
        return ['SKIPPED', 'An upstream task was skipped (all_done_min_one_success).']
      }
      return upstreamDone && c.success === 0
        ? ['UPSTREAM_FAILED', 'No upstream task succeeded (all_done_min_one_success).']
        : undefined
    default:
      return undefined
  }
}

/**
 * Unknown-option checks for the public API (issue 15 #4: `new Task({ trigger_rule })` ran as
 * `all_success`, `new Pipeline(name, { schedule })` was accepted and did nothing). Every options
 * object is checked against the keys its type declares; a typo is an error that names the key
 * and, for the seed's snake_case spellings, the camelCase option to use (with the unit change
 * where the seed spoke in seconds).
 */
import { OrchestrationError, type OrchestrationErrorCode } from '../errors.js'

/** The seed's (dremioframe / Airflow) spellings whose @df option differs by more than case. */
const SEED_SPELLINGS: Readonly<Record<string, string>> = {
  retry_delay:
    "'retryDelay' (milliseconds: the seed's retry_delay=2.0 seconds is retryDelay: 2000)",
  retry_exponential_backoff: "retryBackoff: 'exponential'",
  max_retry_delay: "'maxRetryDelay' (milliseconds)",
  execution_timeout: "'timeoutMs' (milliseconds)",
  timeout: "'timeoutMs' (milliseconds: the seed's timeout=3600 seconds is timeoutMs: 3_600_000)",
  poke_interval: "'pokeInterval' (milliseconds: the seed's poke_interval=60 seconds is 60_000)",
  json_data: "'json'",
  max_workers: "'maxWorkers'",
  max_active_runs: "'maxActiveRuns'",
  schedule_interval: "'schedule' ({ cron: '0 2 * * *' }) or pipeline.schedule({ cron })",
  on_success_callback: "'onSuccess'",
  on_failure_callback: "'onFailure'",
  on_retry_callback: "'onRetry'",
  python_callable: "'run'",
  task_id: "'name'",
  dag_id: 'the first argument of new Pipeline(name)',
}

/** `trigger_rule` → `triggerRule`. */
function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase())
}

/** The hint for an unknown key: the seed spelling's replacement, or its camelCase form. */
function hint(key: string, known: ReadonlySet<string>): string {
  const seed = SEED_SPELLINGS[key]
  if (seed !== undefined && !(key === 'timeout' && known.has('timeout'))) return `; use ${seed}`
  if (key.includes('_')) {
    const c = camel(key)
    return known.has(c) ? `; did you mean '${c}'?` : `; options are camelCase ('${c}'?)`
  }
  const lower = key.toLowerCase()
  const near = [...known].find((k) => k.toLowerCase() === lower)
  return near !== undefined ? `; did you mean '${near}'?` : ''
}

/**
 * Throws `code` naming the first key of `options` that is not in `known`.
 * @param where the message's subject, e.g. `Task 'extract'` or `Pipeline 'etl'`.
 */
export function checkOptionKeys(
  options: object,
  known: ReadonlySet<string>,
  where: string,
  code: OrchestrationErrorCode = 'DF_OPTION_INVALID',
): void {
  for (const key of Object.keys(options)) {
    if (known.has(key)) continue
    throw new OrchestrationError(
      code,
      `[@df/orchestration] ${where}: unknown option '${key}'${hint(key, known)}.`,
    )
  }
}

/**
 * Helpers shared by the Dremio task classes: option validation, the job-id hook, template
 * checks at construction time.
 */

import type { TaskContext, TaskOptions } from '@df/orchestration'
import { OrchestrationError, templatePlaceholders } from '@df/orchestration'
import type { DremioClientRef } from '../client-registry.js'

/** The Task options every Dremio task accepts (everything but `run`, `type` and `options`). */
export type BaseTaskOptions = Omit<TaskOptions, 'run' | 'type' | 'options'>

/** Options shared by every Dremio task. */
export interface DremioTaskOptions extends BaseTaskOptions {
  /**
   * A `DremioClient`, or the name of a client registered with `registerDremioClient`. Only the
   * name is stored in the task's serialisable options.
   */
  readonly client: DremioClientRef
  /**
   * The name stored when `client` is an instance (what a remote worker resolves).
   * @default 'default'
   */
  readonly clientName?: string
}

/** Records the Dremio job id on the attempt (when the engine offers the hook) and in its log. */
export function noteDremioJob(ctx: TaskContext, jobId: string, sql: string): void {
  ctx.log.info(`Dremio job ${jobId} submitted: ${oneLine(sql)}`)
  ctx.setMeta?.('dremioJobId', jobId)
}

function oneLine(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim()
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat
}

const KNOWN = new Set(['ds', 'ds_nodash', 'ts', 'run_id'])

/**
 * Fails at construction for a placeholder no run can render (`{{ dss }}`), so a typo never
 * waits for a run to be noticed. `extra` names task-specific placeholders (e.g. `table`).
 */
export function checkPlaceholders(
  name: string,
  what: string,
  text: string,
  extra: readonly string[] = [],
): void {
  for (const p of templatePlaceholders(text)) {
    if (KNOWN.has(p) || extra.includes(p) || /^params\.[^.\s]+(\.[^.\s]+)*$/.test(p)) continue
    throw taskInvalid(
      name,
      `${what} uses unknown placeholder '{{ ${p} }}' (known: ds, ds_nodash, ts, run_id, params.NAME${extra.map((e) => `, ${e}`).join('')})`,
    )
  }
}

/** A `DF_TASK_INVALID` error about task `name`. */
export function taskInvalid(name: string, what: string): OrchestrationError {
  return new OrchestrationError('DF_TASK_INVALID', `[@df/orchestration] Task '${name}': ${what}.`)
}

/** Reads an optional `context` (default schema path) option. */
export function checkContext(name: string, context: unknown): readonly string[] | undefined {
  if (context === undefined) return undefined
  if (
    !Array.isArray(context) ||
    context.length === 0 ||
    !context.every((s) => typeof s === 'string' && s !== '')
  ) {
    throw taskInvalid(name, 'context must be a non-empty array of path segments')
  }
  return [...context] as string[]
}

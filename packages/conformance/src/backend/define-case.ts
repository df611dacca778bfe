/** Case ids and `defineCase`: skips are keyed by id, so they are greppable and survive renames. */
import type { BackendFeature, FullBackend } from '@df/orchestration'

/** Every conformance case id, `<area>.<subject>.<behaviour>`. */
export type CaseId =
  | 'claims.eligible'
  | 'claims.limit'
  | 'claims.pipelines'
  | 'claims.then-update'
  | 'leases.renew.owned'
  | 'leases.renew.lost'
  | 'leases.renew.version'
  | 'claims.queued'
  | 'control.cancel.owned'
  | 'control.cancel.unowned'
  | 'control.cancel.finished'
  | 'control.cancel.missing'
  | 'control.cancel.claimed'
  | 'lifecycle.features.whole'
  | 'runs.update.version-rule'
  | 'runs.update.task-counts'
  | 'tasks.attempts.meta'
  | 'concurrency.claims.unique'
  | 'concurrency.claims.complete'
  | 'concurrency.run.race'
  | 'concurrency.claim-vs-update'
  | 'concurrency.task.race'
  | 'concurrency.tasks.disjoint'
  | 'concurrency.runs.disjoint'
  | 'concurrency.create.duplicate'
  | 'concurrency.watermark.race'
  | 'concurrency.pipelines.put'
  | 'lifecycle.identity'
  | 'lifecycle.init.idempotent'
  | 'lifecycle.close.idempotent'
  | 'lifecycle.closed.rejects'
  | 'lifecycle.signal.aborted'
  | 'lifecycle.errors.typed'
  | 'pipelines.put.roundtrip'
  | 'pipelines.get.missing'
  | 'pipelines.put.replace'
  | 'pipelines.list.order'
  | 'pipelines.list.empty'
  | 'pipelines.list.invalid'
  | 'runs.list.order'
  | 'runs.list.default-limit'
  | 'runs.list.filters'
  | 'runs.list.paging'
  | 'runs.list.paging-stable'
  | 'runs.list.invalid'
  | 'runs.create.roundtrip'
  | 'runs.create.all-fields'
  | 'runs.create.tasks'
  | 'runs.create.duplicate'
  | 'runs.create.atomic'
  | 'runs.get.missing'
  | 'runs.update.cas'
  | 'runs.update.conflict'
  | 'runs.update.not-found'
  | 'runs.update.lease'
  | 'runs.delete.before'
  | 'runs.ids.awkward'
  | 'runs.create.many-tasks'
  | 'tasks.update.large-batch'
  | 'tasks.results.json'
  | 'tasks.results.null'
  | 'tasks.results.large'
  | 'tasks.results.replace'
  | 'tasks.get.missing-run'
  | 'tasks.update.fields'
  | 'tasks.update.clear'
  | 'tasks.update.batch-independent'
  | 'tasks.update.batch-sequential'
  | 'tasks.update.empty'
  | 'tasks.attempts.upsert'
  | 'tasks.attempts.atomic'
  | 'watermarks.get.missing'
  | 'watermarks.set.create'
  | 'watermarks.set.cas'
  | 'watermarks.set.missing'
  | 'watermarks.keys'
  | 'watermarks.values'
  | 'runs.create.schedule-fields'
  | 'schedules.put.create'
  | 'schedules.put.keeps-state'
  | 'schedules.get.missing'
  | 'schedules.list.order'
  | 'schedules.update.cas'
  | 'schedules.delete'
  | 'schedules.ids.awkward'
  | 'schedules.claim.due'
  | 'schedules.claim.limit'
  | 'schedules.claim.parallel'
  | 'schedules.count.active'

/**
 * What a case receives: a fresh, initialised backend in its own namespace. Typed with every
 * optional interface: a case only calls those it declares in `needs` (it is skipped, at run
 * time, for a backend that lacks one).
 */
export interface CaseContext {
  readonly backend: FullBackend
}

/** One conformance case. */
export interface BackendCase {
  readonly id: CaseId
  /** One sentence; where the contract was ambiguous it names the stricter reading chosen. */
  readonly title: string
  /** The optional backend interfaces the case uses besides `Backend`. */
  readonly needs: readonly BackendFeature[]
  readonly fn: (ctx: CaseContext) => Promise<void>
}

/**
 * Declares a case. The id is the stable handle (`skip` keys, grep); the title is for humans.
 *
 * @example
 * defineCase('runs.update.conflict', 'rejects a stale version', async ({ backend }) => {})
 * defineCase('runs.list.order', 'newest first', async ({ backend }) => {}, ['RunHistory'])
 */
export function defineCase(
  id: CaseId,
  title: string,
  fn: (ctx: CaseContext) => Promise<void>,
  needs: readonly BackendFeature[] = [],
): BackendCase {
  return { id, title, needs, fn }
}

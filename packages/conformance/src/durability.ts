/**
 * `@df/conformance/durability`: the multi-process suites every durable backend runs against its
 * real store: crash recovery (SIGKILL mid-run, recover, rerun), contention (several processes
 * on one store, races across pools) and scheduling (one tick, one run, across processes). Each backend passes a `DurabilityHarness`; the child fixtures are shared.
 */

export { describeContention } from './durability/contention.js'
export { describeCrashRecovery } from './durability/crash-recovery.js'
export type { DurabilityHarness } from './durability/harness.js'
export { describePoolRaces } from './durability/pool-races.js'
export { describeScheduling } from './durability/scheduling.js'
export { describeStoredShapes } from './durability/stored-shapes.js'

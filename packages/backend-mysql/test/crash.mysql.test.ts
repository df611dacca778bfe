/**
 * Crash recovery on real MariaDB (issue 4, "Must show"): the shared suite `describeCrashRecovery` from
 * `@df/conformance/durability`; the store and how child processes open it are in
 * `durability-harness.ts`.
 */
import { describeCrashRecovery } from '@df/conformance/durability'
import { mysqlDurabilityHarness } from './durability-harness.js'

describeCrashRecovery(mysqlDurabilityHarness())

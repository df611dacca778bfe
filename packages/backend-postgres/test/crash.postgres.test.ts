/**
 * Crash recovery on real PostgreSQL (issue 4, "Must show"): the shared suite `describeCrashRecovery` from
 * `@df/conformance/durability`; the store and how child processes open it are in
 * `durability-harness.ts`.
 */
import { describeCrashRecovery } from '@df/conformance/durability'
import { postgresDurabilityHarness } from './durability-harness.js'

describeCrashRecovery(postgresDurabilityHarness())

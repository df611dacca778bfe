/**
 * Contention on real SQLite (issue 4, "Must show"): the shared suite `describeContention` from
 * `@df/conformance/durability`; the store and how child processes open it are in
 * `durability-harness.ts`.
 */
import { describeContention } from '@df/conformance/durability'
import { sqliteDurabilityHarness } from './durability-harness.js'

describeContention(sqliteDurabilityHarness())

/**
 * Contention on real MariaDB (issue 4, "Must show"): the shared suite `describeContention` from
 * `@df/conformance/durability`; the store and how child processes open it are in
 * `durability-harness.ts`.
 */
import { describeContention } from '@df/conformance/durability'
import { mysqlDurabilityHarness } from './durability-harness.js'

describeContention(mysqlDurabilityHarness())

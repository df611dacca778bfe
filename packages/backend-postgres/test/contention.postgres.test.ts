/**
 * Contention on real PostgreSQL (issue 4, "Must show"): the shared suite `describeContention` from
 * `@df/conformance/durability`; the store and how child processes open it are in
 * `durability-harness.ts`.
 */
import { describeContention } from '@df/conformance/durability'
import { postgresDurabilityHarness } from './durability-harness.js'

describeContention(postgresDurabilityHarness())

/**
 * Races across separate connections on one real SQLite file: the shared suite `describePoolRaces`
 * from `@df/conformance/durability`; the file is made in `durability-harness.ts`.
 */
import { describePoolRaces } from '@df/conformance/durability'
import { sqliteDurabilityHarness } from './durability-harness.js'

describePoolRaces(sqliteDurabilityHarness())

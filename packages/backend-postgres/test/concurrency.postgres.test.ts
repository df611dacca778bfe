/**
 * Races across separate pools on one real store: the shared suite `describePoolRaces` from
 * `@df/conformance/durability`; the store is made in `durability-harness.ts`.
 */
import { describePoolRaces } from '@df/conformance/durability'
import { postgresDurabilityHarness } from './durability-harness.js'

describePoolRaces(postgresDurabilityHarness())

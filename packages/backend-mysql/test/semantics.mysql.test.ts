/**
 * Stored shapes on one real store, and an abort freeing a call blocked on a row lock: the shared
 * suite `describeStoredShapes` from `@df/conformance/durability`; the store (and the row lock,
 * where the backend has one) is in `durability-harness.ts`.
 */
import { describeStoredShapes } from '@df/conformance/durability'
import { mysqlDurabilityHarness } from './durability-harness.js'

describeStoredShapes(mysqlDurabilityHarness())

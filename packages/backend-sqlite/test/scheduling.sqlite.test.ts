/**
 * Scheduling across processes on one SQLite file: the shared suite `describeScheduling` from
 * `@df/conformance/durability` (3 processes, a 1-second schedule for 20 s, one SIGKILLed
 * half-way: every tick fired exactly once).
 */
import { describeScheduling } from '@df/conformance/durability'
import { sqliteDurabilityHarness } from './durability-harness.js'

describeScheduling(sqliteDurabilityHarness())

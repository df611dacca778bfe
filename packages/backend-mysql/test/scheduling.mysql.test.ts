/**
 * Scheduling across processes on real MariaDB (issue 12, "Must show"): the shared suite
 * `describeScheduling` from `@df/conformance/durability` (3 processes, a 1-second schedule for
 * 20 s, one SIGKILLed half-way: every tick fired exactly once).
 */
import { describeScheduling } from '@df/conformance/durability'
import { mysqlDurabilityHarness } from './durability-harness.js'

describeScheduling(mysqlDurabilityHarness())

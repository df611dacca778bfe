/**
 * `@df/conformance/backend`: the shared suite every `Backend` must pass, its harness API, service
 * discovery for real databases, and record builders for backend-specific tests.
 */

export { expectCode, expectFailed, expectOk } from './backend/assertions.js'
export type { BackendCase, CaseContext, CaseId } from './backend/define-case.js'
export { defineCase } from './backend/define-case.js'
export type { BackendHarness, ConformanceContext } from './backend/describe-backend.js'
export { BACKEND_CASES, describeBackend } from './backend/describe-backend.js'
export type { NewRunOverrides } from './backend/fixtures.js'
export {
  BASE_TIME,
  ensurePipeline,
  newPipeline,
  newRun,
  newSchedule,
  nextTime,
  seedOrphanedRun,
  seedRun,
  taskUpdate,
  uniqueId,
} from './backend/fixtures.js'
export {
  DEFAULT_SERVICE_URLS,
  isCI,
  missingServices,
  requireService,
} from './backend/require-service.js'

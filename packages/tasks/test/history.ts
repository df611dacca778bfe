/** A pipeline's backend with its run history (the memory backend these tests use has one). */
import { type Backend, type FullBackend, requireBackendFeature } from '@df/orchestration'

export function history(backend: Backend): FullBackend {
  return requireBackendFeature(backend, 'RunHistory', 'this test') as FullBackend
}

import {
  type Backend,
  type FullBackend,
  type RunResult,
  requireBackendFeature,
  type TaskState,
} from '../src/index.js'

/** A promise with its resolve/reject exposed. */
export function deferred<T = void>(): {
  promise: Promise<T>
  resolve: (value: T) => void
  reject: (error: unknown) => void
} {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** Task name → state. */
export function states(run: RunResult): Record<string, TaskState> {
  return Object.fromEntries(Object.entries(run.tasks).map(([k, v]) => [k, v.state]))
}

/** Lets pending promise callbacks run. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r))
}

/** A pipeline's backend with its run history (every backend these tests use has one). */
export function history(backend: Backend): FullBackend {
  return requireBackendFeature(backend, 'RunHistory', 'this test') as FullBackend
}

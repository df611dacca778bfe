/** Small assertion helpers shared by the cases: codes, not messages (house style §9.5). */
import type { OrchestrationErrorCode, UpdateResult } from '@df/orchestration'
import { OrchestrationError } from '@df/orchestration'
import { expect } from 'vitest'

/** Awaits `promise`, expects it to reject with an `OrchestrationError` carrying `code`. */
export async function expectCode(
  promise: Promise<unknown>,
  code: OrchestrationErrorCode,
): Promise<OrchestrationError> {
  let caught: unknown
  try {
    await promise
  } catch (error) {
    caught = error
  }
  expect(caught, `expected a rejection with ${code}`).toBeDefined()
  expect(
    OrchestrationError.is(caught),
    `expected an OrchestrationError, got ${String(caught)}`,
  ).toBe(true)
  expect(caught).toMatchObject({ code })
  return caught as OrchestrationError
}

/** Awaits `promise`, expects it to reject with any `OrchestrationError`. */
export async function expectOrchestrationError(
  promise: Promise<unknown>,
): Promise<OrchestrationError> {
  let caught: unknown
  try {
    await promise
  } catch (error) {
    caught = error
  }
  expect(
    OrchestrationError.is(caught),
    `expected an OrchestrationError, got ${String(caught)}`,
  ).toBe(true)
  return caught as OrchestrationError
}

/** Narrows an `UpdateResult` to its success, failing the case with the reason otherwise. */
export function expectOk<T>(result: UpdateResult<T> | undefined): T {
  expect(result, 'expected an update result').toBeDefined()
  if (!result?.ok) {
    expect.fail(`expected { ok: true }, got ${JSON.stringify(result)}`)
  }
  return result.value
}

/** Asserts an `UpdateResult` failed for `reason`. */
export function expectFailed<T>(
  result: UpdateResult<T> | undefined,
  reason: 'conflict' | 'not-found',
): void {
  expect(result).toEqual({ ok: false, reason })
}

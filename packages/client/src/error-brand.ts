/**
 * The brand every `@df` error class carries, so `X.is(value)` works across duplicate copies of a
 * package (two versions in one `node_modules`, a bundled CLI next to the user's copy) where
 * `instanceof` fails. The brand is a non-enumerable prototype property under the registered
 * symbol `Symbol.for('@df/error')`, whose value names the package (`'client'`, `'emulator'`,
 * `'cli'`, …). `@df/client`, `@df/emulator` and the CLI share this helper; `@df/orchestration`
 * keeps its own copy of these few lines because it has no runtime dependencies.
 */

/** The registered symbol under which `@df` errors carry their brand. */
export const ERROR_BRAND: unique symbol = Symbol.for('@df/error') as never

/**
 * Brands `errorClass.prototype` (and so every instance, subclasses included) with `brand`.
 * @example
 * export class MyError extends Error { static is(v: unknown): v is MyError { return isBranded(v, 'mine') } }
 * brandError(MyError, 'mine')
 */
export function brandError(errorClass: { prototype: object }, brand: string): void {
  Object.defineProperty(errorClass.prototype, ERROR_BRAND, { value: brand, enumerable: false })
}

/** True when `value` is an object carrying the `@df` error brand `brand` (from any package copy). */
export function isBranded(value: unknown, brand: string): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[ERROR_BRAND] === brand
  )
}

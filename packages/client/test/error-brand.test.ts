/** The shared `@df` error brand helper (issue 10 leftover): one implementation, same checks. */
import { describe, expect, it } from 'vitest'
import { brandError, DremioConfigError, DremioError, ERROR_BRAND, isBranded } from '../src/index.js'

describe('brandError / isBranded', () => {
  it('brands a class and its subclasses, non-enumerably, under Symbol.for("@df/error")', () => {
    class PluginError extends Error {}
    class SubError extends PluginError {}
    brandError(PluginError, 'plugin')
    expect(ERROR_BRAND).toBe(Symbol.for('@df/error'))
    expect(isBranded(new PluginError('x'), 'plugin')).toBe(true)
    expect(isBranded(new SubError('x'), 'plugin')).toBe(true)
    expect(isBranded(new PluginError('x'), 'client')).toBe(false)
    expect(Object.keys(new PluginError('x'))).toEqual([])
    expect(JSON.stringify(new PluginError('x'))).toBe('{}')
  })

  it('recognises a brand from another copy (same registered symbol) and rejects look-alikes', () => {
    const otherCopy = Object.create({ [Symbol.for('@df/error')]: 'plugin' }) as object
    expect(isBranded(otherCopy, 'plugin')).toBe(true)
    for (const v of [null, undefined, 'plugin', 1, {}, new Error('x'), { brand: 'plugin' }]) {
      expect(isBranded(v, 'plugin')).toBe(false)
    }
  })

  it('is what DremioError.is uses', () => {
    expect(isBranded(new DremioConfigError('x'), 'client')).toBe(true)
    expect(DremioError.is(new DremioConfigError('x'))).toBe(true)
  })
})

/**
 * The error the emulator's own API throws (not the HTTP answers, which follow Dremio's shapes).
 */

/**
 * - `DF_EMULATOR_INVALID_OPTIONS`: an option of `createEmulator` is out of range.
 * - `DF_EMULATOR_LISTEN_FAILED`: the HTTP server could not bind (port in use, bad host).
 * - `DF_EMULATOR_STORAGE_FAILED`: the DuckDB file in `dataDir` cannot be opened (e.g. another
 *   process holds it).
 * - `DF_EMULATOR_SQL_FAILED`: `emulator.query()` failed; the message is the job error text.
 * - `DF_EMULATOR_JOB_NOT_FOUND`: `emulator.jobs.settled(id)` for an id the emulator never issued
 *   (or dropped).
 */
export type EmulatorErrorCode =
  | 'DF_EMULATOR_INVALID_OPTIONS'
  | 'DF_EMULATOR_LISTEN_FAILED'
  | 'DF_EMULATOR_STORAGE_FAILED'
  | 'DF_EMULATOR_SQL_FAILED'
  | 'DF_EMULATOR_JOB_NOT_FOUND'

import { brandError, isBranded } from '@df/client'

/** Error with a `DF_*` code; `EmulatorError.is()` checks the brand, not `instanceof`. */
export class EmulatorError extends Error {
  override readonly name = 'EmulatorError'
  readonly code: EmulatorErrorCode

  constructor(code: EmulatorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }

  /** True for an EmulatorError from any copy of this package. */
  static is(value: unknown): value is EmulatorError {
    return isBranded(value, 'emulator') && (value as { name?: unknown }).name === 'EmulatorError'
  }
}

brandError(EmulatorError, 'emulator')

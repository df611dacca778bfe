/**
 * URL parsing for configuration values that may carry secrets. Node's `TypeError` for a
 * malformed URL holds the whole `input` (credentials included), so it is never attached as a
 * `cause`: the error says what is wrong without repeating the value.
 */
import { DremioConfigError } from '../errors.js'

/**
 * Parses `raw`; a malformed value throws `DremioConfigError` naming `what` (the option or
 * variable), with a hint but neither the value nor Node's error (whose `input` is the value).
 */
export function parseConfigUrl(raw: string, what: string): URL {
  try {
    return new URL(raw)
  } catch {
    const hint = /\s/.test(raw)
      ? ' (it contains whitespace)'
      : /^[a-z][a-z0-9+.-]*:\/\//i.test(raw)
        ? ''
        : ' (it needs a scheme, e.g. http://host:9047)'
    throw new DremioConfigError(`${what} is not a valid URL${hint}.`)
  }
}

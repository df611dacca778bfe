/**
 * Reading a client-server backend's connection URL without ever leaking it: `new URL()` throws
 * a `TypeError` whose `input` property is the whole URL, password included (issue #15: a
 * credential in a malformed URL leaked through `util.inspect(err)`), so it is never attached as
 * a cause.
 */
import { redactBackendUrl } from '../backend-url.js'
import { OrchestrationError } from '../errors.js'

/**
 * Parses `url`, checking its scheme is one of `schemes` (lowercase, no colon) and that it names a
 * host.
 * @throws OrchestrationError `DF_OPTION_INVALID` naming only the redacted URL.
 */
export function parseServerUrl(url: string, schemes: readonly string[], packageName: string): URL {
  const redacted = redactBackendUrl(url)
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    // No cause on purpose: Node's TypeError carries the input (the password with it).
    throw new OrchestrationError(
      'DF_OPTION_INVALID',
      `[${packageName}] The URL cannot be parsed: '${redacted}'.`,
    )
  }
  const scheme = parsed.protocol.slice(0, -1).toLowerCase()
  if (!schemes.includes(scheme)) {
    throw new OrchestrationError(
      'DF_OPTION_INVALID',
      `[${packageName}] The URL must start with ${schemes.map((s) => `${s}://`).join(' or ')}, got '${redacted}'.`,
    )
  }
  if (parsed.hostname === '') {
    throw new OrchestrationError(
      'DF_OPTION_INVALID',
      `[${packageName}] The URL has no host: '${redacted}'.`,
    )
  }
  return parsed
}

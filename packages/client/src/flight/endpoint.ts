/**
 * Where the Arrow Flight endpoint is: `flightUrl` (`grpc://host:port`, `grpc+tcp://`, or
 * `grpc+tls://`) when given, else derived from the REST configuration the way Dremio deploys it:
 * Software serves Flight on the REST host at port 32010 (TLS when REST is https), Dremio Cloud on
 * its data endpoint (`api.dremio.cloud` -> `grpc+tls://data.dremio.cloud:443`, EU likewise).
 */
import { DremioConfigError } from '../errors.js'
import { parseConfigUrl } from '../internal/safe-url.js'
import type { ResolvedConfig } from '../options.js'

/** Dremio Software's default Flight port (`services.flight.port`). */
export const DEFAULT_FLIGHT_PORT = 32010

/** A resolved Flight endpoint. */
export interface FlightTarget {
  /** `host:port` for grpc-js (IPv6 hosts in brackets). */
  address: string
  /** Whether the channel uses TLS (`grpc+tls`). */
  tls: boolean
  /** `grpc://host:port` or `grpc+tls://host:port`, for messages (never credentials). */
  url: string
}

/** Parses and validates a `flightUrl`. @throws DremioConfigError */
export function parseFlightUrl(raw: string, what = 'flightUrl'): FlightTarget {
  const url = parseConfigUrl(raw, what)
  const scheme = url.protocol.replace(/:$/, '')
  if (scheme !== 'grpc' && scheme !== 'grpc+tcp' && scheme !== 'grpc+tls') {
    throw new DremioConfigError(`${what} must be a grpc://, grpc+tcp:// or grpc+tls:// URL.`)
  }
  if (url.username || url.password) {
    throw new DremioConfigError(`${what} must not carry credentials: use pat or username/password.`)
  }
  if (url.hostname === '') throw new DremioConfigError(`${what} needs a host.`)
  if ((url.pathname !== '' && url.pathname !== '/') || url.search || url.hash) {
    throw new DremioConfigError(`${what} must be scheme://host:port with no path.`)
  }
  return target(
    url.hostname,
    url.port === '' ? DEFAULT_FLIGHT_PORT : Number(url.port),
    scheme === 'grpc+tls',
  )
}

/** The Flight endpoint for a client configuration. */
export function resolveFlightTarget(
  config: ResolvedConfig,
  flightUrl: string | undefined,
): FlightTarget {
  if (flightUrl !== undefined) return parseFlightUrl(flightUrl)
  const api = new URL(config.apiBase)
  if (config.mode === 'cloud' && api.hostname.startsWith('api.')) {
    return target(`data.${api.hostname.slice(4)}`, 443, true)
  }
  return target(api.hostname, DEFAULT_FLIGHT_PORT, api.protocol === 'https:')
}

function target(host: string, port: number, tls: boolean): FlightTarget {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new DremioConfigError(`flightUrl has an invalid port ${port}.`)
  }
  // URL keeps IPv6 hosts bracketed already.
  const address = `${host}:${port}`
  return { address, tls, url: `${tls ? 'grpc+tls' : 'grpc'}://${address}` }
}

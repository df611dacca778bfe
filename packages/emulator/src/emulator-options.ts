/**
 * Options of `createEmulator` and of fault injection.
 */
import type { AuthOptions } from './internal/auth.js'
import type { JobLatency } from './job-types.js'

export type { AuthOptions }

/** Options of {@link createEmulator}. Every field is optional. */
export interface EmulatorOptions {
  /** TCP port; 0 picks a free one (read it back from `emulator.port`). @default 9047 */
  port?: number
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string
  /**
   * Directory for a persistent DuckDB file (`emulator.duckdb`) and the catalog (`catalog.json`).
   * Created when missing. In memory when undefined.
   */
  dataDir?: string
  /** Accepted users and personal access tokens. @default { users: { dremio: 'dremio123' }, tokens: ['df-emulator-token'] } */
  auth?: AuthOptions
  /** Time and states a job goes through before it runs. @default 0 */
  jobLatency?: JobLatency
  /**
   * NAS-style sources: name -> local directory. Addressed as `'@name/path'` by COPY INTO and
   * LIST_FILES, and listed in the catalog as sources.
   */
  sources?: Record<string, string>
  /** Dremio Cloud paths: `/v0/projects/{projectId}/...` are served next to `/api/v3/...`. */
  cloud?: { projectId?: string }
  /**
   * Also serve Arrow Flight (GetFlightInfo / DoGet / Handshake / SetSessionOptions) on this
   * port; 0 picks a free one (read it back from `emulator.flightPort`). @default no Flight
   */
  flightPort?: number
  /** Serve Flight over TLS (`grpc+tls://`) with this PEM key and certificate. @default plain */
  flightTls?: { key: string | Buffer; cert: string | Buffer }
}

/** The Cloud project id served when `cloud.projectId` is not given. */
export const DEFAULT_PROJECT_ID = '00000000-0000-4000-8000-00000000df00'

/** Fault injection settings for `emulator.setFaults`. */
export interface FaultOptions {
  /** Share of matching requests that fail, from 0 to 1 (1: every one). */
  rate: number
  /** Statuses to answer with, used in turn. @default [503] */
  statuses?: readonly number[]
  /** Sets a `Retry-After` header (seconds) on injected answers. */
  retryAfterSeconds?: number
  /**
   * How `Retry-After` is written: `'seconds'` (`Retry-After: 2`) or `'http-date'` (the moment
   * `retryAfterSeconds` from now, e.g. `Retry-After: Thu, 03 Dec 2026 06:20:02 GMT`; RFC 9110
   * allows both). @default 'seconds'
   */
  retryAfter?: 'seconds' | 'http-date'
  /** Only requests whose path (e.g. `/api/v3/sql`) matches are affected. */
  paths?: RegExp
  /** Stop after this many injected failures (deterministic tests). @default unlimited */
  times?: number
}

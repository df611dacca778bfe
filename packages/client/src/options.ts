/**
 * Options of `DremioClient`, their validation, and `DREMIO_*` environment parsing.
 * Validation happens in the constructor (no network I/O): an inconsistent combination is a
 * `DremioConfigError` that names the options involved, never their secret values.
 */
import { DremioConfigError } from './errors.js'
import type { ResultTransport } from './flight/results.js'
import { parseConfigUrl } from './internal/safe-url.js'

/** Where log lines go. Messages never contain tokens or passwords. */
export interface DremioLogger {
  /** Per-request detail (method, path, status, attempt). */
  debug?(message: string, data?: Record<string, unknown>): void
  /** Retries, re-logins. */
  warn?(message: string, data?: Record<string, unknown>): void
}

/**
 * Retry policy for idempotent requests (and `POST /sql` when provably not accepted). 429 and 503
 * (the server says it is overloaded and did not run the request) are retried while `budgetMs`
 * lasts, honouring `Retry-After`; other transient failures (connection errors, timeouts, 502,
 * 504 on idempotent requests) up to `retries` times.
 */
export interface RetryOptions {
  /** Retries after the first attempt, for failures other than 429/503 (and at least this many for those). @default 3 */
  retries: number
  /**
   * Time from the first attempt within which 429/503 answers are retried (jittered exponential
   * backoff, or the server's `Retry-After` when longer, even beyond `maxDelayMs`). 0: only
   * `retries` applies. @default 30000, or 0 when `retries` is given without `budgetMs`
   */
  budgetMs: number
  /** First backoff delay; doubles each retry, with jitter. @default 200 */
  minDelayMs: number
  /** Backoff cap; also caps `Retry-After`. @default 5000 */
  maxDelayMs: number
}

/** Options of `new DremioClient(options)`. */
export interface DremioClientOptions {
  /** Dremio Software base URL, `http(s)://host:9047` (a trailing `/api/v3` is accepted). */
  url?: string
  /** Personal access token, sent as `Authorization: Bearer …`. */
  pat?: string
  /** Software username for `POST /apiv2/login` (with `password`). */
  username?: string
  /** Software password (with `username`). */
  password?: string
  /** Dremio Cloud: project id plus region (`us` default) or an explicit API URL. Needs `pat`. */
  cloud?: { projectId: string; region?: 'us' | 'eu'; url?: string }
  /** TLS for every request: extra CA certificates (PEM) and the explicit skip-verify flag. */
  tls?: { ca?: string | Buffer | readonly (string | Buffer)[]; rejectUnauthorized?: boolean }
  /** Per-request timeout. @default 60000 */
  timeoutMs?: number
  /** Retry policy. @default { retries: 3, budgetMs: 30000, minDelayMs: 200, maxDelayMs: 5000 } */
  retry?: Partial<RetryOptions>
  /** Result pages fetched at once. @default 6 */
  maxConcurrentPages?: number
  /** A fetch implementation (tests, proxies); it gets the TLS Agent as `dispatcher`. @default undici Agent.request */
  fetch?: typeof globalThis.fetch
  /** Where log lines go. @default no logging */
  logger?: DremioLogger
  /**
   * Arrow Flight endpoint, `grpc://host:port` or `grpc+tls://host:port`.
   * @default the REST host on port 32010 (TLS when REST is https); Cloud: its data endpoint
   */
  flightUrl?: string
  /** Default transport of `query`, `queryArrow` and `queryBatches`. @default 'rest' */
  transport?: ResultTransport
}

/** Validated, normalized configuration (internal shape, exported for tooling). */
export interface ResolvedConfig {
  /** `software` or `cloud`. */
  mode: 'software' | 'cloud'
  /** Prefix of every API path: `…/api/v3` or `…/v0/projects/{id}`. */
  apiBase: string
  /** `POST` target for username/password login (Software only). */
  loginUrl: string | undefined
  /** Auth kind; the secrets themselves are kept elsewhere. */
  authKind: 'pat' | 'password'
  /** Per-request timeout in ms. */
  timeoutMs: number
  /** Retry policy. */
  retry: RetryOptions
  /** Result pages fetched at once. */
  maxConcurrentPages: number
}

/** Default time within which 429/503 are retried. */
const DEFAULT_BUDGET_MS = 30_000

const CLOUD_URLS = { us: 'https://api.dremio.cloud', eu: 'https://api.eu.dremio.cloud' } as const

function parseBaseUrl(raw: string, what: string): URL {
  const url = parseConfigUrl(raw, what)
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DremioConfigError(`${what} must be an http:// or https:// URL.`)
  }
  if (url.username || url.password) {
    throw new DremioConfigError(`${what} must not carry credentials: use pat or username/password.`)
  }
  url.search = ''
  url.hash = ''
  return url
}

function trimPath(url: URL, suffix: RegExp): string {
  const path = url.pathname.replace(/\/+$/, '').replace(suffix, '')
  return `${url.origin}${path}`
}

/** Validates options and derives the endpoints. @throws DremioConfigError */
export function resolveOptions(options: DremioClientOptions): ResolvedConfig {
  const { pat, username, password, cloud } = options
  if (username !== undefined && password === undefined) {
    throw new DremioConfigError('username is set but password is not.')
  }
  if (password !== undefined && username === undefined) {
    throw new DremioConfigError('password is set but username is not.')
  }
  if (pat !== undefined && username !== undefined) {
    throw new DremioConfigError('Give either pat or username/password, not both.')
  }
  if (pat !== undefined && pat.trim() === '') throw new DremioConfigError('pat is empty.')
  let mode: 'software' | 'cloud'
  let apiBase: string
  let loginUrl: string | undefined
  if (cloud) {
    mode = 'cloud'
    if (!cloud.projectId)
      throw new DremioConfigError('cloud.projectId is required for Dremio Cloud.')
    if (username !== undefined) {
      throw new DremioConfigError('Dremio Cloud has no username/password login: use a pat.')
    }
    if (pat === undefined) throw new DremioConfigError('Dremio Cloud needs a pat.')
    if (options.url !== undefined) {
      throw new DremioConfigError('url is for Dremio Software; use cloud.url for Dremio Cloud.')
    }
    const region = cloud.region ?? 'us'
    if (region !== 'us' && region !== 'eu') {
      throw new DremioConfigError(
        `cloud.region must be "us" or "eu", got ${JSON.stringify(region)}.`,
      )
    }
    const base = cloud.url
      ? trimPath(parseBaseUrl(cloud.url, 'cloud.url'), /\/v0$/)
      : CLOUD_URLS[region]
    apiBase = `${base}/v0/projects/${encodeURIComponent(cloud.projectId)}`
  } else {
    mode = 'software'
    if (options.url === undefined) {
      throw new DremioConfigError('url is required for Dremio Software (or set cloud.projectId).')
    }
    if (pat === undefined && username === undefined) {
      throw new DremioConfigError('Give a pat or username/password.')
    }
    const root = trimPath(parseBaseUrl(options.url, 'url'), /\/api\/v3$/)
    apiBase = `${root}/api/v3`
    loginUrl = username !== undefined ? `${root}/apiv2/login` : undefined
  }
  const retry: RetryOptions = {
    retries: options.retry?.retries ?? 3,
    // An explicit `retries` alone keeps its old meaning (a hard count); the default client, or
    // one that sets `budgetMs`, retries 429/503 within the budget.
    budgetMs:
      options.retry?.budgetMs ?? (options.retry?.retries !== undefined ? 0 : DEFAULT_BUDGET_MS),
    minDelayMs: options.retry?.minDelayMs ?? 200,
    maxDelayMs: options.retry?.maxDelayMs ?? 5000,
  }
  if (
    !(retry.retries >= 0) ||
    !(retry.budgetMs >= 0) ||
    !(retry.minDelayMs >= 0) ||
    !(retry.maxDelayMs >= retry.minDelayMs)
  ) {
    throw new DremioConfigError(
      'retry needs retries >= 0, budgetMs >= 0 and 0 <= minDelayMs <= maxDelayMs.',
    )
  }
  const timeoutMs = options.timeoutMs ?? 60_000
  if (!(timeoutMs > 0)) throw new DremioConfigError('timeoutMs must be a positive number.')
  const maxConcurrentPages = options.maxConcurrentPages ?? 6
  if (!Number.isInteger(maxConcurrentPages) || maxConcurrentPages < 1) {
    throw new DremioConfigError('maxConcurrentPages must be a positive integer.')
  }
  return {
    mode,
    apiBase,
    loginUrl,
    authKind: pat !== undefined ? 'pat' : 'password',
    timeoutMs,
    retry,
    maxConcurrentPages,
  }
}

/** The environment variables `DremioClient.fromEnv()` reads. */
export const DREMIO_ENV_VARS: readonly string[] = [
  'DREMIO_URL',
  'DREMIO_PAT',
  'DREMIO_USERNAME',
  'DREMIO_PASSWORD',
  'DREMIO_PROJECT_ID',
  'DREMIO_CLOUD_REGION',
  'DREMIO_FLIGHT_URL',
]

/**
 * Builds options from `DREMIO_*` variables (empty values count as unset). With
 * `DREMIO_PROJECT_ID` the client targets Dremio Cloud (`DREMIO_URL` then overrides the API URL);
 * otherwise `DREMIO_URL` is the Software base URL.
 * @throws DremioConfigError for an inconsistent combination (e.g. a region without a project).
 */
export function optionsFromEnv(env: Record<string, string | undefined>): DremioClientOptions {
  const get = (name: string): string | undefined => {
    const v = env[name]?.trim()
    return v ? v : undefined
  }
  const url = get('DREMIO_URL')
  const pat = get('DREMIO_PAT')
  const username = get('DREMIO_USERNAME')
  const password = get('DREMIO_PASSWORD')
  const projectId = get('DREMIO_PROJECT_ID')
  const region = get('DREMIO_CLOUD_REGION')
  const out: DremioClientOptions = {}
  if (pat !== undefined) out.pat = pat
  if (username !== undefined) out.username = username
  if (password !== undefined) out.password = password
  const flightUrl = get('DREMIO_FLIGHT_URL')
  if (flightUrl !== undefined) out.flightUrl = flightUrl
  if (projectId !== undefined) {
    if (username !== undefined || password !== undefined) {
      throw new DremioConfigError(
        'DREMIO_PROJECT_ID (Dremio Cloud) cannot be combined with DREMIO_USERNAME/DREMIO_PASSWORD: use DREMIO_PAT.',
      )
    }
    const r = region?.toLowerCase()
    if (r !== undefined && r !== 'us' && r !== 'eu') {
      throw new DremioConfigError(
        `DREMIO_CLOUD_REGION must be "us" or "eu", got ${JSON.stringify(region)}.`,
      )
    }
    out.cloud = { projectId, ...(r ? { region: r } : {}), ...(url ? { url } : {}) }
  } else {
    if (region !== undefined) {
      throw new DremioConfigError('DREMIO_CLOUD_REGION is set but DREMIO_PROJECT_ID is not.')
    }
    if (url === undefined) {
      throw new DremioConfigError(
        'Set DREMIO_URL (Dremio Software) or DREMIO_PROJECT_ID (Dremio Cloud).',
      )
    }
    out.url = url
  }
  resolveOptions(out)
  return out
}

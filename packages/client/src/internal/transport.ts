/**
 * HTTP transport: auth headers (PAT or `/apiv2/login` session with one transparent re-login),
 * TLS through an undici Agent on every request, per-request timeout, retries with backoff and
 * `Retry-After`, and mapping of non-2xx answers to `DremioHttpError`.
 *
 * Why undici (the npm package, pinned to the version Node 20.20 bundles): Node's global fetch
 * has no TLS options; custom CAs and skip-verify need an `Agent` passed as `dispatcher`, and the
 * Agent class is only reachable through the package. Requests go through that Agent's own
 * `request()` (no second undici copy involved); a custom `fetch` option gets it as `dispatcher`.
 */
import { Agent } from 'undici'
import { DremioConnectionError, DremioError, DremioHttpError } from '../errors.js'
import type { DremioClientOptions, DremioLogger, ResolvedConfig } from '../options.js'
import { AgentPool, DEFAULT_KEEP_ALIVE_MS } from './pool.js'
import { abortedError, parseRetryAfter, retryDelay, sleep } from './retry.js'

/** How a request may be retried. `unaccepted`: only when the server provably did not take it. */
export type RetryMode = 'idempotent' | 'unaccepted'

/** One API request. `path` is relative to the API base and already encoded. */
export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: string
  query?: Record<string, string | number | undefined>
  body?: unknown
  retry: RetryMode
  signal?: AbortSignal | undefined
  /** Once aborted, no further attempt starts (the one in flight is not torn down). */
  stopRetries?: AbortSignal | undefined
}

type FetchLike = (url: string, init: Record<string, unknown>) => Promise<Response>

/** A fully read answer: status, headers and body text. */
interface HttpReply {
  status: number
  header(name: string): string | undefined
  text: string
}

// Failures before the request reached the server: safe to retry even for POST /sql.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
])
// TLS verification failures are configuration problems: retrying cannot help.
const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/

export class Transport {
  readonly config: ResolvedConfig
  readonly #pat: string | undefined
  readonly #username: string | undefined
  readonly #password: string | undefined
  readonly #fetch: FetchLike | undefined
  readonly #pool: AgentPool
  readonly #logger: DremioLogger | undefined
  #session: { token: string; renewAt: number } | undefined
  #login: Promise<string> | undefined

  constructor(config: ResolvedConfig, options: DremioClientOptions) {
    this.config = config
    this.#pat = options.pat
    this.#username = options.username
    this.#password = options.password
    this.#logger = options.logger
    const ca = options.tls?.ca
    this.#pool = new AgentPool(
      () =>
        new Agent({
          connections: Math.max(8, config.maxConcurrentPages * 2),
          keepAliveTimeout: DEFAULT_KEEP_ALIVE_MS,
          connect: {
            ...(ca !== undefined
              ? { ca: Array.isArray(ca) ? [...ca] : (ca as string | Buffer) }
              : {}),
            rejectUnauthorized: options.tls?.rejectUnauthorized ?? true,
          },
        }),
    )
    this.#fetch = options.fetch as unknown as FetchLike | undefined
  }

  /** Sends an API request; resolves with the parsed JSON body (undefined for empty bodies). */
  async request<T>(req: ApiRequest): Promise<T> {
    const qs = req.query
      ? Object.entries(req.query)
          .filter((e): e is [string, string | number] => e[1] !== undefined)
          .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
          .join('&')
      : ''
    const url = `${this.config.apiBase}${req.path}${qs ? `?${qs}` : ''}`
    return (await this.#send(req, url, true)) as T
  }

  /** The client's logger, if any. */
  get logger(): DremioLogger | undefined {
    return this.#logger
  }

  /** Closes pooled connections. */
  async close(): Promise<void> {
    await this.#pool.close()
  }

  async #send(req: ApiRequest, url: string, auth: boolean): Promise<unknown> {
    const since = Date.now()
    let relogged = false
    for (let attempt = 0; ; attempt++) {
      const authHeader = auth ? await this.#authHeader(req.signal) : undefined
      let res: HttpReply
      const started = performance.now()
      try {
        res = await this.#fetchOnce(req, url, authHeader)
      } catch (error) {
        const mapped = this.#mapFetchError(error, req, url)
        // Connection errors and timeouts are retried for idempotent requests; for POST /sql only
        // failures that happened before the server could have seen the request.
        const retryable =
          mapped.retryable &&
          (req.retry === 'idempotent' || NOT_SENT_CODES.has(errorCode(error) ?? ''))
        const delay = retryable ? retryDelay(attempt, this.config.retry, false, since) : undefined
        if (delay === undefined || req.stopRetries?.aborted) throw mapped
        await this.#pause(delay, req, mapped.message)
        continue
      }
      this.#logger?.debug?.(`${req.method} ${pathOf(url)} -> ${res.status}`, {
        attempt,
        ms: Math.round(performance.now() - started),
      })
      if (res.status >= 200 && res.status < 300) return readBody(res)
      const error = httpError(res, req.method, url, res.status === 401 ? this.#authHint(auth) : '')
      if (res.status === 401 && auth && this.#username !== undefined && !relogged) {
        // Session tokens expire (30 h by default) or are revoked: log in again, once.
        relogged = true
        // Only drop the session this request used: a concurrent request may have renewed it.
        if (this.#session && authHeader === `_dremio${this.#session.token}`) {
          this.#session = undefined
          this.#logger?.warn?.('Session token rejected; logging in again.')
        }
        attempt--
        continue
      }
      // 429/503: the server did not run the request, so even POST /sql may be sent again.
      const overloaded = res.status === 429 || res.status === 503
      const delay =
        overloaded || (req.retry === 'idempotent' && error.retryable)
          ? retryDelay(attempt, this.config.retry, overloaded, since, error.retryAfterSeconds)
          : undefined
      if (delay === undefined || req.stopRetries?.aborted) throw error
      await this.#pause(delay, req, error.message)
    }
  }

  /** What a 401 means for this client's credentials, and how to check them (never the secret). */
  #authHint(auth: boolean): string {
    const server = new URL(this.config.apiBase).host
    if (!auth) {
      return `Dremio at ${server} refused the login: check DREMIO_USERNAME/DREMIO_PASSWORD (or the username/password options).`
    }
    if (this.#pat !== undefined) {
      return `Dremio at ${server} refused the personal access token: check that DREMIO_PAT (or the pat option) is a current token of this server (tokens expire or are revoked; in Dremio, Account Settings > Personal Access Tokens) and that DREMIO_URL points at the server that issued it.`
    }
    return `Dremio at ${server} refused the session token even right after a fresh login: check that the user may use the REST API.`
  }

  async #pause(ms: number, req: ApiRequest, why: string) {
    this.#logger?.warn?.(`Retrying ${req.method} ${req.path} in ${Math.round(ms)} ms: ${why}`)
    await sleep(ms, req.signal ?? req.stopRetries)
  }

  async #fetchOnce(
    req: ApiRequest,
    url: string,
    authHeader: string | undefined,
  ): Promise<HttpReply> {
    const timeout = AbortSignal.timeout(this.config.timeoutMs)
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout
    const headers: Record<string, string> = { accept: 'application/json' }
    if (authHeader) headers.authorization = authHeader
    let body: string | undefined
    if (req.body !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(req.body)
    }
    const agent = this.#pool.acquire()
    let reply: HttpReply | undefined
    try {
      if (this.#fetch) {
        const init = { method: req.method, headers, body, signal, dispatcher: agent }
        const res = await this.#fetch(url, init)
        const text = await res.text()
        reply = { status: res.status, header: (n) => res.headers.get(n) ?? undefined, text }
        return reply
      }
      // undici's request API: same Agent (TLS, pooling) as fetch, about half the CPU per call,
      // which matters when paging 2,000 result pages (bench/client-results).
      const u = new URL(url)
      const res = await agent.request({
        origin: u.origin,
        path: `${u.pathname}${u.search}`,
        method: req.method,
        headers,
        body,
        signal,
      })
      const text = await res.body.text()
      reply = {
        status: res.statusCode,
        header: (n) => {
          const v = res.headers[n]
          return Array.isArray(v) ? v[0] : v
        },
        text,
      }
      return reply
    } finally {
      this.#pool.done(reply?.header('keep-alive'))
    }
  }

  #mapFetchError(error: unknown, req: ApiRequest, url: string): DremioError {
    if (req.signal?.aborted) return abortedError(req.signal)
    const name = (error as { name?: string })?.name
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new DremioError(
        'DF_DREMIO_TIMEOUT',
        `${req.method} ${pathOf(url)} timed out after ${this.config.timeoutMs} ms.`,
        { cause: error, retryable: req.retry === 'idempotent' },
      )
    }
    const target = new URL(url).host
    const code = errorCode(error)
    if (code && TLS_CODE.test(code)) {
      return new DremioError(
        'DF_DREMIO_CONNECTION',
        `TLS handshake with ${target} failed (${code}): set tls.ca to trust its certificate, or tls.rejectUnauthorized: false to skip verification.`,
        { cause: error },
      )
    }
    if (code === undefined || NOT_SENT_CODES.has(code)) {
      return new DremioConnectionError(
        target,
        `Cannot reach Dremio at ${target}${code ? ` (${code})` : ''}.`,
        { cause: error },
      )
    }
    // The request went out and the connection closed before an answer: the server is reachable.
    const notRetried =
      req.retry === 'unaccepted'
        ? ' Dremio may have received the request, so it was not retried (a statement never runs twice): check its jobs before resubmitting.'
        : ''
    return new DremioConnectionError(
      target,
      `Dremio at ${target} closed the connection during ${req.method} ${pathOf(url)} before answering (${code}).${notRetried}`,
      { cause: error },
    )
  }

  async #authHeader(signal: AbortSignal | undefined): Promise<string> {
    if (this.#pat !== undefined) return `Bearer ${this.#pat}`
    const s = this.#session
    if (s && s.renewAt > Date.now()) return `_dremio${s.token}`
    this.#login ??= this.#doLogin(signal).finally(() => {
      this.#login = undefined
    })
    return `_dremio${await this.#login}`
  }

  async #doLogin(signal: AbortSignal | undefined): Promise<string> {
    const url = this.config.loginUrl as string
    const req: ApiRequest = {
      method: 'POST',
      path: '/apiv2/login',
      body: { userName: this.#username, password: this.#password },
      retry: 'idempotent',
      signal,
    }
    const body = (await this.#send(req, url, false)) as { token?: unknown; expires?: unknown }
    if (typeof body?.token !== 'string' || body.token === '') {
      throw new DremioError('DF_DREMIO_PROTOCOL', 'POST /apiv2/login answered without a token.')
    }
    this.#session = { token: body.token, renewAt: renewalTime(body.expires, Date.now()) }
    return body.token
  }
}

/** Share of a session's lifetime used before it is renewed. */
const RENEW_AT = 0.8
/** A session is used at least this long (server clock skew can make `expires` look past). */
const MIN_SESSION_USE_MS = 1000
/** Dremio's default session lifetime, assumed when the login answer has no `expires`. */
const DEFAULT_SESSION_MS = 30 * 3600_000

/**
 * When to renew a session issued at `now` that expires at `expires` (epoch ms, server clock):
 * after 80% of its lifetime (24 h of Dremio's 30 h; 24 s of a 30 s session), never sooner than
 * a second, so a short session costs one login per 80% of it, not one per request. A 401 still
 * triggers one re-login if the server ends the session earlier.
 */
export function renewalTime(expires: unknown, now: number): number {
  const lifetime = typeof expires === 'number' ? expires - now : DEFAULT_SESSION_MS
  return now + Math.max(MIN_SESSION_USE_MS, lifetime * RENEW_AT)
}

function errorCode(error: unknown): string | undefined {
  let e: unknown = error
  for (let depth = 0; depth < 4 && e; depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && code !== 'UND_ERR') return code
    const errors = (e as { errors?: unknown[] }).errors
    if (Array.isArray(errors) && errors.length > 0) e = errors[0]
    else e = (e as { cause?: unknown }).cause
  }
  return undefined
}

function pathOf(url: string): string {
  return new URL(url).pathname
}

function readBody(res: HttpReply): unknown {
  const text = res.text
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch (cause) {
    throw new DremioError('DF_DREMIO_PROTOCOL', `Expected JSON, got: ${text.slice(0, 200)}`, {
      cause,
    })
  }
}

function httpError(res: HttpReply, method: string, url: string, hint: string): DremioHttpError {
  const text = res.text
  let message: string | undefined
  try {
    const json = JSON.parse(text) as { errorMessage?: unknown }
    if (typeof json?.errorMessage === 'string') message = json.errorMessage
  } catch {
    // Dremio answers unparseable request JSON with a text/plain body: keep it as the message.
    message = text.trim().slice(0, 500) || undefined
  }
  return new DremioHttpError({
    status: res.status,
    method,
    path: pathOf(url),
    errorMessage: message,
    requestId: res.header('x-request-id') ?? res.header('x-dremio-request-id'),
    retryAfterSeconds: parseRetryAfter(res.header('retry-after') ?? null),
    ...(hint ? { hint } : {}),
  })
}

/**
 * One reused gRPC channel to Dremio's Flight endpoint, with Dremio's auth and sessions:
 * - a PAT goes as `authorization: Bearer <pat>` on every call;
 * - username/password go once through the Flight handshake as `authorization: Basic …`; the
 *   bearer token Dremio answers with is used afterwards, and renewed once when rejected;
 * - Dremio answers the first call of a session with a `SESSION_ID` cookie, echoed afterwards.
 *   Sessions are kept per default schema (`context`, sent as the `schema` header, which Dremio
 *   applies when it creates a session), and for Dremio Cloud each session is bound to the
 *   project first with the `SetSessionOptions` action (`project_id`).
 * TLS options (`tls.ca`, `tls.rejectUnauthorized`) are the REST client's.
 */

import * as grpc from '@grpc/grpc-js'
import { type ClientDuplexStream, credentials, Metadata, type ServiceError } from '@grpc/grpc-js'
import { DremioError } from '../errors.js'
import { abortedError } from '../internal/retry.js'
import type { DremioClientOptions, DremioLogger } from '../options.js'
import { quotePath } from '../sql.js'
import type { FlightTarget } from './endpoint.js'
import { DremioFlightError, type FlightCall } from './flight-error.js'
import { flightProtocol, type ResultMessage } from './protocol.js'

/** What a Flight call needs besides its request. */
export interface CallScope {
  /** Default schema of the session (`SubmitOptions.context`). */
  context?: readonly string[] | undefined
  signal?: AbortSignal | undefined
  /** Absolute deadline (ms since the epoch). */
  deadline?: number | undefined
  /** SQL for error messages. */
  sql?: string | undefined
}

const SESSION_LIMIT = 32
const MiB = 1024 * 1024

export class FlightConnection {
  readonly target: FlightTarget
  readonly #client: grpc.Client
  readonly #pat: string | undefined
  readonly #basic: string | undefined
  readonly #projectId: string | undefined
  readonly #logger: DremioLogger | undefined
  readonly #unaryTimeoutMs: number
  #bearer: Promise<string> | undefined
  /** Session cookie per default schema ('' = none), oldest first. */
  readonly #sessions = new Map<string, Promise<string | undefined>>()

  constructor(target: FlightTarget, options: DremioClientOptions, unaryTimeoutMs: number) {
    this.target = target
    this.#pat = options.pat
    this.#basic =
      options.username !== undefined
        ? Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')
        : undefined
    this.#projectId = options.cloud?.projectId
    this.#logger = options.logger
    this.#unaryTimeoutMs = unaryTimeoutMs
    const ca = options.tls?.ca
    const roots =
      ca === undefined
        ? null
        : Buffer.concat((Array.isArray(ca) ? ca : [ca]).map((c) => Buffer.from(c as string)))
    const channel = target.tls
      ? credentials.createSsl(roots, null, null, {
          rejectUnauthorized: options.tls?.rejectUnauthorized ?? true,
        })
      : credentials.createInsecure()
    const Client = grpc.makeGenericClientConstructor(flightProtocol().service, 'FlightService')
    this.#client = new Client(target.address, channel, {
      // Record batches are far larger than gRPC's 4 MiB default.
      'grpc.max_receive_message_length': -1,
      'grpc.max_send_message_length': 16 * MiB,
      // No keepalive pings: gRPC servers (grpc-java's default permitKeepAliveTime is 5 min)
      // answer more frequent pings with GOAWAY too_many_pings.
      // HTTP/2's default 64 KiB window costs a WINDOW_UPDATE round trip per 64 KiB of batches;
      // a larger one keeps the stream flowing while still bounding what is buffered.
      'grpc-node.flow_control_window': 8 * MiB,
    })
  }

  /**
   * Resolves once the channel is connected; rejects as soon as a connection attempt fails
   * (refused, TLS, DNS) or after `timeoutMs`.
   */
  ready(timeoutMs: number): Promise<void> {
    const channel = this.#client.getChannel()
    const deadline = Date.now() + timeoutMs
    const { READY, TRANSIENT_FAILURE, SHUTDOWN } = grpc.connectivityState
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const state = channel.getConnectivityState(true)
        if (state === READY) {
          resolve()
          return
        }
        if (state === TRANSIENT_FAILURE || state === SHUTDOWN) {
          const url = this.target.url
          reject(new DremioError('DF_DREMIO_CONNECTION', `Cannot reach Flight at ${url}.`))
          return
        }
        channel.watchConnectivityState(state, deadline, (error) => {
          if (!error) {
            check()
            return
          }
          const message = `Flight at ${this.target.url} did not answer within ${timeoutMs} ms.`
          reject(new DremioError('DF_DREMIO_TIMEOUT', message))
        })
      }
      check()
    })
  }

  /** Closes the channel. */
  close(): void {
    this.#client.close()
  }

  /** Call metadata for `scope`: auth, session cookie and default schema. */
  async metadata(scope: CallScope): Promise<Metadata> {
    const md = new Metadata()
    md.set('authorization', await this.#authorization(scope))
    const key = sessionKey(scope.context)
    if (scope.context !== undefined && scope.context.length > 0) md.set('schema', key)
    const cookie = await this.#session(key, scope)
    if (cookie !== undefined) md.set('cookie', cookie)
    return md
  }

  /** Keeps a `SESSION_ID` cookie Dremio set on a call made for `scope`. */
  remember(scope: CallScope, headers: Metadata): void {
    const cookie = cookieOf(headers)
    if (cookie === undefined) return
    const key = sessionKey(scope.context)
    this.#sessions.delete(key)
    this.#sessions.set(key, Promise.resolve(cookie))
    for (const old of this.#sessions.keys()) {
      if (this.#sessions.size <= SESSION_LIMIT) break
      this.#sessions.delete(old)
    }
  }

  /** Drops what a rejected call used, so the next attempt authenticates again. */
  forget(scope: CallScope): void {
    this.#bearer = undefined
    this.#sessions.delete(sessionKey(scope.context))
  }

  /** Whether a failed call is worth one retry with fresh credentials. */
  canRenew(error: unknown): boolean {
    return (
      this.#basic !== undefined &&
      (error as { grpcCode?: number }).grpcCode === grpc.status.UNAUTHENTICATED
    )
  }

  /** The underlying grpc-js client, for the stream reader. */
  get client(): grpc.Client {
    return this.#client
  }

  /** Options of a unary call: deadline and cancellation. */
  callOptions(scope: CallScope, unary: boolean): grpc.CallOptions {
    const deadline = unary
      ? Math.min(scope.deadline ?? Infinity, Date.now() + this.#unaryTimeoutMs)
      : scope.deadline
    return deadline !== undefined && Number.isFinite(deadline) ? { deadline } : {}
  }

  /** Maps a grpc-js failure to a typed error (an abort wins over whatever gRPC reported). */
  error(error: unknown, call: FlightCall, scope: CallScope): DremioError {
    if (scope.signal?.aborted) return abortedError(scope.signal)
    if (DremioError.is(error)) return error
    const e = error as Partial<ServiceError>
    const grpcCode = typeof e.code === 'number' ? e.code : grpc.status.UNKNOWN
    const errorMessage = e.details ?? (error instanceof Error ? error.message : String(error))
    // Not the ServiceError itself: its metadata holds the server's headers, and Dremio echoes
    // `authorization: Bearer <token>` (and the session cookie) there.
    const cause = Object.assign(new Error(errorMessage), { code: grpcCode })
    return new DremioFlightError({
      grpcCode,
      errorMessage,
      call,
      target: this.target.url,
      ...(scope.sql ? { sql: scope.sql } : {}),
      cause,
    })
  }

  async #authorization(scope: CallScope): Promise<string> {
    if (this.#pat !== undefined) return `Bearer ${this.#pat}`
    this.#bearer ??= this.#handshake(scope).catch((error: unknown) => {
      this.#bearer = undefined
      throw error
    })
    return this.#bearer
  }

  /** Flight basic-auth handshake: Basic credentials in, Dremio's bearer token out (a header). */
  #handshake(scope: CallScope): Promise<string> {
    const md = new Metadata()
    md.set('authorization', `Basic ${this.#basic as string}`)
    return new Promise<string>((resolve, reject) => {
      const method = flightProtocol().service.Handshake as grpc.MethodDefinition<object, unknown>
      const call: ClientDuplexStream<object, unknown> = this.#client.makeBidiStreamRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        md,
        this.callOptions(scope, true),
      )
      let token: string | undefined
      const take = (headers: Metadata): void => {
        const value = headers.get('authorization')[0]
        if (typeof value === 'string' && /^bearer /i.test(value)) token = value.slice(7).trim()
      }
      call.on('metadata', take)
      call.on('data', () => {})
      call.on('status', (status) => take(status.metadata))
      call.on('error', (error) => reject(this.error(error, 'Handshake', scope)))
      call.on('end', () => {
        if (token) resolve(`Bearer ${token}`)
        else
          reject(
            new DremioError(
              'DF_DREMIO_PROTOCOL',
              `The Flight handshake with ${this.target.url} returned no bearer token.`,
            ),
          )
      })
      call.end()
    })
  }

  /** The session cookie for `key`, binding a new Cloud session to the project first. */
  #session(key: string, scope: CallScope): Promise<string | undefined> {
    const known = this.#sessions.get(key)
    if (known !== undefined) return known
    if (this.#projectId === undefined) return Promise.resolve(undefined)
    const pending = this.#bindProject(scope).catch((error: unknown) => {
      this.#sessions.delete(key)
      throw error
    })
    this.#sessions.set(key, pending)
    return pending
  }

  /** `SetSessionOptions { project_id }`; resolves with the cookie of the session it created. */
  async #bindProject(scope: CallScope): Promise<string | undefined> {
    const protocol = flightProtocol()
    const md = new Metadata()
    md.set('authorization', await this.#authorization(scope))
    if (scope.context !== undefined && scope.context.length > 0)
      md.set('schema', sessionKey(scope.context))
    const body = protocol.encodeSetSessionOptions({
      sessionOptions: { project_id: { stringValue: this.#projectId as string } },
    })
    let cookie: string | undefined
    const results: ResultMessage[] = []
    await new Promise<void>((resolve, reject) => {
      const method = protocol.service.DoAction as grpc.MethodDefinition<object, ResultMessage>
      const call = this.#client.makeServerStreamRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        { type: 'SetSessionOptions', body },
        md,
        this.callOptions(scope, true),
      )
      call.on('metadata', (headers) => {
        cookie = cookieOf(headers) ?? cookie
      })
      call.on('data', (result: ResultMessage) => results.push(result))
      call.on('error', (error) => reject(this.error(error, 'DoAction', scope)))
      call.on('end', resolve)
    })
    const errors = results[0]?.body
      ? (protocol.decodeSetSessionOptionsResult(results[0].body).errors ?? {})
      : {}
    if (errors.project_id !== undefined) {
      throw new DremioError(
        'DF_DREMIO_NOT_FOUND',
        `Dremio Cloud did not accept project ${this.#projectId} for the Flight session (SetSessionOptions error ${errors.project_id.value ?? 0}).`,
      )
    }
    this.#logger?.debug?.('Flight session bound to the project', { target: this.target.url })
    return cookie
  }
}

function sessionKey(context: readonly string[] | undefined): string {
  return context === undefined || context.length === 0 ? '' : quotePath(context)
}

/** `SESSION_ID=…` (and any other cookies) from `set-cookie` headers, as a `cookie` value. */
function cookieOf(headers: Metadata): string | undefined {
  const pairs = headers
    .get('set-cookie')
    .map((v) => String(v).split(';')[0]?.trim() ?? '')
    .filter((p) => p.includes('='))
  return pairs.length > 0 ? pairs.join('; ') : undefined
}

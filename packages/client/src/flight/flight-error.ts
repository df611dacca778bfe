/**
 * Arrow Flight failures as typed `@df/client` errors. A gRPC status maps to the same codes the
 * REST client uses (UNAUTHENTICATED -> DF_DREMIO_UNAUTHORIZED, a query Dremio rejects or fails ->
 * DF_DREMIO_JOB_FAILED, …) and the message carries Dremio's own text (the status details), never
 * call metadata, so tokens and passwords cannot leak into it.
 */
import { status as GrpcStatus } from '@grpc/grpc-js'
import { DremioError, type DremioErrorCode, sqlExcerpt } from '../errors.js'

/** The Flight call that failed. */
export type FlightCall = 'Handshake' | 'GetFlightInfo' | 'DoGet' | 'DoAction'

/** A Flight call failed: gRPC status, Dremio's message and the call are kept. */
export class DremioFlightError extends DremioError {
  override readonly name: string = 'DremioFlightError'
  /** The gRPC status code (`UNAUTHENTICATED` = 16, `INVALID_ARGUMENT` = 3, …). */
  readonly grpcCode: number
  /** The gRPC status name, e.g. `INVALID_ARGUMENT`. */
  readonly grpcStatus: string
  /** Dremio's message (the status details), or the transport's when Dremio sent none. */
  readonly errorMessage: string
  /** The Flight call: `Handshake`, `GetFlightInfo`, `DoGet` or `DoAction`. */
  readonly call: FlightCall
  /** `grpc://host:port` of the endpoint. */
  readonly target: string
  /** First 200 characters of the SQL, on one line (empty for calls without SQL). */
  readonly sqlExcerpt: string

  constructor(init: {
    grpcCode: number
    errorMessage: string
    call: FlightCall
    target: string
    sql?: string
    cause?: unknown
  }) {
    const code = codeFor(init.grpcCode, init.call)
    const statusName = GrpcStatus[init.grpcCode] ?? `status ${init.grpcCode}`
    const excerpt = init.sql ? sqlExcerpt(init.sql) : ''
    const what = code === 'DF_DREMIO_JOB_FAILED' ? 'Query failed' : `Flight ${init.call} failed`
    super(
      code,
      `${what} (${statusName} from ${init.target}): ${init.errorMessage || '(no message)'}${excerpt ? ` (SQL: ${excerpt})` : ''}`,
      { cause: init.cause, retryable: RETRYABLE.has(init.grpcCode) },
    )
    this.grpcCode = init.grpcCode
    this.grpcStatus = statusName
    this.errorMessage = init.errorMessage
    this.call = init.call
    this.target = init.target
    this.sqlExcerpt = excerpt
  }
}

const RETRYABLE = new Set<number>([GrpcStatus.UNAVAILABLE, GrpcStatus.RESOURCE_EXHAUSTED])

function codeFor(grpcCode: number, call: FlightCall): DremioErrorCode {
  switch (grpcCode) {
    case GrpcStatus.UNAUTHENTICATED:
      return 'DF_DREMIO_UNAUTHORIZED'
    case GrpcStatus.PERMISSION_DENIED:
      return 'DF_DREMIO_FORBIDDEN'
    case GrpcStatus.NOT_FOUND:
      return 'DF_DREMIO_NOT_FOUND'
    case GrpcStatus.ALREADY_EXISTS:
      return 'DF_DREMIO_CONFLICT'
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return 'DF_DREMIO_RATE_LIMITED'
    case GrpcStatus.UNAVAILABLE:
      return 'DF_DREMIO_CONNECTION'
    case GrpcStatus.DEADLINE_EXCEEDED:
      return 'DF_DREMIO_TIMEOUT'
    case GrpcStatus.CANCELLED:
      return 'DF_DREMIO_JOB_CANCELLED'
    case GrpcStatus.UNIMPLEMENTED:
      return 'DF_DREMIO_PROTOCOL'
    // Dremio answers PARSE/VALIDATION errors with INVALID_ARGUMENT and other query failures with
    // INTERNAL (DremioFlightErrorMapper): for the calls that plan or run SQL, the query failed.
    case GrpcStatus.INVALID_ARGUMENT:
      return call === 'GetFlightInfo' || call === 'DoGet'
        ? 'DF_DREMIO_JOB_FAILED'
        : 'DF_DREMIO_BAD_REQUEST'
    case GrpcStatus.INTERNAL:
    case GrpcStatus.UNKNOWN:
      return call === 'DoGet' || call === 'GetFlightInfo'
        ? 'DF_DREMIO_JOB_FAILED'
        : 'DF_DREMIO_SERVER'
    default:
      return 'DF_DREMIO_SERVER'
  }
}

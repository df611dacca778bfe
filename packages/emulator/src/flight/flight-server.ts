/**
 * The emulator's Arrow Flight endpoint (Dremio's legacy Flight path): `GetFlightInfo` with the
 * SQL as a CMD descriptor plans the statement and answers with its schema and one ticket;
 * `DoGet` on the ticket runs a job (queryType FLIGHT, visible through REST and `emulator.jobs`)
 * and streams DuckDB's result as Arrow record batches with backpressure. Cancelling the call
 * cancels the job (CANCELED); `Handshake` and every call authenticate as flight-sessions.ts says;
 * `DoAction("SetSessionOptions")` binds the session to the Cloud project.
 */
import { randomUUID } from 'node:crypto'
import { flightProtocol } from '@df/client'
import type { DuckDBConnection, DuckDBDataChunk, DuckDBResult, DuckDBType } from '@duckdb/node-api'
import * as grpc from '@grpc/grpc-js'
import type { Auth } from '../internal/auth.js'
import type { JobRecord, Jobs } from '../internal/jobs.js'
import { SqlError } from '../internal/sql-translate.js'
import { chunksToBatch, flightSchema } from './arrow-batches.js'
import { batchMessages, encapsulatedSchema, schemaMessage } from './flight-data.js'
import { type CallAuth, callError, FlightSessions } from './flight-sessions.js'

/** What the Flight endpoint needs from the emulator. */
export interface FlightBackend {
  auth: Auth
  jobs: Jobs
  projectId: string
  /** Plans a statement: a query's columns, or undefined for other statements. */
  plan(
    sql: string,
    context: readonly string[] | undefined,
  ): Promise<{ names: string[]; types: DuckDBType[] } | undefined>
  /** Runs a statement on `conn` for typed results. */
  execute(
    conn: DuckDBConnection,
    sql: string,
    context: readonly string[] | undefined,
  ): Promise<DuckDBResult>
}

/** A running Flight endpoint. */
export interface FlightEndpoint {
  port: number
  url: string
  close(): Promise<void>
}

/** Rows per record batch sent (DuckDB chunks of 2,048 rows are gathered up to this). */
const BATCH_ROWS = 32_768
const TICKETS = 1_000
const MiB = 1024 * 1024

interface Prepared {
  sql: string
  context: readonly string[] | undefined
  user: string
}

type Unary = grpc.ServerUnaryCall<Record<string, unknown>, unknown>
type ServerStream = grpc.ServerWritableStream<Record<string, unknown>, unknown>

/** Starts the Flight endpoint on `host:port` (0 = any free port), plain or with TLS. */
export async function startFlightServer(
  backend: FlightBackend,
  options: {
    host: string
    port: number
    tls?: { key: string | Buffer; cert: string | Buffer } | undefined
  },
): Promise<FlightEndpoint> {
  const sessions = new FlightSessions(backend.auth)
  const prepared = new Map<string, Prepared>()
  const server = new grpc.Server({
    'grpc.max_send_message_length': -1,
    'grpc.max_receive_message_length': 16 * MiB,
  })
  const protocol = flightProtocol()
  const authenticate = (call: { metadata: grpc.Metadata }): CallAuth =>
    sessions.authenticate(call.metadata)

  server.addService(protocol.service, {
    Handshake(call: grpc.ServerDuplexStream<unknown, unknown>) {
      let auth: CallAuth
      try {
        auth = authenticate(call)
      } catch (error) {
        call.emit('error', error)
        return
      }
      call.sendMetadata(auth.headers)
      call.on('data', () => {})
      call.on('end', () => call.end())
    },
    async GetFlightInfo(call: Unary, callback: grpc.sendUnaryData<unknown>) {
      let auth: CallAuth | undefined
      try {
        auth = authenticate(call)
        const descriptor = call.request
        if (descriptor.type !== 2) {
          throw callError(
            grpc.status.INVALID_ARGUMENT,
            'Only CMD descriptors (SQL text) are supported.',
          )
        }
        const sql = Buffer.from((descriptor.cmd as Uint8Array | undefined) ?? []).toString('utf8')
        const context = auth.session.schema
        let planned: Awaited<ReturnType<FlightBackend['plan']>>
        try {
          planned = await backend.plan(sql, context)
        } catch (error) {
          throw callError(grpc.status.INVALID_ARGUMENT, messageOf(error))
        }
        const handle = randomUUID()
        prepared.set(handle, { sql, context, user: auth.user })
        if (prepared.size > TICKETS) prepared.delete(prepared.keys().next().value as string)
        call.sendMetadata(auth.headers)
        callback(null, {
          schema: planned
            ? encapsulatedSchema(flightSchema(planned.names, planned.types))
            : new Uint8Array(),
          flightDescriptor: descriptor,
          endpoint: [{ ticket: { ticket: Buffer.from(handle) } }],
          totalRecords: -1,
          totalBytes: -1,
        })
      } catch (error) {
        // A failure before any response is a trailers-only answer: the headers Dremio's auth
        // middleware adds (bearer token, session cookie) travel in the trailers.
        callback(asServiceError(error, auth?.headers))
      }
    },
    DoGet(call: ServerStream) {
      let auth: CallAuth
      let statement: Prepared | undefined
      try {
        auth = authenticate(call)
        statement = prepared.get(
          Buffer.from((call.request.ticket as Uint8Array | undefined) ?? []).toString(),
        )
        if (statement === undefined || statement.user !== auth.user) {
          throw callError(
            grpc.status.INVALID_ARGUMENT,
            'Invalid PreparedStatementTicket used in getStream.',
          )
        }
      } catch (error) {
        call.emit('error', asServiceError(error))
        return
      }
      call.sendMetadata(auth.headers)
      const { sql, context } = statement
      let failure: grpc.ServiceError | undefined
      const job = backend.jobs.runExternal(sql, context, auth.user, async (conn, record) => {
        try {
          return await stream(call, record, await backend.execute(conn, sql, context))
        } catch (error) {
          const code =
            error instanceof SqlError ? grpc.status.INVALID_ARGUMENT : grpc.status.INTERNAL
          failure = asServiceError(callError(code, messageOf(error)))
          throw error
        }
      })
      call.on('cancelled', () => backend.jobs.cancel(job.id))
      void job.done.then(() => {
        if (call.cancelled) return
        if (job.state === 'COMPLETED') call.end()
        else if (job.state === 'CANCELED')
          call.emit(
            'error',
            asServiceError(callError(grpc.status.CANCELLED, job.cancellationReason)),
          )
        else
          call.emit(
            'error',
            failure ?? asServiceError(callError(grpc.status.INTERNAL, job.errorMessage)),
          )
      })
    },
    DoAction(call: ServerStream) {
      try {
        const auth = authenticate(call)
        call.sendMetadata(auth.headers)
        if (call.request.type !== 'SetSessionOptions') {
          throw callError(
            grpc.status.UNIMPLEMENTED,
            `doAction ${String(call.request.type)} is not implemented.`,
          )
        }
        const request = protocol.decodeSetSessionOptions(
          (call.request.body as Uint8Array | undefined) ?? new Uint8Array(),
        )
        const errors: Record<string, { value: number }> = {}
        for (const [name, value] of Object.entries(request.sessionOptions ?? {})) {
          if (name !== 'project_id') errors[name] = { value: 1 }
          else if (value.stringValue !== backend.projectId) errors[name] = { value: 2 }
          else auth.session.projectId = value.stringValue
        }
        call.write({ body: protocol.encodeSetSessionOptionsResult({ errors }) })
        call.end()
      } catch (error) {
        call.emit('error', asServiceError(error))
      }
    },
  })
  const credentials = options.tls
    ? grpc.ServerCredentials.createSsl(null, [
        { private_key: Buffer.from(options.tls.key), cert_chain: Buffer.from(options.tls.cert) },
      ])
    : grpc.ServerCredentials.createInsecure()
  const host = options.host.includes(':') ? `[${options.host}]` : options.host
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${options.port}`, credentials, (error, bound) =>
      error ? reject(error) : resolve(bound),
    )
  })
  return {
    port,
    url: `${options.tls ? 'grpc+tls' : 'grpc'}://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve())
        // Streams still open (a client that stopped reading) must not hold the emulator open.
        setTimeout(() => server.forceShutdown(), 200).unref()
      }),
  }
}

/** Streams `result` as FlightData; resolves with the row count. */
async function stream(call: ServerStream, job: JobRecord, result: DuckDBResult): Promise<number> {
  const types = result.columnTypes()
  const schema = flightSchema(result.columnNames(), types)
  let rows = 0
  let first = true
  let pending: DuckDBDataChunk[] = []
  let pendingRows = 0
  const flush = async (): Promise<void> => {
    const messages = batchMessages(chunksToBatch(schema, types, pending), first)
    first = false
    pending = []
    pendingRows = 0
    for (const message of messages) {
      if (!call.write(message)) await drained(call, job)
      if (job.cancelRequested || call.cancelled) throw new Error('Query cancelled by the client.')
    }
  }
  // DuckDB produces the next chunk (on its own threads) while this one is converted and sent.
  let next = result.fetchChunk()
  for (;;) {
    const chunk = await next
    if (chunk === null || chunk.rowCount === 0) break
    next = result.fetchChunk()
    // An abandoned fetch (cancel) rejects with DuckDB's interrupt: nobody waits for it.
    next.catch(() => {})
    if (job.cancelRequested || call.cancelled) throw new Error('Query cancelled by the client.')
    pending.push(chunk)
    pendingRows += chunk.rowCount
    rows += chunk.rowCount
    if (pendingRows >= BATCH_ROWS) await flush()
  }
  if (pendingRows > 0) await flush()
  if (first) call.write(schemaMessage(schema))
  return rows
}

function drained(call: ServerStream, job: JobRecord): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      call.off('drain', done)
      call.off('cancelled', done)
      job.wake = undefined
      resolve()
    }
    // A cancel that came first would never be followed by 'drain'.
    if (job.cancelRequested || call.cancelled) return resolve()
    call.on('drain', done)
    call.on('cancelled', done)
    // Jobs.cancel wakes the job: a cancelled stream stops waiting for a reader that left.
    job.wake = done
  })
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.trim() === '' ? 'Something went wrong.' : message
}

function asServiceError(error: unknown, metadata = new grpc.Metadata()): grpc.ServiceError {
  const e = error as Partial<grpc.ServiceError>
  const known = typeof e?.code === 'number' && typeof e.details === 'string'
  const details = known ? (e.details as string) : messageOf(error)
  const code = known ? (e.code as number) : grpc.status.INTERNAL
  return Object.assign(new Error(details), { code, details, metadata })
}

/**
 * A query over Arrow Flight, the way Dremio serves it: `GetFlightInfo` with the SQL as a CMD
 * descriptor (Dremio plans the query and answers with a ticket), then `DoGet` on that ticket
 * (Dremio runs the job and streams its record batches). The FlightData messages are framed back
 * into an Arrow IPC stream and decoded by apache-arrow's `RecordBatchReader`; bodies are not
 * copied. Breaking out of the iteration, or the AbortSignal, cancels the call, and Dremio cancels
 * the job. Dremio's Flight endpoint does not report the job id (use the REST transport for it).
 */

import type * as grpc from '@grpc/grpc-js'
import type { ClientReadableStream, Metadata } from '@grpc/grpc-js'
import { makeData, RecordBatch, RecordBatchReader, type Schema, Struct } from 'apache-arrow'
import { DremioError } from '../errors.js'
import { abortedError } from '../internal/retry.js'
import type { CallScope, FlightConnection } from './connection.js'
import type { FlightDataMessage, FlightInfoMessage } from './protocol.js'
import { flightProtocol } from './protocol.js'

/** `FlightDescriptor.DescriptorType.CMD`. */
const CMD = 2
/** Arrow IPC continuation marker. */
const CONTINUATION = 0xffffffff

/** Streams the record batches of `sql` from Dremio's Flight endpoint. */
export async function* flightBatches(
  conn: FlightConnection,
  sql: string,
  scope: CallScope,
): AsyncGenerator<RecordBatch> {
  if (scope.signal?.aborted) throw abortedError(scope.signal)
  const info = await withRenewal(conn, scope, () => getFlightInfo(conn, sql, scope))
  const endpoints = info.endpoint ?? []
  if (endpoints.length === 0) {
    throw new DremioError(
      'DF_DREMIO_PROTOCOL',
      `GetFlightInfo from ${conn.target.url} returned no endpoint.`,
    )
  }
  // Every endpoint's ticket is redeemed on this channel: Dremio lists itself, or nothing.
  for (const endpoint of endpoints) {
    const ticket = endpoint.ticket?.ticket
    if (ticket === undefined) {
      throw new DremioError(
        'DF_DREMIO_PROTOCOL',
        `GetFlightInfo from ${conn.target.url} returned an endpoint without a ticket.`,
      )
    }
    yield* doGet(conn, ticket, scope)
  }
}

/** Retries `fn` once with fresh credentials when a password login's token was rejected. */
async function withRenewal<T>(
  conn: FlightConnection,
  scope: CallScope,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    if (!conn.canRenew(error)) throw error
    conn.forget(scope)
    return fn()
  }
}

async function getFlightInfo(
  conn: FlightConnection,
  sql: string,
  scope: CallScope,
): Promise<FlightInfoMessage> {
  const metadata = await conn.metadata(scope)
  const method = flightProtocol().service.GetFlightInfo as grpc.MethodDefinition<
    object,
    FlightInfoMessage
  >
  return new Promise((resolve, reject) => {
    const call = conn.client.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      { type: CMD, cmd: Buffer.from(sql, 'utf8') },
      metadata,
      conn.callOptions(scope, true),
      (error, info) => {
        scope.signal?.removeEventListener('abort', onAbort)
        if (error) reject(conn.error(error, 'GetFlightInfo', scope))
        else resolve(info as FlightInfoMessage)
      },
    )
    const onAbort = (): void => call.cancel()
    scope.signal?.addEventListener('abort', onAbort, { once: true })
    call.on('metadata', (headers: Metadata) => conn.remember(scope, headers))
  })
}

async function* doGet(
  conn: FlightConnection,
  ticket: Uint8Array,
  scope: CallScope,
): AsyncGenerator<RecordBatch> {
  const metadata = await conn.metadata(scope)
  const method = flightProtocol().service.DoGet as grpc.MethodDefinition<object, FlightDataMessage>
  const call: ClientReadableStream<FlightDataMessage> = conn.client.makeServerStreamRequest(
    method.path,
    method.requestSerialize,
    method.responseDeserialize,
    { ticket },
    metadata,
    conn.callOptions(scope, false),
  )
  call.on('metadata', (headers: Metadata) => conn.remember(scope, headers))
  const onAbort = (): void => call.cancel()
  scope.signal?.addEventListener('abort', onAbort, { once: true })
  let finished = false
  try {
    const reader = await RecordBatchReader.from(ipcStream(call, conn, scope))
    let batches = 0
    for await (const batch of reader) {
      batches++
      yield batch
    }
    finished = true
    if (batches === 0) {
      if (reader.schema === undefined) {
        throw new DremioError(
          'DF_DREMIO_PROTOCOL',
          `The Flight stream from ${conn.target.url} carried no schema.`,
        )
      }
      yield emptyBatch(reader.schema)
    }
  } catch (error) {
    throw conn.error(error, 'DoGet', scope)
  } finally {
    scope.signal?.removeEventListener('abort', onAbort)
    // Stopped early (break, error, abort): cancel the call, so Dremio cancels the job.
    if (!finished) call.cancel()
  }
}

/**
 * FlightData -> Arrow IPC stream bytes: each message becomes the continuation marker, the
 * 8-byte-aligned metadata length, the flatbuffer header, padding, then the body as received.
 */
async function* ipcStream(
  call: ClientReadableStream<FlightDataMessage>,
  conn: FlightConnection,
  scope: CallScope,
): AsyncGenerator<Uint8Array> {
  try {
    for await (const message of call as AsyncIterable<FlightDataMessage>) {
      const header = message.dataHeader
      if (header === undefined || header.byteLength === 0) continue
      const padded = Math.ceil(header.byteLength / 8) * 8
      const prefix = Buffer.alloc(8 + padded)
      prefix.writeUInt32LE(CONTINUATION, 0)
      prefix.writeInt32LE(padded, 4)
      prefix.set(header, 8)
      yield prefix
      const body = message.dataBody
      if (body !== undefined && body.byteLength > 0) yield body
    }
  } catch (error) {
    throw conn.error(error, 'DoGet', scope)
  }
}

/** A zero-row batch of `schema` (a result with no rows still has its columns). */
function emptyBatch(schema: Schema): RecordBatch {
  const children = schema.fields.map((f) => makeData({ type: f.type, length: 0 }))
  return new RecordBatch(
    schema,
    makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children }),
  )
}

/**
 * The Arrow Flight RPC protocol as gRPC service definitions, built from the vendored
 * `proto/flight.proto` by protobufjs (a maintained loader; no hand-rolled bytes). Shared by the
 * client and by `@df/emulator`'s Flight server, so both speak exactly the same messages.
 * Decoded `bytes` fields are Buffers that view the received gRPC message (no copy).
 */
import { fileURLToPath } from 'node:url'
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js'
import protobuf from 'protobufjs'
import { FLIGHT_PROTO_TEXT } from './flight-proto-text.js'

/**
 * Absolute path of the vendored `flight.proto` (package `arrow.flight.protocol`), for tools that
 * want the file; the client itself parses the same text compiled into it.
 */
export const FLIGHT_PROTO_PATH: string = fileURLToPath(
  new URL('../../proto/flight.proto', import.meta.url),
)

/** `FlightDescriptor`: `type` 2 (CMD) carries the SQL text as UTF-8 in `cmd`. */
export interface FlightDescriptorMessage {
  type?: number
  cmd?: Uint8Array
  path?: string[]
}

/** One endpoint of a `FlightInfo`: the ticket to redeem with DoGet, and where. */
export interface FlightEndpointMessage {
  ticket?: { ticket?: Uint8Array }
  location?: { uri?: string }[]
}

/** `FlightInfo`: the answer of GetFlightInfo. */
export interface FlightInfoMessage {
  schema?: Uint8Array
  flightDescriptor?: FlightDescriptorMessage
  endpoint?: FlightEndpointMessage[]
  totalRecords?: number
  totalBytes?: number
  ordered?: boolean
}

/** `FlightData`: one IPC message (flatbuffer header and body) of a DoGet stream. */
export interface FlightDataMessage {
  dataHeader?: Uint8Array
  appMetadata?: Uint8Array
  dataBody?: Uint8Array
}

/** `Action` / `Result` of DoAction. */
export interface ActionMessage {
  type?: string
  body?: Uint8Array
}
export interface ResultMessage {
  body?: Uint8Array
}

/** `HandshakeRequest` / `HandshakeResponse`. */
export interface HandshakeMessage {
  protocolVersion?: number
  payload?: Uint8Array
}

/** A session option value; Dremio Cloud's `project_id` is a `stringValue`. */
export interface SessionOptionValueMessage {
  stringValue?: string
  boolValue?: boolean
  int64Value?: number
  doubleValue?: number
  stringListValue?: { values?: string[] }
}

/** Body of the `SetSessionOptions` action, and its result. */
export interface SetSessionOptionsRequestMessage {
  sessionOptions?: Record<string, SessionOptionValueMessage>
}
export interface SetSessionOptionsResultMessage {
  errors?: Record<string, { value?: number }>
}

/** The protocol's message codecs and the FlightService definition for grpc-js. */
export interface FlightProtocol {
  service: ServiceDefinition
  encodeSetSessionOptions(request: SetSessionOptionsRequestMessage): Buffer
  decodeSetSessionOptions(request: Uint8Array): SetSessionOptionsRequestMessage
  encodeSetSessionOptionsResult(result: SetSessionOptionsResultMessage): Buffer
  decodeSetSessionOptionsResult(bytes: Uint8Array): SetSessionOptionsResultMessage
}

let cached: FlightProtocol | undefined

/** Loads `flight.proto` once per process. */
export function flightProtocol(): FlightProtocol {
  if (cached) return cached
  const { root } = protobuf.parse(FLIGHT_PROTO_TEXT)
  const type = (name: string): protobuf.Type => root.lookupType(`arrow.flight.protocol.${name}`)
  const encoder =
    (t: protobuf.Type) =>
    (value: unknown): Buffer => {
      const bytes = t.encode(t.fromObject(value as object)).finish()
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    }
  // Messages are plain decoded instances: bytes stay Buffers, 64-bit ints become numbers.
  const decoder =
    (t: protobuf.Type) =>
    <T>(bytes: Uint8Array): T =>
      t.toObject(t.decode(bytes), { longs: Number, defaults: false, arrays: true }) as T
  const method = (
    name: string,
    request: string,
    response: string,
    stream: { request?: boolean; response?: boolean },
  ): MethodDefinition<object, unknown> => {
    const req = type(request)
    const res = type(response)
    return {
      path: `/arrow.flight.protocol.FlightService/${name}`,
      requestStream: stream.request === true,
      responseStream: stream.response === true,
      requestSerialize: encoder(req),
      requestDeserialize: decoder(req),
      responseSerialize: encoder(res),
      responseDeserialize: decoder(res),
    }
  }
  const flightData = type('FlightData')
  const sessionRequest = type('SetSessionOptionsRequest')
  const sessionResult = type('SetSessionOptionsResult')
  cached = {
    service: {
      Handshake: method('Handshake', 'HandshakeRequest', 'HandshakeResponse', {
        request: true,
        response: true,
      }),
      GetFlightInfo: method('GetFlightInfo', 'FlightDescriptor', 'FlightInfo', {}),
      // FlightData is read field by field (no toObject): the body Buffer is a view, not a copy.
      DoGet: {
        ...method('DoGet', 'Ticket', 'FlightData', { response: true }),
        responseSerialize: (value: unknown) => {
          const bytes = flightData.encode(value as object).finish()
          return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
        },
        responseDeserialize: (bytes: Buffer) => flightData.decode(bytes),
      },
      DoAction: method('DoAction', 'Action', 'Result', { response: true }),
    },
    encodeSetSessionOptions: encoder(sessionRequest),
    decodeSetSessionOptions: decoder(sessionRequest),
    encodeSetSessionOptionsResult: encoder(sessionResult),
    decodeSetSessionOptionsResult: decoder(sessionResult),
  }
  return cached
}

/**
 * Arrow IPC messages as Flight sends them: apache-arrow writes the IPC stream, and each message
 * (continuation marker, metadata length, flatbuffer header, body) becomes one FlightData with the
 * header in `data_header` and the body in `data_body`. FlightInfo's `schema` is the encapsulated
 * Schema message itself.
 */
import { Message, type RecordBatch, type Schema, Table, tableToIPC } from 'apache-arrow'

/** One FlightData message (field names as protobufjs uses them). */
export interface FlightDataOut {
  dataHeader: Uint8Array
  dataBody: Uint8Array
}

/** The IPC messages of an Arrow stream (schema first, then record batches; EOS dropped). */
function messages(ipc: Uint8Array): FlightDataOut[] {
  const out: FlightDataOut[] = []
  const view = new DataView(ipc.buffer, ipc.byteOffset, ipc.byteLength)
  let at = 0
  while (at + 8 <= ipc.byteLength) {
    let length = view.getInt32(at, true)
    let start = at + 4
    // Streams since Arrow 0.15 prefix each message with 0xFFFFFFFF.
    if (length === -1) {
      length = view.getInt32(at + 4, true)
      start = at + 8
    }
    if (length === 0) break
    const dataHeader = ipc.subarray(start, start + length)
    const bodyLength = Number(Message.decode(dataHeader).bodyLength)
    const dataBody = ipc.subarray(start + length, start + length + bodyLength)
    out.push({ dataHeader, dataBody })
    at = start + length + bodyLength
  }
  return out
}

/** The FlightData of one record batch; with `withSchema` the schema message comes first. */
export function batchMessages(batch: RecordBatch, withSchema: boolean): FlightDataOut[] {
  const all = messages(tableToIPC(new Table([batch]), 'stream'))
  return withSchema ? all : all.slice(1)
}

/** The schema message alone, as the first FlightData of an empty stream. */
export function schemaMessage(schema: Schema): FlightDataOut {
  return messages(tableToIPC(new Table(schema), 'stream'))[0] as FlightDataOut
}

/** `FlightInfo.schema`: the encapsulated Schema message (0xFFFFFFFF, length, flatbuffer). */
export function encapsulatedSchema(schema: Schema): Uint8Array {
  const header = schemaMessage(schema).dataHeader
  const out = new Uint8Array(8 + header.byteLength)
  const view = new DataView(out.buffer)
  view.setUint32(0, 0xffffffff, true)
  view.setInt32(4, header.byteLength, true)
  out.set(header, 8)
  return out
}

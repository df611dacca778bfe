/**
 * The Flight endpoint's wire behaviour over real gRPC, with grpc-js and the Flight protocol
 * definitions only (no @df/client logic): Dremio's legacy flow (CMD descriptor -> FlightInfo with
 * one ticket -> DoGet stream of IPC messages), auth2 headers, SESSION_ID cookies, SetSessionOptions.
 */
import { flightProtocol } from '@df/client'
import * as grpc from '@grpc/grpc-js'
import { Message, RecordBatchReader } from 'apache-arrow'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../src/index.js'
import { PAT, start } from './helpers.js'

let emu: Emulator
let client: grpc.Client
const protocol = flightProtocol()
const method = (name: string) =>
  protocol.service[name] as grpc.MethodDefinition<object, Record<string, unknown>>

beforeAll(async () => {
  emu = await start({ flightPort: 0 })
  const Client = grpc.makeGenericClientConstructor(protocol.service, 'FlightService')
  client = new Client(`127.0.0.1:${emu.flightPort}`, grpc.credentials.createInsecure())
})

afterAll(async () => {
  client.close()
  await emu.close()
})

function md(headers: Record<string, string>): grpc.Metadata {
  const m = new grpc.Metadata()
  for (const [k, v] of Object.entries(headers)) m.set(k, v)
  return m
}

function flightInfo(sql: string, headers: Record<string, string>) {
  const m = method('GetFlightInfo')
  let responseHeaders = new grpc.Metadata()
  return new Promise<{ info: Record<string, unknown>; headers: grpc.Metadata }>(
    (resolve, reject) => {
      const call = client.makeUnaryRequest(
        m.path,
        m.requestSerialize,
        m.responseDeserialize,
        { type: 2, cmd: Buffer.from(sql) },
        md(headers),
        (error, info) =>
          error
            ? reject(error)
            : resolve({ info: info as Record<string, unknown>, headers: responseHeaders }),
      )
      call.on('metadata', (h: grpc.Metadata) => {
        responseHeaders = h
      })
    },
  )
}

async function doGet(
  ticket: Uint8Array,
  headers: Record<string, string>,
): Promise<Record<string, Uint8Array>[]> {
  const m = method('DoGet')
  const call = client.makeServerStreamRequest(
    m.path,
    m.requestSerialize,
    m.responseDeserialize,
    { ticket },
    md(headers),
  )
  const out: Record<string, Uint8Array>[] = []
  for await (const data of call) out.push(data as Record<string, Uint8Array>)
  return out
}

describe('Flight endpoint', () => {
  it('plans at GetFlightInfo, streams IPC messages at DoGet, and sets a session cookie', async () => {
    const { info, headers } = await flightInfo(
      'SELECT range AS i, CAST(range AS VARCHAR) AS s FROM range(5)',
      {
        authorization: `Bearer ${PAT}`,
      },
    )
    expect(String(headers.get('set-cookie')[0])).toMatch(/^SESSION_ID=[0-9a-f-]{36}$/)
    const schemaBytes = info.schema as Uint8Array
    expect(new DataView(schemaBytes.buffer, schemaBytes.byteOffset).getUint32(0, true)).toBe(
      0xffffffff,
    )
    const endpoints = info.endpoint as { ticket: { ticket: Uint8Array } }[]
    expect(endpoints).toHaveLength(1)
    const cookie = String(headers.get('set-cookie')[0])
    const messages = await doGet(endpoints[0]?.ticket.ticket as Uint8Array, {
      authorization: `Bearer ${PAT}`,
      cookie,
    })
    expect(Message.decode(messages[0]?.dataHeader as Uint8Array).isSchema()).toBe(true)
    // Framed back into an IPC stream, apache-arrow reads it.
    const chunks: Uint8Array[] = []
    for (const m of messages) {
      const header = m.dataHeader as Uint8Array
      const prefix = Buffer.alloc(8)
      prefix.writeUInt32LE(0xffffffff, 0)
      prefix.writeInt32LE(header.byteLength, 4)
      chunks.push(prefix, header, m.dataBody ?? new Uint8Array())
    }
    const reader = await RecordBatchReader.from(Buffer.concat(chunks))
    const rows = [...reader].flatMap((b) => b.toArray().map((r) => r.toJSON()))
    expect(rows).toEqual([0, 1, 2, 3, 4].map((i) => ({ i: BigInt(i), s: String(i) })))
    const job = emu.jobs.list().at(-1)
    expect(job).toMatchObject({ state: 'COMPLETED', rowCount: 5, user: 'dremio' })
  })

  it('answers bad SQL at GetFlightInfo with INVALID_ARGUMENT and the error text', async () => {
    const error = await flightInfo('SELEC 1', { authorization: `Bearer ${PAT}` }).catch(
      (e: grpc.ServiceError) => e,
    )
    expect((error as grpc.ServiceError).code).toBe(grpc.status.INVALID_ARGUMENT)
    expect((error as grpc.ServiceError).details).toMatch(/syntax error|Failure parsing/i)
  })

  it('authenticates like auth2: Basic in, Bearer out; bad tokens and unknown sessions are UNAUTHENTICATED', async () => {
    const basic = `Basic ${Buffer.from('dremio:dremio123').toString('base64')}`
    const { headers } = await flightInfo('SELECT 1', { authorization: basic })
    const bearer = String(headers.get('authorization')[0])
    expect(bearer).toMatch(/^Bearer \S+$/)
    await expect(flightInfo('SELECT 1', { authorization: bearer })).resolves.toBeDefined()
    const attempts: Record<string, string>[] = [
      { authorization: 'Bearer wrong' },
      { authorization: `Basic ${Buffer.from('dremio:nope').toString('base64')}` },
      {},
      { authorization: `Bearer ${PAT}`, cookie: 'SESSION_ID=unknown' },
    ]
    for (const h of attempts) {
      const error = await flightInfo('SELECT 1', h).catch((e: grpc.ServiceError) => e)
      expect((error as grpc.ServiceError).code).toBe(grpc.status.UNAUTHENTICATED)
    }
  })

  it('binds a session to the Cloud project with SetSessionOptions, refusing other projects', async () => {
    const m = method('DoAction')
    const run = async (projectId: string) => {
      const body = protocol.encodeSetSessionOptions({
        sessionOptions: { project_id: { stringValue: projectId } },
      })
      const call = client.makeServerStreamRequest(
        m.path,
        m.requestSerialize,
        m.responseDeserialize,
        { type: 'SetSessionOptions', body },
        md({ authorization: `Bearer ${PAT}` }),
      )
      const results: Record<string, unknown>[] = []
      for await (const r of call) results.push(r as Record<string, unknown>)
      return protocol.decodeSetSessionOptionsResult(results[0]?.body as Uint8Array)
    }
    expect((await run(emu.projectId)).errors ?? {}).toEqual({})
    expect((await run('other')).errors).toEqual({ project_id: { value: 2 } })
  })
})

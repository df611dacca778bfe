import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { FLIGHT_PROTO_TEXT } from '../src/flight/flight-proto-text.js'
import { FLIGHT_PROTO_PATH, flightProtocol } from '../src/index.js'

describe('the compiled-in flight.proto', () => {
  it('is the vendored proto/flight.proto, byte for byte', () => {
    expect(FLIGHT_PROTO_TEXT).toBe(readFileSync(FLIGHT_PROTO_PATH, 'utf8'))
  })
  it('defines the FlightService the client and the emulator use', () => {
    const p = flightProtocol()
    expect(Object.keys(p.service)).toEqual(
      expect.arrayContaining(['Handshake', 'GetFlightInfo', 'DoGet']),
    )
  })
})

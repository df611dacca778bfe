/**
 * Runs @df/emulator in its own process for the benchmarks (client-results, loading), so server
 * encoding and client parsing use separate cores as they would against a real Dremio.
 * `--lake <dir>` adds a NAS source `lake`. With `--latency-ms N` every byte crosses a TCP proxy
 * that delays it N/2 ms each way (a link with an N ms round trip, like a real cluster's network
 * and per-request overhead). `--flight` also serves Arrow Flight (through its own delaying proxy
 * with `--latency-ms`). Prints `{"url":…, "flightUrl"?:…}` and exits when stdin closes.
 */
import { connect, createServer, type Socket } from 'node:net'
import { createEmulator } from '@df/emulator'

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}
const latencyMs = Number(arg('latency-ms') ?? 0)
const lake = arg('lake')
const flight = process.argv.includes('--flight')
const emu = await createEmulator({
  port: 0,
  ...(lake ? { sources: { lake } } : {}),
  ...(flight ? { flightPort: 0 } : {}),
})
let url = emu.url
let flightUrl = emu.flightUrl

function delayed(from: Socket, to: Socket, ms: number): void {
  // setTimeout with one fixed delay fires in order, so the byte stream stays ordered.
  from.on('data', (chunk) => setTimeout(() => to.write(chunk), ms))
  from.on('end', () => setTimeout(() => to.end(), ms))
  from.on('error', () => to.destroy())
  from.on('close', () => setTimeout(() => to.destroy(), ms))
}

/** A delaying TCP proxy in front of `port`; resolves with its own port. */
async function proxyTo(port: number): Promise<number> {
  const proxy = createServer((client) => {
    const server = connect(port, '127.0.0.1')
    // Without this, Nagle's algorithm and delayed ACKs add ~40 ms stalls the real link would not.
    client.setNoDelay(true)
    server.setNoDelay(true)
    delayed(client, server, latencyMs / 2)
    delayed(server, client, latencyMs / 2)
  })
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
  return (proxy.address() as { port: number }).port
}

if (latencyMs > 0) {
  url = `http://127.0.0.1:${await proxyTo(emu.port)}`
  if (emu.flightPort !== undefined) flightUrl = `grpc://127.0.0.1:${await proxyTo(emu.flightPort)}`
}
process.stdout.write(`${JSON.stringify({ url, ...(flightUrl ? { flightUrl } : {}) })}\n`)
process.stdin.resume()
process.stdin.on('end', () => {
  // The proxy's keep-alive sockets can hold close() open: do not outlive the benchmark for it.
  setTimeout(() => process.exit(0), 2000).unref()
  void emu.close().then(() => process.exit(0))
})

/**
 * One emulator per test file, a client on it over real HTTP (loopback), and helpers to find the
 * jobs a task submitted. No part of Dremio's behaviour is mocked: the emulator runs the SQL on
 * DuckDB and serves Dremio's REST job API.
 */
import { DremioClient } from '@df/client'
import { createEmulator, type Emulator, type JobInfo } from '@df/emulator'

export interface Harness {
  readonly emu: Emulator
  readonly client: DremioClient
  close(): Promise<void>
}

export async function startHarness(): Promise<Harness> {
  // Flight too, so tasks can fetch rows over Arrow Flight as against a real Dremio.
  const emu = await createEmulator({ port: 0, flightPort: 0 })
  const client = new DremioClient({
    url: emu.url,
    pat: 'df-emulator-token',
    ...(emu.flightUrl !== undefined ? { flightUrl: emu.flightUrl } : {}),
  })
  return {
    emu,
    client,
    async close() {
      await client.close()
      await emu.close()
    },
  }
}

/** Jobs whose SQL contains `fragment`, oldest first. */
export function jobsWith(emu: Emulator, fragment: string): JobInfo[] {
  return emu.jobs.list().filter((j) => j.sql.includes(fragment))
}

/** Resolves once a job whose SQL contains `fragment` exists (polls the emulator's job view). */
export async function jobAppears(emu: Emulator, fragment: string): Promise<JobInfo> {
  for (;;) {
    const job = jobsWith(emu, fragment)[0]
    if (job) return job
    await new Promise((r) => setTimeout(r, 5))
  }
}

let counter = 0
/** A unique folder name for one test. */
export function uniqueFolder(prefix: string): string {
  counter++
  return `${prefix}_${process.pid}_${counter}`
}

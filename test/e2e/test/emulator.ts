/** An emulator per test file, with `src.events` loaded, and the CLI environment pointing at it. */
import { createEmulator, type Emulator } from '@df/emulator'
import { cleanEnv } from './helpers.js'

/** Starts an emulator on a free port with 50 rows in `src.events`. */
export async function startEmulator(): Promise<Emulator> {
  const emulator = await createEmulator({ port: 0 })
  await emulator.query('CREATE TABLE src.events (id BIGINT, kind VARCHAR)')
  await emulator.query(
    "INSERT INTO src.events SELECT range AS id, CASE WHEN range % 2 = 0 THEN 'view' ELSE 'click' END AS kind FROM range(50)",
  )
  return emulator
}

/** The child environment: DREMIO_URL and DREMIO_PAT of `emulator`, HOME without profiles. */
export function emulatorEnv(
  emulator: Emulator,
  extra: Record<string, string> = {},
): Record<string, string> {
  return cleanEnv({
    DREMIO_URL: emulator.url,
    DREMIO_PAT: emulator.credentials.tokens[0] as string,
    ...extra,
  })
}

#!/usr/bin/env node
/**
 * `dremio-emulator`: starts the emulator and prints its URL and credentials.
 *   dremio-emulator [--port 9047] [--host 127.0.0.1] [--data-dir dir] [--source name=dir]...
 *                   [--job-latency ms] [--project-id id] [--flight-port n]
 * The first line printed is `dremio-emulator listening on <url>` (scripts may parse it; with
 * `--port 0` it carries the port actually chosen). SIGINT/SIGTERM close it cleanly.
 */
import { createEmulator } from './emulator.js'
import type { EmulatorOptions } from './emulator-options.js'

const USAGE = `Usage: dremio-emulator [options]
  --port <n>          TCP port (0 = any free port)        default 9047
  --host <addr>       interface to listen on              default 127.0.0.1
  --data-dir <dir>    persist tables and catalog in <dir> default in memory
  --source <name=dir> local directory source for COPY INTO / LIST_FILES (repeatable)
  --job-latency <ms>  time each job spends RUNNING before it executes
  --project-id <id>   Dremio Cloud project id served under /v0/projects/<id>
  --flight-port <n>   also serve Arrow Flight on this port (0 = any free port; Dremio uses 32010)
  --help              show this help`

function parseArgs(argv: readonly string[]): EmulatorOptions | undefined {
  const options: EmulatorOptions = {}
  const sources: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? splitOnce(arg, '=') : [arg, undefined]
    if (flag === '--help' || flag === '-h') return undefined
    const value = inline ?? argv[++i]
    if (value === undefined) throw new Error(`${flag} needs a value`)
    switch (flag) {
      case '--port':
        options.port = integer(flag, value)
        break
      case '--host':
        options.host = value
        break
      case '--data-dir':
        options.dataDir = value
        break
      case '--source': {
        const [name, dir] = splitOnce(value, '=')
        if (name === '' || dir === undefined || dir === '')
          throw new Error(`--source expects name=dir, got ${value}`)
        sources[name] = dir
        break
      }
      case '--job-latency':
        options.jobLatency = integer(flag, value)
        break
      case '--project-id':
        options.cloud = { projectId: value }
        break
      case '--flight-port':
        options.flightPort = integer(flag, value)
        break
      default:
        throw new Error(`unknown option ${flag}`)
    }
  }
  if (Object.keys(sources).length > 0) options.sources = sources
  return options
}

function splitOnce(text: string, sep: string): [string, string | undefined] {
  const at = text.indexOf(sep)
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)]
}

function integer(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`${flag} expects a non-negative integer, got ${value}`)
  return Number(value)
}

async function main(): Promise<void> {
  let options: EmulatorOptions | undefined
  try {
    options = parseArgs(process.argv.slice(2))
  } catch (error) {
    process.stderr.write(`[@df/emulator] ${(error as Error).message}\n${USAGE}\n`)
    process.exitCode = 2
    return
  }
  if (options === undefined) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  const emulator = await createEmulator(options)
  const users = Object.entries(emulator.credentials.users)
  const lines = [
    `dremio-emulator listening on ${emulator.url}`,
    ...users.map(
      ([user, password]) =>
        `  user: ${user}  password: ${password}  (POST ${emulator.url}/apiv2/login)`,
    ),
    ...emulator.credentials.tokens.map(
      (token) => `  PAT:  ${token}  (Authorization: Bearer <PAT>)`,
    ),
    `  REST: ${emulator.url}/api/v3   Cloud: ${emulator.url}/v0/projects/${emulator.projectId}`,
    ...(emulator.flightUrl ? [`  Flight: ${emulator.flightUrl}`] : []),
    `  data: ${options.dataDir ?? 'in memory'}`,
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})

/**
 * `pnpm demo`: the README's main job, on a fresh clone with nothing built and nothing running.
 * 1. starts the Dremio emulator in this process on a random port;
 * 2. loads sample raw events (`raw.events`) and creates `analytics.user_metrics`
 *    (`prepareDailyPipelineData` from @df/orchestration's task library);
 * 3. runs `dremio-cli pipeline run scripts/demo/daily-pipeline.ts` (the seed's Complete DAG
 *    Example) for yesterday, recorded in the SQLite file `.df/demo.db`, with the live view;
 * 4. prints the loaded metrics and `dremio-cli pipeline list`.
 * The CLI runs in-process (`runCli`): exactly what the `dremio-cli` bin does, one startup less.
 * Exit code: the pipeline run's (0 success, 1 failure, 130 Ctrl-C).
 */
import { mkdirSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCli } from '../../apps/cli/src/index.js'
import { DremioClient } from '../../packages/client/src/index.js'
import { createEmulator } from '../../packages/emulator/src/index.js'
import { prepareDailyPipelineData } from '../../packages/tasks/src/index.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '../..')
const pipelineFile = relative(process.cwd(), join(here, 'daily-pipeline.ts')) || 'daily-pipeline.ts'
const dbFile = join(root, '.df', 'demo.db')
const backendUrl = `sqlite:///${relative(process.cwd(), dbFile)}`
const out = (line = '') => process.stdout.write(`${line}\n`)
const bold = (s: string) =>
  process.stdout.isTTY && !('NO_COLOR' in process.env) ? `\x1b[1m${s}\x1b[0m` : s

async function main(): Promise<number> {
  mkdirSync(dirname(dbFile), { recursive: true })
  const emulator = await createEmulator({ port: 0 })
  try {
    const pat = emulator.credentials.tokens[0] as string
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)
    out(bold(`Dremio emulator on ${emulator.url} (DuckDB inside)`))
    const day = (offset: number) =>
      new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10)
    const client = new DremioClient({ url: emulator.url, pat })
    try {
      await prepareDailyPipelineData(client, {
        days: [day(3), day(2), yesterday],
        eventsPerDay: 40,
      })
    } finally {
      await client.close()
    }
    const [count] = await emulator.query('SELECT COUNT(*) AS n FROM raw.events')
    out(`Loaded ${String(count?.n)} sample events into raw.events (${day(3)} to ${yesterday})`)
    // The CLI reads its connection from DREMIO_* like it would for a real Dremio.
    const io = {
      stdout: process.stdout,
      stderr: process.stderr,
      env: { ...process.env, DREMIO_URL: emulator.url, DREMIO_PAT: pat },
    }
    const cli = (args: string[]) => {
      out()
      out(bold(`$ dremio-cli ${args.map((a) => (/[\s*]/.test(a) ? `"${a}"` : a)).join(' ')}`))
      return runCli(args, io)
    }
    const code = await cli([
      'pipeline',
      'run',
      pipelineFile,
      '--backend-url',
      backendUrl,
      '--logical-date',
      yesterday,
    ])
    if (code === 130) return code // Ctrl-C: the run is recorded CANCELLED; stop here.
    await cli([
      'sql',
      'SELECT * FROM analytics.user_metrics ORDER BY event_count DESC, user_id LIMIT 5',
    ])
    await cli(['pipeline', 'list', '--backend-url', backendUrl, '--limit', '5'])
    out()
    out(`Demo finished in ${process.uptime().toFixed(1)}s. The same pipeline on a real Dremio:`)
    out(`  DREMIO_URL=https://dremio.example.com:9047 DREMIO_PAT=<token> \\`)
    out(`    dremio-cli pipeline run ${pipelineFile} --backend-url ${backendUrl}`)
    return code
  } finally {
    await emulator.close()
  }
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  },
)

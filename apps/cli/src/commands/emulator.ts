/**
 * `emulator start [--port 9047] [--data-dir d]`: runs `@df/emulator` in the foreground and
 * prints how to point the CLI at it. Ctrl-C / SIGTERM stop it cleanly (exit 0).
 */

import type { Command } from 'commander'
import { importOptional } from '../optional-import.js'
import { wholeNumber } from '../options.js'
import type { Action } from '../program.js'

/** Registers `emulator start`. */
export function registerEmulatorCommand(program: Command, action: Action): void {
  const emulator = program.command('emulator').description('a local Dremio-compatible server')
  emulator
    .command('start')
    .description('start the emulator (DuckDB inside) until Ctrl-C')
    .option(
      '--port <n>',
      'TCP port (0: any free port)',
      wholeNumber('--port', 0, 65535, '0-65535 (a whole number)'),
      9047,
    )
    .option('--host <addr>', 'interface to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'keep tables and the catalog in this directory (default: memory)')
    .option(
      '--job-latency <ms>',
      'time each job stays RUNNING before it runs (to try cancelling); default 0',
      wholeNumber('--job-latency', 0, 86_400_000),
    )
    .action(
      action(
        async (
          ctx,
          flags: { port: number; host: string; dataDir?: string; jobLatency?: number },
        ) => {
          // Imported here: DuckDB's native module is heavy and no other command needs it.
          // An optional peer (a missing package is DF_DEPENDENCY_MISSING: "Install it with: …").
          const { createEmulator } =
            await importOptional<typeof import('@df/emulator')>('@df/emulator')
          const emu = await createEmulator({
            port: flags.port,
            host: flags.host,
            ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
            ...(flags.jobLatency ? { jobLatency: flags.jobLatency } : {}),
          })
          const token = emu.credentials.tokens[0] ?? ''
          ctx.io.stdout.write(
            [
              `dremio-emulator listening on ${emu.url}`,
              `  data: ${flags.dataDir ?? 'in memory'}`,
              // The emulator's built-in demo token is not a secret: it is documented and only
              // accepted by this local emulator.
              `  use it: export DREMIO_URL=${emu.url} DREMIO_PAT=${token}`,
              '  Ctrl-C to stop',
              '',
            ].join('\n'),
          )
          await new Promise<void>((resolve) => {
            const stop = () => resolve()
            process.once('SIGINT', stop)
            process.once('SIGTERM', stop)
          })
          await emu.close()
          ctx.io.stdout.write('emulator stopped\n')
          return 0
        },
      ),
    )
}

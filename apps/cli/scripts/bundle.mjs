#!/usr/bin/env node
/**
 * Bundles the published bin, `dist/bin.js` (run after `tsc`, which it overwrites): a scheduler
 * pays the CLI's start-up on every task, and resolving and compiling some 400 modules of the
 * client, the engine and their dependencies cost 0.4-1 s. The bundle holds the entry (commander
 * and the command registrations) and one lazily loaded chunk per command body under
 * `dist/chunks/`, tree-shaken: `--help` loads no chunk, `sql` loads the client and the SQL code
 * only. See bench/cli-start.
 *
 * Left outside the bundle, loaded from node_modules at run time: tsx (module hooks for `.ts`
 * pipeline files), @df/emulator (DuckDB's native module), parquet-wasm (a .wasm file next to
 * it), and whatever is imported by a computed name (the backend packages, the tasks' optional
 * peers such as @aws-sdk/client-s3). The library entry (`dist/index.js`, tsc's output) is not
 * bundled.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const here = dirname(dirname(fileURLToPath(import.meta.url)))
const dist = join(here, 'dist')
rmSync(join(dist, 'chunks'), { recursive: true, force: true })
// tsc's map of the bin.js this overwrites would point at the wrong code.
rmSync(join(dist, 'bin.js.map'), { force: true })
mkdirSync(dist, { recursive: true })

/**
 * `@df/client` takes only `Agent` from undici, whose index also loads fetch, WebSocket, the cache
 * and mock APIs (a third of the bin's start-up): in the bundle, `undici` is the Agent with its
 * request API and nothing else.
 */
const undiciDir = dirname(
  createRequire(join(here, '../../packages/client/package.json')).resolve('undici'),
)
const undiciAgentOnly = {
  name: 'undici-agent-only',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', namespace: 'undici-agent-only' }))
    b.onLoad({ filter: /.*/, namespace: 'undici-agent-only' }, () => ({
      resolveDir: undiciDir,
      loader: 'js',
      contents: [
        "const Dispatcher = require('./lib/dispatcher/dispatcher')",
        "Object.assign(Dispatcher.prototype, require('./lib/api'))",
        "module.exports.Agent = require('./lib/dispatcher/agent')",
      ].join('\n'),
    }))
  },
}

const result = await build({
  absWorkingDir: here,
  entryPoints: { bin: 'src/bin.ts' },
  outdir: dist,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // The workspace packages' TypeScript source (the same code their dist/ is built from).
  conditions: ['@df/source'],
  external: ['tsx', 'tsx/*', '@df/emulator', 'parquet-wasm', '@aws-sdk/*', 'nodemailer'],
  // CommonJS dependencies (undici, commander) call require(): give the ES module bundle one.
  banner: {
    js: "import { createRequire as __dfCreateRequire } from 'node:module'; const require = __dfCreateRequire(import.meta.url);",
  },
  // Less to parse at every start; names kept for stack traces and error names.
  minify: true,
  keepNames: true,
  legalComments: 'none',
  metafile: true,
  plugins: [undiciAgentOnly],
  logLevel: 'warning',
})
// `--meta <file>`: esbuild's metafile (which module went into which chunk), for analysis.
const meta = process.argv.indexOf('--meta')
if (meta > 0) writeFileSync(process.argv[meta + 1], JSON.stringify(result.metafile))
const outputs = Object.entries(result.metafile.outputs)
const total = outputs.reduce((n, [, o]) => n + o.bytes, 0)
process.stdout.write(
  `dremio-cli bundle: ${outputs.length} files, ${(total / 1024).toFixed(0)} KiB (entry ${(
    result.metafile.outputs['dist/bin.js'].bytes / 1024
  ).toFixed(0)} KiB)\n`,
)

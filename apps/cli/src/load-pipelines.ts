/**
 * Loading pipelines from a user's module (`pipeline run <file>`). The convention:
 *
 * - `export default (ctx) => Pipeline | Pipeline[]` (may be async): the recommended form. The CLI
 *   calls it once with `{ client, backend, params, executor }` — the Dremio client built from the CLI's
 *   configuration (created on first use, so pipelines that never touch Dremio need no
 *   configuration) and the backend of `--backend-url` — so the same file runs against the
 *   emulator, a real Dremio and any store without edits; `ctx.executor` is the executor of
 *   `--executor` (undefined for in-process), so the same file also runs on remote workers.
 * - `export default pipeline`, `export default [a, b]`, or named exports holding pipelines: used
 *   as they are. Such a pipeline keeps the backend it was built with (the CLI warns when it is not
 *   the `--backend-url` one: its runs will not show in `pipeline list`).
 *
 * Named exports that are functions are never called (they may be anything). TypeScript files
 * load through tsx's ESM hooks, registered once, in this process's module graph.
 *
 * Any folder works: with or without a package.json, with or without `"type": "module"`. Node (and
 * tsx) would treat a `.ts` or `.js` file outside a `"type": "module"` package as CommonJS, which
 * breaks `import`/`export` and top-level await; a small resolve hook loads such a file as an ES
 * module when its source has an `import` or `export` statement (Node's own module-syntax
 * detection, applied before tsx compiles it). `.cts`/`.cjs` and packages in node_modules are left
 * alone.
 */
import { existsSync, statSync } from 'node:fs'
import { register } from 'node:module'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { DremioClient } from '@df/client'
import type { Backend, Executor, JsonObject, Pipeline } from '@df/orchestration'
import { CliError } from './cli-error.js'

/** What a module's default-export factory receives. */
export interface PipelineModuleContext {
  /** The CLI's Dremio client (created on first access; throws when nothing is configured). */
  readonly client: DremioClient
  /** The backend of `--backend-url`. Pass it as `new Pipeline(name, { backend })`. */
  readonly backend: Backend
  /** The `--param k=v` values. */
  readonly params: JsonObject
  /**
   * The executor of `--executor` (`bullmq`: tasks run on `dremio-cli worker` processes), or
   * undefined for the default in-process one. Pass it as `new Pipeline(name, { backend, executor })`;
   * with `--executor bullmq`, a pipeline built without it is refused.
   */
  readonly executor?: Executor
}

/** A factory a module may export as default. */
export type PipelineFactory = (
  ctx: PipelineModuleContext,
) => Pipeline | readonly Pipeline[] | Promise<Pipeline | readonly Pipeline[]>

let hooksRegistered: Promise<void> | undefined

/**
 * The resolve hook: a file Node resolved as CommonJS (a `.ts`, `.tsx` or `.js` outside a
 * `"type": "module"` package, not in node_modules) whose source has ESM syntax is loaded as an
 * ES module. Runs on the loader thread, hence plain JavaScript in a data: URL.
 */
const ESM_SYNTAX_HOOK = `
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
const ESM = /^[ \\t]*(import|export)([ \\t]+[\\w*{'"]|[ \\t]*[*{'"])/m
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context)
  if (r.format !== 'commonjs' || !r.url.startsWith('file:')) return r
  const path = fileURLToPath(r.url)
  if (!/\\.(ts|tsx|js)$/.test(path) || /[\\\\/]node_modules[\\\\/]/.test(path)) return r
  try {
    return ESM.test(readFileSync(path, 'utf8')) ? { ...r, format: 'module' } : r
  } catch {
    return r
  }
}
`

/**
 * Registers tsx's ESM hooks (harmless when the process already runs under tsx) and the
 * module-syntax hook, once per process.
 */
function registerModuleHooks(): Promise<void> {
  hooksRegistered ??= (async () => {
    const { register: registerTsx } = await import('tsx/esm/api')
    registerTsx()
    register(`data:text/javascript,${encodeURIComponent(ESM_SYNTAX_HOOK)}`)
  })()
  return hooksRegistered
}

/** A pipeline, recognised by shape: a duplicate copy of `@df/orchestration` must still count. */
export function isPipeline(value: unknown): value is Pipeline {
  const v = value as Partial<Pipeline> | null
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.name === 'string' &&
    typeof v.run === 'function' &&
    typeof v.rerun === 'function' &&
    typeof v.on === 'function' &&
    Array.isArray(v.tasks)
  )
}

/**
 * Imports `file` and returns its pipelines (deduplicated, in export order).
 * @throws CliError `DF_CLI_FILE_NOT_FOUND`, or `DF_CLI_MODULE_INVALID` when it fails to load or
 *   exports no pipeline.
 */
export async function loadPipelines(file: string, ctx: PipelineModuleContext): Promise<Pipeline[]> {
  const path = resolve(file)
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new CliError('DF_CLI_FILE_NOT_FOUND', `Pipeline module not found: ${file}`)
  }
  await registerModuleHooks()
  let mod: Record<string, unknown>
  try {
    mod = await import(pathToFileURL(path).href)
  } catch (cause) {
    throw new CliError('DF_CLI_MODULE_INVALID', `Cannot load ${file}: ${oneLine(cause)}`, { cause })
  }
  const found: Pipeline[] = []
  const add = (value: unknown, where: string): void => {
    if (isPipeline(value)) found.push(value)
    else if (Array.isArray(value) && value.length > 0 && value.every(isPipeline))
      found.push(...value)
    else if (where === 'default factory') {
      throw new CliError(
        'DF_CLI_MODULE_INVALID',
        `The default export of ${file} is a function but did not return a Pipeline or an array of Pipelines.`,
      )
    }
  }
  const def = mod.default
  if (typeof def === 'function' && !isPipeline(def)) {
    let produced: unknown
    try {
      produced = await (def as PipelineFactory)(ctx)
    } catch (cause) {
      if (CliError.is(cause)) throw cause
      const detail = cause instanceof Error ? cause.message : String(cause)
      throw new CliError(
        'DF_CLI_MODULE_INVALID',
        `The default export of ${file} threw: ${detail}`,
        {
          cause,
        },
      )
    }
    add(produced, 'default factory')
  } else {
    add(def, 'default')
  }
  for (const [name, value] of Object.entries(mod)) if (name !== 'default') add(value, name)
  const unique = [...new Set(found)]
  if (unique.length === 0) {
    throw new CliError(
      'DF_CLI_MODULE_INVALID',
      `${file} exports no pipeline: export a Pipeline, an array of them, or a default function (ctx) => Pipeline.`,
    )
  }
  return unique
}

/** An error's message on one line (a compile error spans several), at most 400 characters. */
function oneLine(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ')
  return text.length > 400 ? `${text.slice(0, 399)}…` : text
}

/**
 * The pipeline named `name`, or the only one.
 * @throws CliError `DF_CLI_PIPELINE_NOT_FOUND` listing the names.
 */
export function selectPipeline(pipelines: readonly Pipeline[], name: string | undefined): Pipeline {
  const names = pipelines.map((p) => p.name).join(', ')
  if (name === undefined) {
    if (pipelines.length === 1) return pipelines[0] as Pipeline
    throw new CliError(
      'DF_CLI_PIPELINE_NOT_FOUND',
      `The module has ${pipelines.length} pipelines (${names}): choose one with --pipeline NAME.`,
    )
  }
  const match = pipelines.find((p) => p.name === name)
  if (!match) {
    throw new CliError(
      'DF_CLI_PIPELINE_NOT_FOUND',
      `No pipeline '${name}' in the module (${names}).`,
    )
  }
  return match
}

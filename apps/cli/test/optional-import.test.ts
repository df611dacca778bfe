/**
 * The optional peers (`@df/backend-postgres`, `@df/backend-mysql`, `@df/emulator`,
 * `@df/executor-bullmq`) are loaded on demand; here Node's real resolver runs from a directory
 * that has none of them (the packaging project installs the packed CLI without them and runs the
 * bin).
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { createBackendFromUrl } from '../src/backend-url.js'
import { CliError } from '../src/cli-error.js'
import { importExecutorBullmq } from '../src/executor-option.js'
import { importOptional, type ModuleImporter } from '../src/optional-import.js'

const dir = mkdtempSync(join(tmpdir(), 'df-cli-peers-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/**
 * Imports the way Node does from a project in `from`. A missing package is looked up by Node in
 * a child process: inside vitest, a failed lookup falls back to the workspace's resolver.
 */
const importerFrom =
  (from: string): ModuleImporter =>
  async (specifier) => {
    const probe = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `await import(${JSON.stringify(specifier)})`],
      { cwd: from, encoding: 'utf8' },
    )
    const code = /code: '([A-Z_]+)'/.exec(probe.stderr)?.[1]
    if (code === 'ERR_MODULE_NOT_FOUND') {
      const message = /^Error.*$/m.exec(probe.stderr)?.[0] ?? probe.stderr
      throw Object.assign(new Error(message), { code })
    }
    const resolved = createRequire(join(from, 'index.js')).resolve(specifier)
    return (await import(pathToFileURL(resolved).href)) as Record<string, unknown>
  }

describe('importOptional', () => {
  it('says how to install a peer that Node cannot resolve', async () => {
    const error = await importOptional('@df/emulator', importerFrom(dir)).catch((e: unknown) => e)
    expect(CliError.is(error)).toBe(true)
    expect(error).toMatchObject({
      code: 'DF_DEPENDENCY_MISSING',
      message: '[@df/cli] Cannot import @df/emulator. Install it with: pnpm add @df/emulator',
    })
    expect((error as CliError).cause).toMatchObject({ code: 'ERR_MODULE_NOT_FOUND' })
  })

  it('tells an installed peer that fails to load apart from a missing one', async () => {
    const pkg = join(dir, 'broken', 'node_modules', '@df', 'emulator')
    mkdirSync(pkg, { recursive: true })
    writeFileSync(join(pkg, 'package.json'), '{"name":"@df/emulator","main":"index.js"}')
    writeFileSync(join(pkg, 'index.js'), "throw new Error('native module did not load')")
    await expect(
      importOptional('@df/emulator', importerFrom(join(dir, 'broken'))),
    ).rejects.toMatchObject({
      code: 'DF_DEPENDENCY_MISSING',
      message:
        '[@df/cli] Cannot import @df/emulator: loading it failed (native module did not load). Reinstall it with: pnpm add @df/emulator',
    })
  })

  it('loads an installed peer (the workspace links every one)', async () => {
    const mod = await importOptional<{ createEmulator: unknown }>('@df/emulator')
    expect(typeof mod.createEmulator).toBe('function')
  })
})

describe('createBackendFromUrl without the backend packages', () => {
  it.each([
    ['postgresql://df@127.0.0.1:5432/test', '@df/backend-postgres'],
    ['mariadb://df@127.0.0.1:3306/test', '@df/backend-mysql'],
  ])('%s: DF_DEPENDENCY_MISSING naming %s', async (url, name) => {
    await expect(createBackendFromUrl(url, importerFrom(dir))).rejects.toMatchObject({
      code: 'DF_DEPENDENCY_MISSING',
      message: `[@df/cli] Cannot import ${name}. Install it with: pnpm add ${name}`,
    })
  })
})

describe('--executor bullmq without @df/executor-bullmq', () => {
  it('says how to install it', async () => {
    await expect(importExecutorBullmq(importerFrom(dir))).rejects.toMatchObject({
      code: 'DF_DEPENDENCY_MISSING',
      message:
        '[@df/cli] Cannot import @df/executor-bullmq. Install it with: pnpm add @df/executor-bullmq',
    })
  })

  it('loads it when installed (the workspace links it)', async () => {
    const mod = await importExecutorBullmq()
    expect(typeof mod.createBullmqExecutor).toBe('function')
    expect(typeof mod.startWorker).toBe('function')
  })
})

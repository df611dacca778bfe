/**
 * `createBackendFromUrl`: parsing, password redaction, the missing-package error, and real
 * backends loaded through it. @df/orchestration does not depend on the backend packages, so the
 * "installed" cases load the real sibling packages' source with an explicit `importer`.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import {
  type BackendImporter,
  type BackendUrlModule,
  BUNDLED_BACKEND_SCHEMES,
  backendSchemes,
  createBackendFromUrl,
  loadBackendModule,
  redactBackendUrl,
  registerBackendScheme,
} from '../src/backend-url.js'
import { OrchestrationError } from '../src/errors.js'
import { createMemoryBackend } from '../src/memory-backend.js'

const SECRET = 'S3cr3t-pw'
const dir = mkdtempSync(join(tmpdir(), 'df-backend-url-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const packagesDir = join(import.meta.dirname, '..', '..')
/** tsx, resolved here: the child runs in a directory without node_modules. */
const tsx = import.meta.resolve('tsx')
/** Loads the real backend package from this repository (what an install would provide). */
const workspace: BackendImporter = (specifier) =>
  import(join(packagesDir, specifier.slice('@df/'.length), 'src', 'index.ts'))

/** Everything an error could show: message, toString, JSON and its causes. */
function shown(error: unknown): string {
  const parts: string[] = []
  for (let e = error; e !== undefined && e !== null; e = (e as { cause?: unknown }).cause) {
    parts.push(String(e), (e as Error).stack ?? '', JSON.stringify(e) ?? '')
  }
  return parts.join('\n')
}

/**
 * Calls `createBackendFromUrl(url)` with the default importer in a plain Node process whose
 * working directory is `app`, then `init()`s and closes the backend; resolves with what it saw.
 */
function inChild(app: string, url: string, script?: string): Promise<unknown> {
  const module = pathToFileURL(join(import.meta.dirname, '..', 'src', 'backend-url.ts')).href
  const code = `const { createBackendFromUrl } = await import(${JSON.stringify(module)})
    try {
      const backend = await createBackendFromUrl(process.argv.at(-1))
      await backend.init()
      await backend.close()
      console.log(JSON.stringify({ name: backend.name, created: true }))
    } catch (e) {
      console.log(JSON.stringify({ code: e.code, message: e.message }))
    }`
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      script === undefined
        ? ['--conditions=@df/source', '--import', tsx, '--input-type=module', '-e', code, url]
        : ['--conditions=@df/source', '--import', tsx, writeScript(script, code), url],
      // pnpm's bin shims put its whole store on NODE_PATH; an application process has no such path.
      { cwd: app, env: { ...process.env, NODE_PATH: '' } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`))
        else resolve(JSON.parse(stdout.trim().split('\n').pop()!))
      },
    )
  })
}

/** Writes `code` as the module `file` (the caller of createBackendFromUrl); returns its path. */
function writeScript(file: string, code: string): string {
  writeFileSync(file, code)
  return file
}

async function rejection(promise: Promise<unknown>): Promise<OrchestrationError> {
  try {
    await promise
  } catch (error) {
    expect(OrchestrationError.is(error)).toBe(true)
    return error as OrchestrationError
  }
  throw new Error('expected a rejection')
}

/** A backend package's URL parser, loaded from this repository's source. */
async function parser<T>(pkg: string, name: string): Promise<(url: string, cwd?: string) => T> {
  return (await workspace(pkg))[name] as (url: string, cwd?: string) => T
}

describe("each backend package's own URL forms", () => {
  it('reads SQLite URLs the way SQLAlchemy (and the original CLI) did', async () => {
    const parseSqliteUrl = await parser<{ path: string }>('@df/backend-sqlite', 'parseSqliteUrl')
    expect(parseSqliteUrl('sqlite:///runs/df.db', '/work/app')).toEqual({
      path: '/work/app/runs/df.db',
    })
    expect(parseSqliteUrl('sqlite:////var/lib/df.db', '/work/app')).toEqual({
      path: '/var/lib/df.db',
    })
    expect(parseSqliteUrl('sqlite::memory:')).toEqual({ path: ':memory:' })
    expect(parseSqliteUrl('sqlite:///:memory:')).toEqual({ path: ':memory:' })
    expect(parseSqliteUrl('sqlite:///my%20runs.db', '/a')).toEqual({ path: '/a/my runs.db' })
    const mod = await loadBackendModule('sqlite:///df.db', { importer: workspace })
    expect(mod.URL_SCHEMES).toEqual(['sqlite'])
    expect(BUNDLED_BACKEND_SCHEMES.sqlite).toBe('@df/backend-sqlite')
  })

  it('reads PostgreSQL URLs, taking ?schema= out of the connection string', async () => {
    const parsePostgresUrl = await parser('@df/backend-postgres', 'parsePostgresUrl')
    expect(
      parsePostgresUrl(`postgresql://df:${SECRET}@db.internal:5433/df?schema=etl&sslmode=require`),
    ).toEqual({
      connectionString: `postgresql://df:${SECRET}@db.internal:5433/df?sslmode=require`,
      schema: 'etl',
    })
    expect(
      redactBackendUrl(`postgresql://df:${SECRET}@db.internal:5433/df?schema=etl&sslmode=require`),
    ).toBe('postgresql://df:***@db.internal:5433/df?schema=etl&sslmode=require')
    expect(parsePostgresUrl('postgres://h/db')).toEqual({ connectionString: 'postgres://h/db' })
    expect(BUNDLED_BACKEND_SCHEMES.postgres).toBe('@df/backend-postgres')
    expect(BUNDLED_BACKEND_SCHEMES.postgresql).toBe('@df/backend-postgres')
  })

  it('reads MySQL and MariaDB URLs', async () => {
    const parseMysqlUrl = await parser('@df/backend-mysql', 'parseMysqlUrl')
    expect(parseMysqlUrl('mysql://df:pw@h:3306/runs')).toEqual({ uri: 'mysql://df:pw@h:3306/runs' })
    expect(parseMysqlUrl('mariadb://h/runs')).toEqual({ uri: 'mariadb://h/runs' })
    expect([BUNDLED_BACKEND_SCHEMES.mysql, BUNDLED_BACKEND_SCHEMES.mariadb]).toEqual([
      '@df/backend-mysql',
      '@df/backend-mysql',
    ])
  })

  it('rejects bad URLs with DF_OPTION_INVALID and never shows the password', async () => {
    const bad = [
      '',
      '   ',
      'dremioframe.db',
      `redis://u:${SECRET}@h:6379`,
      'sqlite://df.db',
      'sqlite:///',
      `postgres://u:${SECRET}@[bad/db`,
      `mysql://u:${SECRET}@h:notaport/db`,
      `postgresql://u:${SECRET}@/db`,
    ]
    for (const url of bad) {
      const error = await rejection(createBackendFromUrl(url, { importer: workspace }))
      expect(error.code, url).toBe('DF_OPTION_INVALID')
      expect(error.message, url).toMatch(/^\[@df\/(orchestration|backend-[a-z]+)\] /)
      expect(shown(error), url).not.toContain(SECRET)
    }
  })
})

describe('third-party backend schemes', () => {
  it('opens a registered scheme through its module, and names the known schemes when one is unknown', async () => {
    const opened: string[] = []
    const mod: BackendUrlModule = {
      URL_SCHEMES: ['acme'],
      fromUrl(url, options) {
        opened.push(`${url} ${JSON.stringify(options?.options ?? {})}`)
        return createMemoryBackend({ name: 'acme' })
      },
    }
    const unknown = await rejection(createBackendFromUrl('acme://store/1'))
    expect(unknown.code).toBe('DF_OPTION_INVALID')
    expect(unknown.message).toContain('postgresql:')
    registerBackendScheme('ACME', mod)
    expect(backendSchemes().acme).toBe(mod)
    const backend = await createBackendFromUrl('acme://store/1', { options: { size: 2 } })
    expect(backend.name).toBe('acme')
    expect(opened).toEqual(['acme://store/1 {"size":2}'])
    // Per call, a scheme table wins over the registered one.
    const other = await createBackendFromUrl('acme://x', {
      schemes: {
        acme: { URL_SCHEMES: ['acme'], fromUrl: () => createMemoryBackend({ name: 'b' }) },
      },
    })
    expect(other.name).toBe('b')
    expect(() => registerBackendScheme('bad scheme', mod)).toThrow(/scheme/)
  })
})

describe('redactBackendUrl', () => {
  it('masks passwords, even with @ : / inside, and password-like query values', () => {
    expect(redactBackendUrl(`postgres://u:${SECRET}@h/db`)).toBe('postgres://u:***@h/db')
    expect(redactBackendUrl('postgres://u:p@ss:w/rd@h:5432/db')).toBe('postgres://u:***@h:5432/db')
    expect(redactBackendUrl(`postgres://h/db?user=u&password=${SECRET}&ssl=1`)).toBe(
      'postgres://h/db?user=u&password=***&ssl=1',
    )
    expect(redactBackendUrl('mysql://u@h/db')).toBe('mysql://u@h/db')
    expect(redactBackendUrl('sqlite:///df.db')).toBe('sqlite:///df.db')
  })
})

describe('createBackendFromUrl', () => {
  it('says how to install a missing backend package, without the password', async () => {
    // A plain Node process (real module resolution) in an application without the packages.
    const app = join(dir, 'app-without')
    mkdirSync(app)
    for (const [url, name] of [
      [`postgresql://df:${SECRET}@127.0.0.1:5432/test`, '@df/backend-postgres'],
      [`mysql://df:${SECRET}@127.0.0.1:3306/test`, '@df/backend-mysql'],
      ['sqlite:///df.db', '@df/backend-sqlite'],
    ] as const) {
      const out = await inChild(app, url)
      expect(out).toEqual({
        code: 'DF_DEPENDENCY_MISSING',
        message: `[@df/orchestration] Cannot import ${name}. Install it with: pnpm add ${name}`,
      })
      expect(JSON.stringify(out)).not.toContain(SECRET)
    }
  }, 60_000)

  it('finds a backend package installed in the application (strict pnpm layout)', async () => {
    const app = join(dir, 'app-with')
    mkdirSync(join(app, 'node_modules', '@df'), { recursive: true })
    writeFileSync(join(app, 'package.json'), '{"name":"app","type":"module"}')
    symlinkSync(
      join(packagesDir, 'backend-sqlite'),
      join(app, 'node_modules', '@df', 'backend-sqlite'),
    )
    expect(await inChild(app, 'sqlite:///runs.db')).toEqual({ name: 'sqlite', created: true })
    expect(existsSync(join(app, 'runs.db'))).toBe(true)
  }, 60_000)

  it('finds the workspace packages from the repository root, without an importer', async () => {
    const root = join(packagesDir, '..')
    expect(await inChild(root, 'sqlite::memory:')).toEqual({ name: 'sqlite', created: true })
  }, 60_000)

  it("finds a backend package installed next to the caller's module, whatever the cwd", async () => {
    const lib = join(dir, 'lib-with')
    mkdirSync(join(lib, 'node_modules', '@df'), { recursive: true })
    writeFileSync(join(lib, 'package.json'), '{"name":"lib","type":"module"}')
    symlinkSync(
      join(packagesDir, 'backend-sqlite'),
      join(lib, 'node_modules', '@df', 'backend-sqlite'),
    )
    const elsewhere = join(dir, 'elsewhere')
    mkdirSync(elsewhere)
    expect(await inChild(elsewhere, 'sqlite::memory:', join(lib, 'make.mjs'))).toEqual({
      name: 'sqlite',
      created: true,
    })
  }, 60_000)

  it('reports a package without fromUrl as DF_DEPENDENCY_MISSING', async () => {
    const error = await rejection(
      createBackendFromUrl('sqlite::memory:', { importer: async () => ({ other: 1 }) }),
    )
    expect(error.code).toBe('DF_DEPENDENCY_MISSING')
    expect(error.message).toMatch(/does not export fromUrl\(\)/)
  })

  it('creates a real SQLite backend for a relative file and for :memory:', async () => {
    const backend = await createBackendFromUrl('sqlite:///nested.db', {
      cwd: dir,
      importer: workspace,
    })
    await backend.init()
    expect((backend as unknown as { path: string }).path).toBe(join(dir, 'nested.db'))
    expect(backend.capabilities.supportsMultipleProcesses).toBe(true)
    await backend.close()
    const memory = await createBackendFromUrl('sqlite::memory:', { importer: workspace })
    await memory.init()
    expect(memory.capabilities.supportsMultipleProcesses).toBe(false)
    await memory.close()
  })

  it('passes extra options to the factory, whose own validation still applies', async () => {
    const error = await rejection(
      createBackendFromUrl(`postgres://df:${SECRET}@127.0.0.1:5432/test`, {
        importer: workspace,
        options: { poolSize: 0 },
      }),
    )
    expect(error.code).toBe('DF_OPTION_INVALID')
    expect(error.message).toContain('poolSize')
    expect(shown(error)).not.toContain(SECRET)
  })

  it('a PostgreSQL URL on a closed port fails typed, naming the host and port, not the password', async () => {
    const backend = await createBackendFromUrl(
      `postgresql://df:${SECRET}@127.0.0.1:1/test?schema=df_never`,
      { importer: workspace, options: { connectTimeoutMs: 2000 } },
    )
    expect((backend as unknown as { schema: string }).schema).toBe('df_never')
    const error = await rejection(backend.init())
    expect(error.code).toBe('DF_BACKEND_UNAVAILABLE')
    expect(error.message).toContain('127.0.0.1:1')
    expect(shown(error)).not.toContain(SECRET)
    await backend.close()
  }, 30_000)
})

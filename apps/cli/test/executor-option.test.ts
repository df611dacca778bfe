/**
 * `--executor`, `--redis-url` / `DF_REDIS_URL` and `dremio-cli worker`'s flags: what is refused
 * before anything connects (exit 2 with one clear line), and that a Redis password never shows.
 */
import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { CliError } from '../src/cli-error.js'
import { createCliExecutor, redactRedisUrl, resolveRedisUrl } from '../src/executor-option.js'
import { runCli } from '../src/program.js'

/** Runs the program in this process with captured output. */
async function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const sink = (add: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        add(String(chunk))
        done()
      },
    })
  const code = await runCli(args, {
    stdout: sink((s) => {
      stdout += s
    }),
    stderr: sink((s) => {
      stderr += s
    }),
    env,
  })
  return { code, stdout, stderr }
}

const SECRET = 's3cr3t-redis-pw'

describe('--executor and --redis-url', () => {
  it('refuses an unknown executor with exit 2, naming the choices', async () => {
    const r = await cli(['pipeline', 'run', 'x.ts', '--executor', 'celery'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("--executor must be one of in-process, bullmq, got 'celery'.")
    const serve = await cli(['serve', '--pipelines', '.', '--executor', 'celery'])
    expect(serve.code).toBe(2)
    expect(serve.stderr).toContain('--executor must be one of in-process, bullmq')
  })

  it('needs a Redis URL for bullmq: exit 2 with a clear message, before loading anything', async () => {
    const r = await cli(['pipeline', 'run', 'does-not-exist.ts', '--executor', 'bullmq'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe(
      '[@df/cli] --executor bullmq needs a Redis: pass --redis-url redis://host:6379 (or set DF_REDIS_URL).',
    )
    const w = await cli(['worker', '--pipelines', 'x'])
    expect(w.code).toBe(2)
    expect(w.stderr).toContain('dremio-cli worker needs a Redis: pass --redis-url')
  })

  it('refuses a URL that is not redis:// without showing its password', async () => {
    const url = `http://:${SECRET}@example.com:6379`
    const r = await cli(['worker', '--pipelines', 'x', '--redis-url', url])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--redis-url must be a redis:// or rediss:// URL')
    expect(r.stderr).toContain('http://:***@example.com:6379')
    expect(r.stdout + r.stderr).not.toContain(SECRET)
    const env = await cli(['pipeline', 'run', 'x.ts', '--executor', 'bullmq'], {
      DF_REDIS_URL: `mysql://u:${SECRET}@h/db`,
    })
    expect(env.code).toBe(2)
    expect(env.stderr).toContain("got 'mysql://u:***@h/db'")
    expect(env.stdout + env.stderr).not.toContain(SECRET)
  })

  it('refuses the Redis flags with the in-process executor (a forgotten --executor bullmq)', async () => {
    for (const [flag, value] of [
      ['--redis-url', 'redis://127.0.0.1:6379'],
      ['--queue', 'q'],
      ['--prefix', 'p'],
    ] as const) {
      const r = await cli(['pipeline', 'run', 'x.ts', flag, value])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(`${flag} is only used with --executor bullmq`)
    }
  })

  it('refuses pipeline recover --executor without the module (nothing would run)', async () => {
    const r = await cli(['pipeline', 'recover', '--executor', 'bullmq'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('pipeline recover --executor needs the module')
  })

  it('checks worker flags: --concurrency and --fetchers ranges, --pipelines required', async () => {
    const c = await cli(['worker', '--pipelines', 'x', '--concurrency', '0'])
    expect(c.code).toBe(2)
    expect(c.stderr).toContain("--concurrency must be a whole number from 1 to 1000, got '0'.")
    const f = await cli(['worker', '--pipelines', 'x', '--fetchers', '65'])
    expect(f.code).toBe(2)
    expect(f.stderr).toContain("--fetchers must be a whole number from 1 to 64, got '65'.")
    const p = await cli(['worker', '--redis-url', 'redis://127.0.0.1:6379'])
    expect(p.code).toBe(2)
    expect(p.stderr).toContain("required option '--pipelines <path>' not specified")
  })

  it('lists the worker command and the executor flags in --help', async () => {
    expect((await cli(['--help'])).stdout).toMatch(/worker \[options\]/)
    const run = await cli(['pipeline', 'run', '--help'])
    expect(run.stdout).toContain('--executor <name>')
    expect(run.stdout).toContain('--redis-url <url>')
  })
})

describe('resolveRedisUrl / redactRedisUrl / createCliExecutor', () => {
  it('prefers the flag, falls back to DF_REDIS_URL', () => {
    expect(resolveRedisUrl('redis://a:1', { DF_REDIS_URL: 'redis://b:2' }, 'x')).toBe('redis://a:1')
    expect(resolveRedisUrl(undefined, { DF_REDIS_URL: 'rediss://b:2/3' }, 'x')).toBe(
      'rediss://b:2/3',
    )
    const missing = (() => {
      try {
        resolveRedisUrl(undefined, {}, 'x')
      } catch (e) {
        return e
      }
    })()
    expect(CliError.is(missing) && missing.code).toBe('DF_CLI_USAGE')
  })

  it('redacts the password of every Redis URL form', () => {
    expect(redactRedisUrl(`redis://:${SECRET}@h:6379/0`)).toBe('redis://:***@h:6379/0')
    expect(redactRedisUrl(`rediss://default:${SECRET}@h`)).toBe('rediss://default:***@h')
    expect(redactRedisUrl(`redis://h:6379?password=${SECRET}`)).toBe('redis://h:6379?password=***')
    expect(redactRedisUrl('redis://h:6379')).toBe('redis://h:6379')
  })

  it('makes no executor for in-process (each pipeline keeps its own)', async () => {
    expect(
      await createCliExecutor({ executor: 'in-process' }, { DF_REDIS_URL: 'redis://h' }),
    ).toEqual({ executor: undefined, describe: 'in-process' })
  })
})

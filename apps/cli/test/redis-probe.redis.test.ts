/**
 * `probeRedis` against the real Redis of the services script (DF_TEST_REDIS_URL): it answers,
 * counts a real worker's connection, refuses wrong credentials, and a closed port is unreachable;
 * no message holds the password.
 */
import { randomBytes } from 'node:crypto'
import { connect, createServer } from 'node:net'
import { startWorker } from '@df/executor-bullmq'
import { describe, expect, it } from 'vitest'
import { CliError } from '../src/cli-error.js'
import { probeRedis } from '../src/redis-probe.js'

const REDIS_URL = process.env.DF_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const SECRET = 'not-the-password-9f3a'

/** Deletes every key under `prefix:` (one EVAL over a raw connection: no Redis client here). */
async function dropPrefix(prefix: string): Promise<void> {
  const u = new URL(REDIS_URL)
  const script = "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end"
  const resp = (...args: string[]) =>
    `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`
  const auth = u.password
    ? resp(
        'AUTH',
        ...(u.username ? [decodeURIComponent(u.username)] : []),
        decodeURIComponent(u.password),
      )
    : ''
  const wire = `${auth}${resp('EVAL', script, '0', `${prefix}:*`)}`
  await new Promise<void>((resolve, reject) => {
    const socket = connect(Number(u.port || 6379), u.hostname, () => socket.write(wire))
    let text = ''
    socket.on('data', (reply) => {
      text += reply.toString()
      // One reply per command: AUTH's +OK (when sent), then EVAL's.
      if (text.split('\r\n').length - 1 < (auth ? 2 : 1)) return
      socket.end()
      if (/^-|\r\n-/.test(text)) reject(new Error(text))
      else resolve()
    })
    socket.once('error', reject)
  })
}

async function failure(url: string, timeoutMs?: number): Promise<CliError> {
  const error = await probeRedis(url, timeoutMs).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(CliError.is(error)).toBe(true)
  expect((error as CliError).code).toBe('DF_CLI_REDIS_UNAVAILABLE')
  expect((error as CliError).message).not.toContain(SECRET)
  return error as CliError
}

describe('probeRedis', () => {
  it('resolves when Redis answers PING', async () => {
    await expect(probeRedis(REDIS_URL)).resolves.toEqual({ workers: undefined })
  })

  it('counts the workers connected to a queue', async () => {
    const prefix = `dfprobe${randomBytes(4).toString('hex')}`
    const queue = { queue: 'df', prefix }
    expect(await probeRedis(REDIS_URL, 5000, queue)).toEqual({ workers: 0 })
    const worker = await startWorker({ connection: REDIS_URL, prefix, name: 'probe-w' })
    try {
      expect(await probeRedis(REDIS_URL, 5000, queue)).toEqual({ workers: 1 })
      expect(await probeRedis(REDIS_URL, 5000, { queue: 'other', prefix })).toEqual({ workers: 0 })
    } finally {
      await worker.close()
    }
    expect(await probeRedis(REDIS_URL, 5000, queue)).toEqual({ workers: 0 })
    await dropPrefix(prefix)
  })

  it('says the credentials were refused, with the password redacted', async () => {
    const url = new URL(REDIS_URL)
    url.username = 'df_no_such_user'
    url.password = SECRET
    const error = await failure(url.toString())
    expect(error.message).toContain('df_no_such_user:***@')
    expect(error.message).toContain('refused the credentials of the URL (WRONGPASS')
  })

  it('says a closed port cannot be reached', async () => {
    const server = createServer()
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const { port } = server.address() as { port: number }
    await new Promise<void>((r) => server.close(() => r()))
    const error = await failure(`redis://:${SECRET}@127.0.0.1:${port}`)
    expect(error.message).toBe(
      `[@df/cli] Redis at redis://:***@127.0.0.1:${port} cannot be reached (ECONNREFUSED): start it, or pass the right --redis-url.`,
    )
  })

  it('gives up on a server that never answers', async () => {
    const server = createServer(() => {})
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const { port } = server.address() as { port: number }
    try {
      const error = await failure(`redis://127.0.0.1:${port}`, 300)
      expect(error.message).toContain('did not answer within 0.3 s.')
    } finally {
      server.close()
    }
  })
})

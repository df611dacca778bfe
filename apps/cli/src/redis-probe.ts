/**
 * One look at the Redis of `--redis-url` before a command depends on it: connect, `AUTH` when the
 * URL has a password, `PING`. Without it, an unreachable Redis or a wrong password would leave
 * `pipeline run` waiting silently and `worker` printing the same reconnect error forever; with it
 * the command ends at once with one line that says what is wrong (the password shown as `***`).
 */
import { connect as connectTcp, type Socket } from 'node:net'
import { connect as connectTls } from 'node:tls'
import { redactBackendUrl as redactRedisUrl } from '@df/orchestration'
import { CliError } from './cli-error.js'

/** A RESP bulk-string command. */
function command(...args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`
}

/** Where the probe also counts the BullMQ workers connected (`CLIENT LIST`). */
export interface ProbeQueue {
  readonly queue: string
  readonly prefix: string
}

/**
 * Resolves when the Redis at `url` answers `PING` (after `AUTH` with the URL's credentials). With
 * `queue`, also counts the workers connected to it (by their client names, as BullMQ's
 * `getWorkers` does, one per distinct worker name); `undefined` when the server does not allow `CLIENT LIST`.
 * @throws CliError `DF_CLI_REDIS_UNAVAILABLE`: unreachable, no answer within `timeoutMs`, or the
 *   credentials refused.
 */
export async function probeRedis(
  url: string,
  timeoutMs = 5000,
  queue?: ProbeQueue,
): Promise<{ workers: number | undefined }> {
  const u = new URL(url)
  const where = redactRedisUrl(url)
  const port = Number(u.port || 6379)
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1')
  const commands: string[] = []
  if (u.password) {
    const password = decodeURIComponent(u.password)
    commands.push(
      u.username
        ? command('AUTH', decodeURIComponent(u.username), password)
        : command('AUTH', password),
    )
  }
  commands.push(command('PING'))
  if (queue) commands.push(command('CLIENT', 'LIST'))
  const replies = await new Promise<string[]>((resolve, reject) => {
    const fail = (what: string) => {
      socket.destroy()
      reject(new CliError('DF_CLI_REDIS_UNAVAILABLE', `Redis at ${where} ${what}`))
    }
    const socket: Socket =
      u.protocol === 'rediss:'
        ? connectTls({ host, port, servername: host })
        : connectTcp({ host, port })
    socket.setTimeout(timeoutMs, () => fail(`did not answer within ${timeoutMs / 1000} s.`))
    socket.once(u.protocol === 'rediss:' ? 'secureConnect' : 'connect', () => {
      socket.write(commands.join(''))
    })
    let buffer = Buffer.alloc(0)
    const got: string[] = []
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk])
      for (;;) {
        const next = readReply(buffer)
        if (next === undefined) return
        buffer = buffer.subarray(next.length)
        const reply = next.reply
        // AUTH and PING must succeed; CLIENT LIST may be refused (an ACL, a managed Redis).
        if (reply.startsWith('-') && got.length < commands.length - (queue ? 1 : 0)) {
          const message = reply.slice(1)
          return fail(
            /^(WRONGPASS|NOAUTH|ERR.*(password|AUTH))/i.test(message)
              ? `refused the credentials of the URL (${message}).`
              : `answered with an error (${message}).`,
          )
        }
        got.push(reply)
        if (got.length === commands.length) {
          socket.end()
          return resolve(got)
        }
      }
    })
    socket.on('error', (error: NodeJS.ErrnoException) =>
      fail(
        `cannot be reached (${error.code ?? error.message}): start it, or pass the right --redis-url.`,
      ),
    )
  })
  if (!queue) return { workers: undefined }
  const list = replies[replies.length - 1] as string
  if (list.startsWith('-')) return { workers: undefined }
  const base = `${queue.prefix}:${Buffer.from(queue.queue).toString('base64')}`
  const names = list
    .split('\n')
    .map((line) => /(?:^| )name=(\S*)/.exec(line)?.[1] ?? '')
    .filter((name) => name === base || name.startsWith(`${base}:w:`))
  // A worker process runs several BullMQ workers (its fetchers) under one name: count it once.
  const named = new Set(names.filter((name) => name !== base))
  return { workers: named.size + names.filter((name) => name === base).length }
}

/**
 * One RESP reply at the start of `buffer` (simple string, error, integer or bulk string), as
 * text with its type character (`+PONG`, `-ERR …`, `$<the bulk>`), and its length in bytes; or
 * undefined when it is not complete yet.
 */
function readReply(buffer: Buffer): { reply: string; length: number } | undefined {
  const end = buffer.indexOf('\r\n')
  if (end < 0) return undefined
  const head = buffer.subarray(0, end).toString('utf8')
  if (head[0] !== '$') return { reply: head, length: end + 2 }
  const size = Number(head.slice(1))
  if (size < 0) return { reply: '$', length: end + 2 }
  if (buffer.length < end + 2 + size + 2) return undefined
  return {
    reply: `$${buffer.subarray(end + 2, end + 2 + size).toString('utf8')}`,
    length: end + 2 + size + 2,
  }
}

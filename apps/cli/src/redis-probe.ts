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

/**
 * Resolves when the Redis at `url` answers `PING` (after `AUTH` with the URL's credentials).
 * @throws CliError `DF_CLI_REDIS_UNAVAILABLE`: unreachable, no answer within `timeoutMs`, or the
 *   credentials refused.
 */
export async function probeRedis(url: string, timeoutMs = 5000): Promise<void> {
  const u = new URL(url)
  const where = redactRedisUrl(url)
  const port = Number(u.port || 6379)
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1')
  const lines: string[] = [command('PING')]
  if (u.password) {
    const password = decodeURIComponent(u.password)
    lines.unshift(
      u.username
        ? command('AUTH', decodeURIComponent(u.username), password)
        : command('AUTH', password),
    )
  }
  await new Promise<void>((resolve, reject) => {
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
      socket.write(lines.join(''))
    })
    let buffer = ''
    let replies = 0
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8')
      let end = buffer.indexOf('\r\n')
      while (end >= 0) {
        const reply = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        replies++
        if (reply.startsWith('-')) {
          const message = reply.slice(1)
          return fail(
            /^(WRONGPASS|NOAUTH|ERR.*(password|AUTH))/i.test(message)
              ? `refused the credentials of the URL (${message}).`
              : `answered with an error (${message}).`,
          )
        }
        if (replies === lines.length) {
          socket.end()
          return resolve()
        }
        end = buffer.indexOf('\r\n')
      }
    })
    socket.on('error', (error: NodeJS.ErrnoException) =>
      fail(
        `cannot be reached (${error.code ?? error.message}): start it, or pass the right --redis-url.`,
      ),
    )
  })
}

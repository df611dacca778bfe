/**
 * The real Redis of the distributed e2e tests: a unique key prefix per test file and, for the
 * secret checks, a throw-away ACL user with a password (so the Redis URL really carries one),
 * all removed afterwards. Locally a Redis that is down skips the tests; in CI it fails them.
 */
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'

export const REDIS_URL = process.env.DF_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A prefix, a password-carrying URL for it, and the clean-up. */
export interface TestRedis {
  /** `redis://<user>:<password>@host:port/db`. */
  readonly url: string
  readonly password: string
  readonly prefix: string
  /** Every key under the prefix (a secret scan reads them). */
  keys(): Promise<string[]>
  /** A client on the bare URL (the test's own checks). */
  readonly client: Redis
  readonly drop: () => Promise<void>
}

/** Creates the ACL user and the prefix, or returns undefined when Redis is down (locally). */
export async function testRedis(): Promise<TestRedis | undefined> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await client.connect()
  } catch (error) {
    client.disconnect()
    if (process.env.CI === 'true') throw new Error('Redis is not reachable in CI', { cause: error })
    return undefined
  }
  const id = randomBytes(5).toString('hex')
  const user = `dfe2e_${id}`
  const password = `pw-${randomBytes(12).toString('hex')}`
  await client.call('ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '&*', '+@all')
  const url = new URL(REDIS_URL)
  url.username = user
  url.password = password
  const prefix = `dfe2e${id}`
  const keys = async (): Promise<string[]> => {
    const found: string[] = []
    let cursor = '0'
    do {
      const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
      cursor = next
      found.push(...batch)
    } while (cursor !== '0')
    return found
  }
  return {
    url: url.toString(),
    password,
    prefix,
    keys,
    client,
    drop: async () => {
      const all = await keys()
      if (all.length > 0) await client.del(...all)
      await client.call('ACL', 'DELUSER', user)
      await client.quit()
    },
  }
}

/** Shared test plumbing: the Redis URL, a unique key prefix per file, cleanup. */
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'

/** A prefix no other test file uses, so parallel projects never share keys. */
export function uniquePrefix(tag: string): string {
  return `dft-${tag}-${process.pid}-${randomBytes(3).toString('hex')}`
}

/** Deletes every key under `prefix`. */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url)
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) await redis.del(...keys)
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}

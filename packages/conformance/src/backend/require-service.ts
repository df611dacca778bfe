/**
 * `requireService`: find a test service (PostgreSQL, MariaDB, Redis) or decide, loudly, what to do
 * when it is not there. Locally a missing service skips the suites of that test file; with `CI`
 * set it throws while the file loads, so the file FAILS: a CI run can never go green by skipping.
 */
import { spawnSync } from 'node:child_process'

/** The local services every machine here runs (scripts/test-env.sh), used when the var is unset. */
export const DEFAULT_SERVICE_URLS: Readonly<Record<string, string>> = {
  DF_TEST_POSTGRES_URL: 'postgres://df:df@127.0.0.1:5432/test',
  DF_TEST_MYSQL_URL: 'mysql://df:df@127.0.0.1:3306/test',
  DF_TEST_REDIS_URL: 'redis://127.0.0.1:6379',
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  'postgres:': 5432,
  'postgresql:': 5432,
  'mysql:': 3306,
  'mariadb:': 3306,
  'redis:': 6379,
  'rediss:': 6379,
}

const missing = new Map<string, string>()

/** True when `CI` is set to anything but `''`, `'0'` or `'false'`. */
export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false'
}

/** Services this test file asked for and did not get (`envVar` → why). Read by `describeBackend`. */
export function missingServices(): ReadonlyMap<string, string> {
  return missing
}

/**
 * TCP-probes `host:port` from a child process, so the check stays synchronous (a test file calls
 * `requireService` at load time, before `describe`). A refused or timed-out connect is "down".
 */
function reachable(host: string, port: number, timeoutMs: number): boolean {
  const probe = `const s=require('node:net').connect({host:process.argv[1],port:Number(process.argv[2])});s.setTimeout(${timeoutMs},()=>process.exit(2));s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1))`
  const result = spawnSync(process.execPath, ['-e', probe, host, String(port)], {
    timeout: timeoutMs + 5000,
    stdio: 'ignore',
    env: { PATH: process.env.PATH ?? '' },
  })
  return result.status === 0
}

/** `host:port` of a service URL, for messages: never the user or password. */
function endpoint(url: string): { host: string; port: number } | undefined {
  try {
    const parsed = new URL(url)
    const port = parsed.port ? Number(parsed.port) : DEFAULT_PORTS[parsed.protocol]
    if (!parsed.hostname || port === undefined) return undefined
    return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port }
  } catch {
    return undefined
  }
}

/**
 * Returns the service URL from `envVar`, or the documented local default when it is unset, after
 * checking that something listens there.
 *
 * - Reachable: returns the URL.
 * - Unreachable or unknown, `CI` not set: records the service as missing (every `describeBackend`
 *   in this test file is then skipped, with the reason in its title) and returns `undefined`.
 * - Unreachable or unknown, `CI` set: throws, so the test file fails instead of skipping.
 *
 * @example
 * const url = requireService('DF_TEST_POSTGRES_URL')
 */
export function requireService(
  envVar: `DF_TEST_${string}`,
  options: { readonly timeoutMs?: number; readonly env?: NodeJS.ProcessEnv } = {},
): string | undefined {
  const env = options.env ?? process.env
  const url = env[envVar] || DEFAULT_SERVICE_URLS[envVar]
  let problem: string | undefined
  if (!url) {
    problem = `${envVar} is not set and has no default`
  } else {
    const target = endpoint(url)
    if (!target) problem = `${envVar} is not a URL with a host and port`
    else if (!reachable(target.host, target.port, options.timeoutMs ?? 2000)) {
      problem = `nothing answers at ${target.host}:${target.port} (${envVar})`
    }
  }
  if (problem === undefined) return url
  if (isCI(env)) {
    throw new Error(
      `[@df/conformance] Required test service missing: ${problem}. CI is set, so this fails instead of skipping; start the service (scripts/services) or set ${envVar}.`,
    )
  }
  missing.set(envVar, problem)
  console.warn(`[@df/conformance] Skipping suites that need ${envVar}: ${problem}.`)
  return undefined
}

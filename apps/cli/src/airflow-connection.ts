/**
 * A Dremio connection as Airflow users hold it, parsed into `DremioClientOptions`: the value of
 * `DREMIO_CONN` or `AIRFLOW_CONN_<ID>` (Airflow's environment-variable connections), in either of
 * Airflow's two forms:
 *
 * - JSON (the seed's): `{"conn_type": "dremio", "host": "data.dremio.cloud", "port": 443,
 *   "login": "…", "password": "…", "extra": {"pat": "…", "project_id": "…", "tls": true,
 *   "disable_certificate_verification": false}}` (`extra` may also be a JSON string);
 * - URI: `dremio://login:password@host:port/?pat=…&project_id=…&tls=true` (query values are the
 *   extras; `__extra__` may hold them as JSON).
 *
 * Mapping (the original hook's, minus its bugs: reference §4.5): `extra.pat` (or `extra.token`)
 * is the PAT; otherwise `login` + `password` log in; a `password` without `login` is a PAT.
 * `extra.project_id` means Dremio Cloud (`host` picks the region or the API URL); otherwise
 * Dremio Software at `host:port`. `tls` defaults to true on port 443 (and when no port is given),
 * false otherwise; `host` may also be a full `http(s)://` URL. Errors never show the value.
 */
import type { DremioClientOptions } from '@df/client'
import { CliError } from './cli-error.js'

/** A parsed connection and a secret-free description of it. */
export interface AirflowConnection {
  readonly options: DremioClientOptions
  /** e.g. `software https://dremio.internal:9047, PAT`. */
  readonly describe: string
}

function bad(source: string, what: string): CliError {
  return new CliError('DF_CLI_CONFIG_INVALID', `${source} ${what}.`)
}

/**
 * Parses `value` (JSON or URI). `source` names it in errors (`DREMIO_CONN`), which never contain
 * the value itself.
 * @throws CliError `DF_CLI_CONFIG_INVALID`
 */
export function parseAirflowConnection(value: string, source: string): AirflowConnection {
  const text = value.trim()
  const fields = text.startsWith('{') ? fromJson(text, source) : fromUri(text, source)
  return toOptions(fields, source)
}

interface ConnFields {
  host?: string
  port?: number
  login?: string
  password?: string
  schema?: string
  extra: Record<string, unknown>
}

function fromJson(text: string, source: string): ConnFields {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    // Not even the parser's message: it quotes the text, which holds the password.
    throw bad(source, 'is neither valid JSON nor a dremio:// URI')
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw bad(source, 'must be a JSON object')
  }
  const o = doc as Record<string, unknown>
  let extra = o.extra ?? {}
  if (typeof extra === 'string') {
    try {
      extra = extra.trim() === '' ? {} : JSON.parse(extra)
    } catch {
      throw bad(source, 'has an "extra" that is not valid JSON')
    }
  }
  if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) {
    throw bad(source, 'has an "extra" that is not a JSON object')
  }
  const str = (k: string): string | undefined => {
    const v = o[k]
    if (v === undefined || v === null || v === '') return undefined
    if (typeof v !== 'string') throw bad(source, `has a "${k}" that is not text`)
    return v
  }
  const port = o.port === undefined || o.port === null || o.port === '' ? undefined : Number(o.port)
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    throw bad(source, 'has a "port" that is not 1-65535')
  }
  const out: ConnFields = { extra: extra as Record<string, unknown> }
  for (const k of ['host', 'login', 'password', 'schema'] as const) {
    const v = str(k)
    if (v !== undefined) out[k] = v
  }
  if (port !== undefined) out.port = port
  return out
}

function fromUri(text: string, source: string): ConnFields {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw bad(source, 'is neither valid JSON nor a dremio:// URI')
  }
  if (!/^(dremio|https?|dremios):$/.test(url.protocol)) {
    throw bad(source, `has the scheme '${url.protocol}' (use dremio://, or the JSON form)`)
  }
  const extra: Record<string, unknown> = {}
  for (const [k, v] of url.searchParams) {
    if (k !== '__extra__') {
      extra[k] = v
      continue
    }
    try {
      Object.assign(extra, JSON.parse(v))
    } catch {
      throw bad(source, 'has an __extra__ that is not valid JSON')
    }
  }
  const decode = (s: string) => (s === '' ? undefined : decodeURIComponent(s))
  const out: ConnFields = { extra }
  const host = decode(url.hostname)
  const login = decode(url.username)
  const password = decode(url.password)
  const schema = decode(url.pathname.replace(/^\//, ''))
  if (host) out.host = host
  if (login) out.login = login
  if (password) out.password = password
  if (schema) out.schema = schema
  if (url.port) out.port = Number(url.port)
  if (url.protocol === 'https:' || url.protocol === 'dremios:') extra.tls ??= true
  if (url.protocol === 'http:') extra.tls ??= false
  return out
}

/** `true`, `"true"`, `"1"`, `"yes"` → true; `false`, `"false"`, `"0"`, `"no"` → false. */
function flag(value: unknown, name: string, source: string): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value === 'boolean') return value
  const s = String(value).trim().toLowerCase()
  if (['true', '1', 'yes', 'on'].includes(s)) return true
  if (['false', '0', 'no', 'off'].includes(s)) return false
  throw bad(source, `has an extra "${name}" that is not true or false`)
}

function toOptions(c: ConnFields, source: string): AirflowConnection {
  const x = c.extra
  const text = (k: string): string | undefined =>
    typeof x[k] === 'string' && (x[k] as string).trim() !== '' ? (x[k] as string) : undefined
  const pat = text('pat') ?? text('token') ?? (c.login === undefined ? c.password : undefined)
  const projectId = text('project_id')
  const noVerify = flag(
    x.disable_certificate_verification,
    'disable_certificate_verification',
    source,
  )
  const tlsOption = noVerify ? { tls: { rejectUnauthorized: false } } : {}
  const auth = pat !== undefined ? 'PAT' : `user ${c.login ?? '?'} with password`
  const credentials: DremioClientOptions =
    pat !== undefined
      ? { pat }
      : c.login !== undefined && c.password !== undefined
        ? { username: c.login, password: c.password }
        : {}
  if (credentials.pat === undefined && credentials.username === undefined) {
    throw bad(source, 'has no credentials: set extra.pat, or login and password')
  }
  if (projectId !== undefined) {
    const region = (
      text('region') ?? (/\.eu\.dremio\.cloud$/i.test(c.host ?? '') ? 'eu' : 'us')
    ).toLowerCase()
    if (region !== 'us' && region !== 'eu')
      throw bad(source, 'has an extra "region" that is not us or eu')
    const dremioCloud = c.host === undefined || /(^|\.)dremio\.cloud$/i.test(c.host)
    const url = dremioCloud ? undefined : baseUrl(c, source)
    return {
      options: {
        ...credentials,
        cloud: { projectId, region: region as 'us' | 'eu', ...(url ? { url } : {}) },
        ...tlsOption,
      },
      describe: `cloud project ${projectId}${url ? ` at ${url}` : ` (${region})`}, ${auth}`,
    }
  }
  if (c.host === undefined) throw bad(source, 'has no "host"')
  const url = baseUrl(c, source)
  return { options: { url, ...credentials, ...tlsOption }, describe: `software ${url}, ${auth}` }
}

function baseUrl(c: ConnFields, source: string): string {
  const host = c.host as string
  if (/^https?:\/\//i.test(host)) {
    let u: URL
    try {
      u = new URL(host)
    } catch {
      throw bad(source, 'has a "host" URL that cannot be parsed')
    }
    if (c.port !== undefined && u.port === '') u.port = String(c.port)
    return u.origin
  }
  const tls = flag(c.extra.tls, 'tls', source) ?? (c.port === undefined || c.port === 443)
  const port = c.port ?? (tls ? 443 : 9047)
  const defaultPort = tls ? 443 : 80
  return `${tls ? 'https' : 'http'}://${host}${port === defaultPort ? '' : `:${port}`}`
}

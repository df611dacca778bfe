/**
 * `~/.dremio/profiles.yaml`, the original dremioframe format:
 *
 * ```yaml
 * default_profile: local
 * profiles:
 *   local:   { type: software, base_url: http://localhost:9047, auth: { type: pat, token: … } }
 *   dev:     { type: software, base_url: https://dremio.dev:9047, auth: { type: username_password, username: ann, password: … } }
 *   cloud:   { type: cloud, project_id: …, auth: { type: pat, token: … } }
 * ```
 *
 * A profile becomes `DremioClientOptions`. Unlike the original, `ssl` is honoured (it picks the
 * scheme when only `hostname`/`port` are given) and `verify_ssl: false` really disables
 * certificate checks (the original overwrote the first and ignored the second, reference §4.1).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { DremioClientOptions } from '@df/client'
import { CliError } from './cli-error.js'

/** The YAML parser, loaded only when a profiles file exists (start-up time of every command). */
function parseYaml(text: string): unknown {
  const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml')
  return parse(text)
}

/** The parsed profiles file. */
export interface ProfilesFile {
  readonly defaultProfile: string | undefined
  readonly profiles: Readonly<Record<string, Record<string, unknown>>>
  readonly path: string
}

/** `~/.dremio/profiles.yaml` (HOME is honoured, so tests can point it elsewhere). */
export function defaultProfilesPath(): string {
  return join(homedir(), '.dremio', 'profiles.yaml')
}

/** Reads the profiles file; `undefined` when it does not exist. @throws CliError on bad YAML. */
export function readProfiles(path: string = defaultProfilesPath()): ProfilesFile | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new CliError('DF_CLI_CONFIG_INVALID', `Cannot read ${path}.`, { cause: error })
  }
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch {
    // The YAML error quotes the offending line, which may hold a token: keep it out of the
    // message, and do not attach it as the cause (util.inspect(err) would print it).
    throw new CliError('DF_CLI_CONFIG_INVALID', `${path} is not valid YAML.`)
  }
  if (doc === null || doc === undefined) return { defaultProfile: undefined, profiles: {}, path }
  if (!isObject(doc)) throw invalid(path, 'the top level must be a mapping')
  const profiles = doc.profiles ?? {}
  if (!isObject(profiles)) throw invalid(path, '`profiles` must be a mapping of name -> profile')
  for (const [name, p] of Object.entries(profiles)) {
    if (!isObject(p)) throw invalid(path, `profile '${name}' must be a mapping`)
  }
  const def = doc.default_profile
  if (def !== undefined && typeof def !== 'string') {
    throw invalid(path, '`default_profile` must be a profile name')
  }
  return {
    defaultProfile: def,
    profiles: profiles as Record<string, Record<string, unknown>>,
    path,
  }
}

/** Client options of profile `name`. @throws CliError naming the field, never its value. */
export function profileToOptions(file: ProfilesFile, name: string): DremioClientOptions {
  const p = file.profiles[name]
  if (!p) {
    const known = Object.keys(file.profiles)
    throw new CliError(
      'DF_CLI_CONFIG_INVALID',
      `No profile '${name}' in ${file.path} (profiles: ${known.length ? known.join(', ') : 'none'}).`,
    )
  }
  const where = `profile '${name}' in ${file.path}`
  const type = str(p.type, `${where}: type`) ?? 'software'
  const auth = p.auth === undefined ? {} : p.auth
  if (!isObject(auth)) throw invalid(where, '`auth` must be a mapping')
  const out: DremioClientOptions = {}
  const authType = str(auth.type, `${where}: auth.type`) ?? (auth.token ? 'pat' : undefined)
  if (authType === 'pat') {
    out.pat = required(auth.token, `${where}: auth.token`)
  } else if (authType === 'username_password') {
    out.username = required(auth.username, `${where}: auth.username`)
    out.password = required(auth.password, `${where}: auth.password`)
  } else if (authType === 'oauth') {
    throw invalid(where, 'OAuth client credentials are not supported by @df/client: use a PAT')
  } else if (authType !== undefined) {
    throw invalid(where, `unknown auth.type '${authType}' (pat, username_password)`)
  }
  const baseUrl = str(p.base_url, `${where}: base_url`)
  const ssl = bool(p.ssl, `${where}: ssl`)
  if (type === 'cloud') {
    const projectId = required(p.project_id, `${where}: project_id`)
    out.cloud = { projectId, ...(baseUrl ? { url: baseUrl } : {}) }
    const region = str(p.region, `${where}: region`)
    if (region === 'us' || region === 'eu') out.cloud.region = region
  } else if (type === 'software' || type === 'v26' || type === 'v25') {
    const host = str(p.hostname, `${where}: hostname`)
    const port = p.port === undefined ? undefined : Number(p.port)
    if (baseUrl) out.url = baseUrl
    else if (host) out.url = `${ssl ? 'https' : 'http'}://${host}:${port ?? (ssl ? 443 : 9047)}`
    else throw invalid(where, 'a software profile needs base_url (or hostname)')
  } else {
    throw invalid(where, `unknown type '${type}' (software, cloud)`)
  }
  if (bool(p.verify_ssl, `${where}: verify_ssl`) === false) out.tls = { rejectUnauthorized: false }
  return out
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function str(v: unknown, what: string): string | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string' && typeof v !== 'number') {
    throw new CliError('DF_CLI_CONFIG_INVALID', `${what} must be a string.`)
  }
  return String(v)
}

function required(v: unknown, what: string): string {
  const s = str(v, what)
  if (!s) throw new CliError('DF_CLI_CONFIG_INVALID', `${what} is required.`)
  return s
}

function bool(v: unknown, what: string): boolean | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v === 'boolean') return v
  if (v === 'true' || v === 'false') return v === 'true'
  throw new CliError('DF_CLI_CONFIG_INVALID', `${what} must be true or false.`)
}

function invalid(where: string, what: string): CliError {
  return new CliError('DF_CLI_CONFIG_INVALID', `${where}: ${what}.`)
}

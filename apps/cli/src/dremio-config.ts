/**
 * Where the CLI's Dremio connection comes from, in this order:
 * 1. flags: `--url` (overrides the URL of whatever is chosen below), `--profile NAME`;
 * 2. an explicitly chosen profile (`--profile` or `DREMIO_PROFILE`);
 * 3. `DREMIO_CONN`: an Airflow-style connection (JSON or `dremio://` URI, see
 *    `airflow-connection.ts`);
 * 4. the `DREMIO_*` environment variables (`DREMIO_URL`, `DREMIO_PAT`, `DREMIO_USERNAME`,
 *    `DREMIO_PASSWORD`, `DREMIO_PROJECT_ID`, `DREMIO_CLOUD_REGION`) when `DREMIO_URL` or
 *    `DREMIO_PROJECT_ID` is set;
 * 5. `AIRFLOW_CONN_<ID>`, the connection Airflow itself reads from the environment, with `<ID>`
 *    from `DREMIO_CONN_ID` (default `dremio_default`, so `AIRFLOW_CONN_DREMIO_DEFAULT`);
 * 6. the profiles file's `default_profile`.
 * Secrets (tokens, passwords) come from the environment or the profiles file, never from flags
 * (flags show up in `ps` and shell history), and are never printed: `describe` says where they
 * came from, not what they are. Empty variables count as unset.
 */

import type { Job } from '@df/client'
import {
  DremioClient,
  type DremioClientOptions,
  optionsFromEnv,
  type SubmitOptions,
} from '@df/client'
import { parseAirflowConnection } from './airflow-connection.js'
import { CliError } from './cli-error.js'
import { profileToOptions, readProfiles } from './profiles.js'

/** Flags that shape the connection. */
export interface ConnectionFlags {
  readonly profile?: string
  readonly url?: string
  readonly profilesFile?: string
}

/** Resolved client options and a secret-free description of them. */
export interface ResolvedConnection {
  readonly options: DremioClientOptions
  /** e.g. `software http://127.0.0.1:9047, PAT, from DREMIO_* environment variables`. */
  readonly describe: string
}

/** Resolves the connection. @throws CliError / DremioConfigError with what to set. */
export function resolveConnection(
  flags: ConnectionFlags,
  env: Record<string, string | undefined> = process.env,
): ResolvedConnection {
  const profiles = readProfiles(flags.profilesFile)
  const chosen = flags.profile ?? (env.DREMIO_PROFILE?.trim() || undefined)
  let options: DremioClientOptions
  let source: string
  if (chosen !== undefined) {
    if (!profiles) {
      throw new CliError(
        'DF_CLI_CONFIG_INVALID',
        `Profile '${chosen}' was asked for but ${flags.profilesFile ?? '~/.dremio/profiles.yaml'} does not exist.`,
      )
    }
    options = profileToOptions(profiles, chosen)
    source = `profile '${chosen}'`
  } else if (env.DREMIO_CONN?.trim()) {
    ;({ options } = parseAirflowConnection(env.DREMIO_CONN, 'DREMIO_CONN'))
    source = 'DREMIO_CONN'
  } else if (env.DREMIO_URL?.trim() || env.DREMIO_PROJECT_ID?.trim()) {
    options = optionsFromEnv(env)
    source = 'DREMIO_* environment variables'
  } else if (env[airflowVariable(env)]?.trim()) {
    const name = airflowVariable(env)
    ;({ options } = parseAirflowConnection(env[name] as string, name))
    source = name
  } else if (profiles?.defaultProfile !== undefined) {
    options = profileToOptions(profiles, profiles.defaultProfile)
    source = `default profile '${profiles.defaultProfile}'`
  } else if (flags.url !== undefined) {
    options = optionsFromEnv({ ...env, DREMIO_URL: flags.url })
    source = '--url and DREMIO_* environment variables'
  } else {
    throw new CliError(
      'DF_CLI_CONFIG_INVALID',
      'No Dremio connection configured: set DREMIO_URL and DREMIO_PAT (or DREMIO_USERNAME/DREMIO_PASSWORD), or DREMIO_CONN / AIRFLOW_CONN_DREMIO_DEFAULT (an Airflow connection), pass --profile NAME, or add a default_profile to ~/.dremio/profiles.yaml.',
    )
  }
  if (flags.url !== undefined) {
    if (options.cloud) options = { ...options, cloud: { ...options.cloud, url: flags.url } }
    else options = { ...options, url: flags.url }
  }
  const target = options.cloud
    ? `cloud project ${options.cloud.projectId}${options.cloud.url ? ` at ${options.cloud.url}` : ''}`
    : `software ${options.url}`
  const auth = options.pat !== undefined ? 'PAT' : `user ${options.username ?? '?'} with password`
  return { options, describe: `${target}, ${auth}, from ${source}` }
}

/** `AIRFLOW_CONN_<DREMIO_CONN_ID>` upper-cased, default `AIRFLOW_CONN_DREMIO_DEFAULT`. */
export function airflowVariable(env: Record<string, string | undefined>): string {
  const id = env.DREMIO_CONN_ID?.trim() || 'dremio_default'
  return `AIRFLOW_CONN_${id.toUpperCase()}`
}

/**
 * A `DremioClient` that remembers the jobs it submitted, so that on Ctrl-C the CLI can make
 * sure every job it started is cancelled (a task's own cancel request may still be in flight
 * when the run is already recorded CANCELLED and the process is about to exit).
 */
export class TrackingDremioClient extends DremioClient {
  readonly #jobs = new Set<string>()

  override async submit(
    sql: Parameters<DremioClient['submit']>[0],
    options: SubmitOptions & { signal?: AbortSignal } = {},
  ): Promise<Job> {
    // The submit itself is not aborted: a cancel that lands while POST /sql is in flight would
    // lose the id of a job Dremio already accepted, and that job would run on unobserved. The
    // request is bounded by the client's timeout; an abort seen afterwards cancels the job.
    const { signal, ...rest } = options
    if (signal?.aborted) throw signal.reason
    const job = await super.submit(sql, rest)
    this.#jobs.add(job.id)
    if (signal?.aborted) {
      await job.cancel().catch(() => false)
      throw signal.reason
    }
    return job
  }

  /** Ids of the jobs submitted through this client, oldest first. */
  get submittedJobs(): readonly string[] {
    return [...this.#jobs]
  }

  /** Cancels every submitted job that has not finished; returns the ids it cancelled. */
  async cancelSubmitted(): Promise<string[]> {
    const cancelled: string[] = []
    await Promise.all(
      [...this.#jobs].map(async (id) => {
        if (
          await this.job(id)
            .cancel()
            .catch(() => false)
        )
          cancelled.push(id)
      }),
    )
    return cancelled
  }
}

/**
 * `FileSensor` (type `dremio.file_sensor`): pokes with
 * `SELECT COUNT(*) FROM TABLE(LIST_FILES('@source/path'))` and passes when the file, or a file
 * under the folder, exists. A location that does not exist yet counts as "not yet"; any other
 * error (unknown source, bad path, connection) fails the attempt at once.
 */

import type { JsonObject, TaskContext } from '@df/orchestration'
import { clientNameOf, type DremioClientRef, resolveDremioClient } from '../client-registry.js'
import { DremioTaskError } from '../dremio-task-error.js'
import { runStatement } from '../internal/run-statement.js'
import { noteDremioJob, taskInvalid } from '../internal/task-support.js'
import { type PokeResult, Sensor, type SensorOptions } from './sensor.js'

/** Options of {@link FileSensor}. */
export interface FileSensorOptions extends SensorOptions {
  readonly client: DremioClientRef
  /** @default 'default' */
  readonly clientName?: string
  /** `'@source/dir/file.csv'` or `'@source/dir'` (Dremio's LIST_FILES location form). */
  readonly path: string
}

const LOCATION = /^@[^/\s]+(\/[^\s]*)?$/u

/**
 * Waits until a file (or any file in a folder) exists under a Dremio source.
 *
 * @example
 * const arrived = new FileSensor({ name: 'wait_for_drop', client, path: '@lake/incoming/orders.csv' })
 */
export class FileSensor extends Sensor {
  static readonly TYPE = 'dremio.file_sensor'
  readonly path: string

  /** @throws OrchestrationError `DF_TASK_INVALID` for a path not of the `@source/path` form. */
  constructor(options: FileSensorOptions) {
    const { client, clientName, path, ...rest } = options
    const name = String(rest.name)
    if (typeof path !== 'string' || !LOCATION.test(path)) {
      throw taskInvalid(
        name,
        `path must be a Dremio location like '@source/dir/file', got ${JSON.stringify(path)}`,
      )
    }
    const stored: JsonObject = { client: clientNameOf(client, clientName), path }
    super({
      ...rest,
      type: FileSensor.TYPE,
      options: stored,
      poke: (ctx) => pokeFiles(ctx, client, path),
    })
    this.path = path
  }
}

/** The LIST_FILES query for `path` (the location is a SQL string literal, quotes doubled). */
export function listFilesSql(path: string): string {
  return `SELECT COUNT(*) AS files FROM TABLE(LIST_FILES('${path.replaceAll("'", "''")}'))`
}

async function pokeFiles(
  ctx: TaskContext,
  ref: DremioClientRef,
  path: string,
): Promise<PokeResult> {
  const sql = listFilesSql(path)
  try {
    const run = await runStatement(resolveDremioClient(ref), sql, {
      signal: ctx.signal,
      maxRows: 1,
      onJob: (id) => noteDremioJob(ctx, id, sql),
    })
    const files = Number((run.rows?.[0] as Record<string, unknown> | undefined)?.files ?? 0)
    if (files > 0) return { path, files }
    return false
  } catch (error) {
    if (error instanceof DremioTaskError && /does not exist/i.test(error.dremioMessage)) {
      ctx.log.info(`${path} does not exist yet.`)
      return false
    }
    throw error
  }
}

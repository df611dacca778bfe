/**
 * The stager contract: where `method: 'staging'` puts Parquet files so Dremio can `COPY INTO`
 * from them. One load opens one fresh area, puts its files, runs one COPY over the area, and
 * removes the area in a `finally` (also when the COPY fails). Implementations: the local
 * directory stager (a NAS source) and the S3 stager.
 */

/** A staging area for one load. */
export interface StagingArea {
  /** The COPY INTO location of the area, e.g. `'@lake/_df_staging/3f2a…'`. */
  readonly location: string
  /** Stores one file in the area (`name` is a plain file name such as `part-00000.parquet`). */
  put(name: string, bytes: Uint8Array): Promise<void>
  /** Removes every file of the area. Idempotent; called once the load is done or failed. */
  remove(): Promise<void>
}

/** Opens staging areas. */
export interface Stager {
  /** A short description for errors and logs (never credentials), e.g. `'local:/data/lake'`. */
  readonly description: string
  /** Opens a new, empty area named after `loadId` (unique per load). */
  open(loadId: string): Promise<StagingArea>
}

/** Quotes a COPY INTO location as a SQL string literal. */
export function locationLiteral(location: string): string {
  return `'${location.replaceAll("'", "''")}'`
}

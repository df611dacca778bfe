/**
 * Arrow table to Parquet bytes with parquet-wasm, loaded on first use so importing `@df/client`
 * does not instantiate the WebAssembly module.
 */
import { type Table, tableToIPC } from 'apache-arrow'
import { DremioLoadError } from './load-error.js'

type ParquetWasm = typeof import('parquet-wasm')
let module: Promise<ParquetWasm> | undefined

/** Parquet compression of staged files. */
export type ParquetCompression = 'uncompressed' | 'snappy' | 'zstd'

/**
 * Writes `table` as one Parquet file (Arrow IPC stream into parquet-wasm).
 * @throws DremioLoadError `DF_LOAD_STAGING_FAILED` when parquet-wasm rejects the table.
 */
export async function writeParquet(
  table: Table,
  compression: ParquetCompression = 'snappy',
): Promise<Uint8Array> {
  module ??= import('parquet-wasm')
  const pw = await module
  try {
    const wasmTable = pw.Table.fromIPCStream(tableToIPC(table, 'stream'))
    const codec =
      compression === 'zstd'
        ? pw.Compression.ZSTD
        : compression === 'uncompressed'
          ? pw.Compression.UNCOMPRESSED
          : pw.Compression.SNAPPY
    const props = new pw.WriterPropertiesBuilder().setCompression(codec).build()
    return pw.writeParquet(wasmTable, props)
  } catch (cause) {
    throw new DremioLoadError(
      'DF_LOAD_STAGING_FAILED',
      `Cannot write the data as Parquet: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    )
  }
}

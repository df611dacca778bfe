/**
 * The SQL a command runs: from the argument or a UTF-8 file, split into statements BEFORE the
 * templates are rendered, so a `{{ params.v }}` value can never add a statement (issue 15: a
 * value `x'; DROP TABLE t; --` stays inside its one statement, which Dremio then rejects or runs
 * as written). Every statement is rendered before the first one is sent, so a missing param
 * fails before anything runs.
 */
import { readFileSync } from 'node:fs'
import { type JsonObject, renderTemplate } from '@df/orchestration'
import { splitSqlStatements } from '@df/tasks'
import { CliError } from './cli-error.js'

/** What `{{ ds }}`, `{{ ts }}`, `{{ run_id }}` and `{{ params.k }}` render from. */
export interface SqlTemplateContext {
  readonly logicalDate: string
  readonly runId: string
  readonly params: JsonObject
}

/**
 * The SQL text: `text`, or the content of `file` (which must be valid UTF-8).
 * @throws CliError `DF_CLI_USAGE` for neither or both, `DF_CLI_FILE_NOT_FOUND` for an unreadable
 *   file, `DF_CLI_FILE_INVALID` for a file that is not UTF-8.
 */
export function readSqlText(text: string | undefined, file: string | undefined): string {
  if (text === undefined && file === undefined) {
    throw new CliError('DF_CLI_USAGE', 'Give the SQL as an argument or with --file.')
  }
  if (text !== undefined && file !== undefined) {
    throw new CliError('DF_CLI_USAGE', 'Give the SQL as an argument or with --file, not both.')
  }
  if (text !== undefined) return text
  let bytes: Buffer
  try {
    bytes = readFileSync(file as string)
  } catch (cause) {
    throw new CliError('DF_CLI_FILE_NOT_FOUND', `Cannot read SQL file ${file}.`, { cause })
  }
  const bad = firstInvalidUtf8(bytes)
  if (bad >= 0) {
    throw new CliError(
      'DF_CLI_FILE_INVALID',
      `${file} is not valid UTF-8 (byte ${bad}): save it as UTF-8 (e.g. iconv -f latin1 -t utf-8) instead of letting the CLI guess.`,
    )
  }
  return new TextDecoder('utf-8').decode(bytes)
}

/**
 * Splits `script` into statements, then renders each.
 * @throws CliError `DF_CLI_USAGE` for an unterminated quote/comment, no statement, or a bad
 *   placeholder.
 */
export function prepareStatements(script: string, ctx: SqlTemplateContext): string[] {
  let statements: string[]
  try {
    statements = splitSqlStatements(script).map((s) =>
      s.includes('{{') ? renderTemplate(s, ctx) : s,
    )
  } catch (cause) {
    // "SQL has an unterminated string literal starting on line 3." / "Template: …"
    const detail = (cause as Error).message.replace(/^\[@df\/[a-z-]+\] /, '')
    throw new CliError('DF_CLI_USAGE', detail, { cause })
  }
  if (statements.length === 0) throw new CliError('DF_CLI_USAGE', 'The SQL has no statement.')
  return statements
}

/** Offset of the first byte that breaks UTF-8 (overlongs and surrogates included), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i] as number
    if (b < 0x80) {
      i++
      continue
    }
    let need: number
    let min: number
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80]
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800]
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000]
    else return i
    let cp = b & (0x3f >> need)
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k]
      if (c === undefined || (c & 0xc0) !== 0x80) return i
      cp = (cp << 6) | (c & 0x3f)
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i
    i += need + 1
  }
  return -1
}

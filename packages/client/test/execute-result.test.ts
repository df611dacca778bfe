import { describe, expect, it } from 'vitest'
import { parseExecuteResult } from '../src/index.js'

const f = (name: string, type = 'BIGINT') => ({ name, type: { name: type } })

describe('parseExecuteResult', () => {
  it('reads DML Records (and tolerates the docs column names)', () => {
    expect(parseExecuteResult([f('Records')], [{ Records: 3 }])).toEqual({
      kind: 'dml',
      recordsAffected: 3,
    })
    expect(parseExecuteResult([f('Rows Inserted')], [{ 'Rows Inserted': 2 }])).toEqual({
      kind: 'dml',
      recordsAffected: 2,
    })
    expect(
      parseExecuteResult(
        [f('Records'), f('RejectedRecords')],
        [{ Records: 5, RejectedRecords: 1 }],
      ),
    ).toEqual({ kind: 'dml', recordsAffected: 5, rejectedRecords: 1 })
  })
  it('sums CTAS writer rows, including zero rows', () => {
    const schema = [f('Fragment', 'VARCHAR'), f('Records'), f('Path', 'VARCHAR'), f('FileSize')]
    expect(
      parseExecuteResult(schema, [
        { Fragment: '0_0', Records: 10, Path: 'a', FileSize: 1 },
        { Fragment: '0_1', Records: 5, Path: 'b', FileSize: 1 },
      ]),
    ).toEqual({ kind: 'dml', recordsAffected: 15 })
    expect(parseExecuteResult(schema, [])).toEqual({ kind: 'dml', recordsAffected: 0 })
  })
  it('reads ok/summary DDL results', () => {
    expect(
      parseExecuteResult(
        [f('ok', 'BOOLEAN'), f('summary', 'VARCHAR')],
        [{ ok: true, summary: 'Table [a.t] dropped' }],
      ),
    ).toEqual({ kind: 'ddl', ok: true, summary: 'Table [a.t] dropped' })
    expect(
      parseExecuteResult([f('summary', 'VARCHAR')], [{ summary: 'Optimize table successful' }]),
    ).toEqual({ kind: 'ddl', ok: true, summary: 'Optimize table successful' })
  })
  it('reads OPTIMIZE and VACUUM counters', () => {
    expect(
      parseExecuteResult(
        [
          f('rewritten_data_files_count'),
          f('rewritten_delete_files_count'),
          f('new_data_files_count'),
        ],
        [
          {
            rewritten_data_files_count: 4,
            rewritten_delete_files_count: 0,
            new_data_files_count: 1,
          },
        ],
      ),
    ).toEqual({
      kind: 'optimize',
      rewrittenDataFilesCount: 4,
      rewrittenDeleteFilesCount: 0,
      newDataFilesCount: 1,
    })
    expect(
      parseExecuteResult(
        [f('deleted_files_count'), f('deleted_files_total_size_mb')],
        [{ deleted_files_count: 3, deleted_files_total_size_mb: 12 }],
      ),
    ).toEqual({ kind: 'vacuum', counters: { deletedFilesCount: 3, deletedFilesTotalSizeMb: 12 } })
  })
  it('passes other results through as rows', () => {
    const rows = [{ Records: 1, x: 2 }]
    expect(parseExecuteResult([f('Records'), f('x')], rows)).toEqual({ kind: 'rows', rows })
    expect(parseExecuteResult([f('a')], [{ a: 1 }, { a: 2 }])).toEqual({
      kind: 'rows',
      rows: [{ a: 1 }, { a: 2 }],
    })
  })
})

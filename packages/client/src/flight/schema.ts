/** Arrow schemas described as Dremio's REST results describe theirs. */
import { type DataType, type Schema, Type } from 'apache-arrow'
import type { DremioField } from '../types.js'

/**
 * The REST-style schema (`DremioField[]`) of an Arrow schema, e.g. of a Flight result, so code
 * written against REST result schemas (headers, `parseExecuteResult`) reads Flight results too.
 * STRUCT, LIST and MAP are named without their children.
 */
export function dremioSchemaOf(schema: Schema): DremioField[] {
  return schema.fields.map((f) => ({ name: f.name, type: dremioType(f.type) }))
}

/** The Dremio type of an Arrow type (the names REST results use; children are not described). */
function dremioType(type: DataType): DremioField['type'] {
  switch (type.typeId) {
    case Type.Int:
      return {
        name: (type as unknown as { bitWidth: number }).bitWidth > 32 ? 'BIGINT' : 'INTEGER',
      }
    case Type.Float:
      return {
        name: (type as unknown as { precision: number }).precision === 1 ? 'FLOAT' : 'DOUBLE',
      }
    case Type.Decimal: {
      const d = type as unknown as { precision: number; scale: number }
      return { name: 'DECIMAL', precision: d.precision, scale: d.scale }
    }
    case Type.Bool:
      return { name: 'BOOLEAN' }
    case Type.Date:
      return { name: 'DATE' }
    case Type.Time:
      return { name: 'TIME' }
    case Type.Timestamp:
      return { name: 'TIMESTAMP' }
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return { name: 'VARBINARY' }
    case Type.List:
    case Type.FixedSizeList:
      return { name: 'LIST' }
    case Type.Struct:
      return { name: 'STRUCT' }
    case Type.Map:
      return { name: 'MAP' }
    case Type.Interval:
      return { name: 'INTERVAL' }
    default:
      return { name: 'VARCHAR' }
  }
}

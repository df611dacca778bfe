/** `createRun` as a transaction script: the run row, then all its task rows in one INSERT. */
import type { NewRun } from '@df/orchestration'
import { newRunValues } from '@df/orchestration/backend-kit'
import type { MysqlStatements, Statement } from '../mysql-sql.js'

/** The statements that create `run` and its tasks. */
export function createRunStatements(sql: MysqlStatements, run: NewRun): Statement[] {
  const statements: Statement[] = [
    [
      sql.insertRun,
      [
        ...newRunValues(run),
        run.scheduleId ?? null,
        run.dataIntervalStart ?? null,
        run.dataIntervalEnd ?? null,
      ],
    ],
  ]
  if (run.tasks.length > 0) {
    statements.push([
      sql.insertTasks(run.tasks.length),
      // seq is 1-based creation order: getTasks and listAttempts sort by it.
      run.tasks.flatMap((t, i) => [run.id, t.taskId, i + 1, t.state ?? 'PENDING']),
    ])
  }
  return statements
}

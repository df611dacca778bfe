/**
 * A pipeline's tasks compiled to index-based arrays, validated before anything runs or is
 * stored: duplicate names, edges to tasks outside the pipeline, cycles (named), unknown pools.
 */
import { createHash } from 'node:crypto'
import type { TaskDefinition } from '../backend.js'
import { OrchestrationError } from '../errors.js'
import type { JsonObject } from '../json.js'
import type { Task } from '../task.js'

/** The compiled DAG; shared by every run of one definition. */
export interface Graph {
  readonly pipelineId: string
  readonly tasks: readonly Task[]
  readonly index: ReadonlyMap<string, number>
  readonly upstream: readonly (readonly number[])[]
  readonly downstream: readonly (readonly number[])[]
  readonly isLeaf: readonly boolean[]
  readonly definitions: readonly TaskDefinition[]
  readonly definitionHash: string
  /** True when `ancestor` is upstream (direct or transitive) of `task`. Memoised per task. */
  isAncestor(ancestor: number, task: number): boolean
}

function invalid(pipelineId: string, what: string): OrchestrationError {
  return new OrchestrationError(
    'DF_PIPELINE_INVALID',
    `[@df/orchestration] Pipeline '${pipelineId}': ${what}.`,
  )
}

/** Validates and compiles; throws `DF_PIPELINE_INVALID`. */
export function compileGraph(
  pipelineId: string,
  tasks: readonly Task[],
  options: JsonObject,
): Graph {
  const index = new Map<string, number>()
  tasks.forEach((t, i) => {
    if (index.has(t.name)) throw invalid(pipelineId, `two tasks are named '${t.name}'`)
    index.set(t.name, i)
  })
  const upstream: number[][] = []
  const downstream: number[][] = []
  for (const t of tasks) {
    const ups: number[] = []
    for (const u of t.upstream) {
      const i = index.get(u.name)
      if (i === undefined || tasks[i] !== u) {
        throw invalid(
          pipelineId,
          `task '${t.name}' depends on '${u.name}', which is not in this pipeline (add it with addTask)`,
        )
      }
      ups.push(i)
    }
    upstream.push(ups)
    const downs: number[] = []
    for (const d of t.downstream) {
      const i = index.get(d.name)
      if (i === undefined || tasks[i] !== d) {
        throw invalid(
          pipelineId,
          `task '${d.name}' depends on '${t.name}' but is not in this pipeline (add it with addTask)`,
        )
      }
      downs.push(i)
    }
    downstream.push(downs)
  }
  const cycle = findCycle(tasks.length, downstream)
  if (cycle) {
    throw invalid(
      pipelineId,
      `the tasks form a cycle: ${cycle.map((i) => tasks[i]!.name).join(' → ')}`,
    )
  }
  const definitions: TaskDefinition[] = tasks.map((t, i) => ({
    name: t.name,
    type: t.type,
    upstream: upstream[i]!.map((u) => tasks[u]!.name),
    triggerRule: t.triggerRule,
    retries: t.retry.retries,
    ...(t.timeoutMs !== undefined ? { timeoutMs: t.timeoutMs } : {}),
    ...(t.pool !== undefined ? { pool: t.pool } : {}),
    ...(t.options !== undefined ? { options: t.options } : {}),
  }))
  const definitionHash = createHash('sha256')
    .update(JSON.stringify({ tasks: definitions, options }))
    .digest('hex')
    .slice(0, 32)
  const ancestors: (Set<number> | undefined)[] = new Array(tasks.length)
  const ancestorsOf = (task: number): Set<number> => {
    let set = ancestors[task]
    if (set) return set
    set = new Set()
    const stack = [...upstream[task]!]
    while (stack.length > 0) {
      const u = stack.pop()!
      if (set.has(u)) continue
      set.add(u)
      stack.push(...upstream[u]!)
    }
    ancestors[task] = set
    return set
  }
  return {
    pipelineId,
    tasks,
    index,
    upstream,
    downstream,
    isLeaf: downstream.map((d) => d.length === 0),
    definitions,
    definitionHash,
    isAncestor: (ancestor, task) => ancestorsOf(task).has(ancestor),
  }
}

/** A cycle as task indexes (first repeated at the end), or undefined. Iterative DFS. */
function findCycle(n: number, downstream: readonly (readonly number[])[]): number[] | undefined {
  const color = new Uint8Array(n) // 0 new, 1 on stack, 2 done
  const parent = new Int32Array(n).fill(-1)
  for (let root = 0; root < n; root++) {
    if (color[root] !== 0) continue
    const stack: Array<[node: number, next: number]> = [[root, 0]]
    color[root] = 1
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!
      const [node, next] = top
      const children = downstream[node]!
      if (next >= children.length) {
        color[node] = 2
        stack.pop()
        continue
      }
      top[1] = next + 1
      const child = children[next]!
      if (color[child] === 1) {
        const cycle = [child]
        for (let at = node; at !== child; at = parent[at]!) cycle.push(at)
        cycle.push(child)
        return cycle.reverse()
      }
      if (color[child] === 0) {
        color[child] = 1
        parent[child] = node
        stack.push([child, 0])
      }
    }
  }
  return undefined
}

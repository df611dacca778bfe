/**
 * The main thread's side of the layout worker: one worker per tab, layouts cached per pipeline
 * definition hash (a definition never changes, so neither does its layout).
 */
import type { TaskDefinition } from '../lib/types.js'
import type { LayoutInput, LayoutResult } from './layout.js'

/** A definition as arrays: node i is `ids[i]`; edges as index pairs (upstream → downstream). */
export interface Graph {
  ids: string[]
  index: Map<string, number>
  edgeFrom: Int32Array
  edgeTo: Int32Array
  layout: LayoutResult
}

let worker: Worker | undefined
let nextId = 1
const pending = new Map<number, (r: LayoutResult) => void>()
const cache = new Map<string, Promise<Graph>>()

function getWorker(): Worker {
  if (worker === undefined) {
    worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' })
    worker.onmessage = (e: MessageEvent<{ id: number; result: LayoutResult }>) => {
      pending.get(e.data.id)?.(e.data.result)
      pending.delete(e.data.id)
    }
  }
  return worker
}

function layoutInWorker(input: LayoutInput): Promise<LayoutResult> {
  const id = nextId++
  return new Promise((resolve) => {
    pending.set(id, resolve)
    // Copies (not transfers) the edge arrays: the main thread keeps them for drawing.
    getWorker().postMessage({ id, input })
  })
}

/** Builds the graph arrays of a definition. Upstream ids not in the definition are ignored. */
export function toArrays(tasks: TaskDefinition[]): Omit<Graph, 'layout'> {
  const ids = tasks.map((t) => t.id)
  const index = new Map<string, number>()
  ids.forEach((id, i) => {
    index.set(id, i)
  })
  let edges = 0
  for (const t of tasks) edges += t.upstream.length
  const edgeFrom = new Int32Array(edges)
  const edgeTo = new Int32Array(edges)
  let k = 0
  tasks.forEach((t, i) => {
    for (const u of t.upstream) {
      const j = index.get(u)
      if (j === undefined) continue
      edgeFrom[k] = j
      edgeTo[k] = i
      k++
    }
  })
  return { ids, index, edgeFrom: edgeFrom.subarray(0, k), edgeTo: edgeTo.subarray(0, k) }
}

/** The laid-out graph of a definition, computed once per `key` (pipeline id + hash). */
export function graphFor(key: string, tasks: TaskDefinition[]): Promise<Graph> {
  let p = cache.get(key)
  if (p === undefined) {
    const arrays = toArrays(tasks)
    p = layoutInWorker({
      count: arrays.ids.length,
      edgeFrom: arrays.edgeFrom,
      edgeTo: arrays.edgeTo,
    }).then((layout) => ({ ...arrays, layout }))
    cache.set(key, p)
  }
  return p
}

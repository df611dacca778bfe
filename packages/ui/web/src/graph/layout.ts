/**
 * A layered (Sugiyama-style) DAG layout, left to right, small enough to read and fast enough for
 * 10,000 tasks (runs in a Web Worker, see layout.worker.ts):
 * 1. layers by longest path from the sources (Kahn's topological order);
 * 2. order within each layer by barycentre sweeps (down, up, down, …) to reduce crossings;
 * 3. y by the mean y of each node's upstream, then the minimum separation, order kept;
 * 4. a layer of more than `ALIGN_MAX` nodes is stacked in order, centred, and past `MAX_ROWS`
 *    wraps into several columns (wide fan-outs stay readable instead of one 10,000-row column).
 * Long edges get no dummy nodes; the renderer draws them as curves.
 */

export const NODE_W = 168
export const NODE_H = 26
export const GAP_X = 56
export const GAP_Y = 10
export const MAX_ROWS = 120
/** Layers up to this size are aligned with their upstream; wider ones are stacked in order. */
const ALIGN_MAX = 40
const PITCH_Y = NODE_H + GAP_Y
const PITCH_X = NODE_W + GAP_X

/** Nodes are 0..count-1; edge k goes from `edgeFrom[k]` (upstream) to `edgeTo[k]`. */
export interface LayoutInput {
  count: number
  edgeFrom: Int32Array
  edgeTo: Int32Array
}

/** Top-left corner of each node, plus the drawing's size. */
export interface LayoutResult {
  x: Float32Array
  y: Float32Array
  width: number
  height: number
  layers: number
}

interface Csr {
  start: Int32Array
  items: Int32Array
}

function csr(count: number, from: Int32Array, to: Int32Array): Csr {
  const start = new Int32Array(count + 1)
  for (let k = 0; k < from.length; k++) {
    const f = (from[k] as number) + 1
    start[f] = (start[f] as number) + 1
  }
  for (let i = 0; i < count; i++) start[i + 1] = (start[i + 1] as number) + (start[i] as number)
  const fill = start.slice(0, count)
  const items = new Int32Array(from.length)
  for (let k = 0; k < from.length; k++) {
    const f = from[k] as number
    const at = fill[f] as number
    items[at] = to[k] as number
    fill[f] = at + 1
  }
  return { start, items }
}

/** Longest-path layers; nodes on a cycle (never in a valid DAG) end up after the rest. */
function assignLayers(count: number, down: Csr, up: Csr): Int32Array {
  const layer = new Int32Array(count)
  const indeg = new Int32Array(count)
  for (let v = 0; v < count; v++) indeg[v] = (up.start[v + 1] as number) - (up.start[v] as number)
  const queue = new Int32Array(count)
  let head = 0
  let tail = 0
  for (let v = 0; v < count; v++) if (indeg[v] === 0) queue[tail++] = v
  while (head < tail) {
    const u = queue[head++] as number
    for (let k = down.start[u] as number; k < (down.start[u + 1] as number); k++) {
      const v = down.items[k] as number
      if ((layer[u] as number) + 1 > (layer[v] as number)) layer[v] = (layer[u] as number) + 1
      indeg[v] = (indeg[v] as number) - 1
      if (indeg[v] === 0) queue[tail++] = v
    }
  }
  if (tail < count) {
    let max = 0
    for (let v = 0; v < count; v++) max = Math.max(max, layer[v] as number)
    for (let v = 0; v < count; v++) if ((indeg[v] as number) > 0) layer[v] = max + 1
  }
  return layer
}

/** One barycentre pass over `layers`, using the neighbours in `adj` (normalised positions). */
function sweep(layers: number[][], adj: Csr, rank: Float64Array): void {
  for (const nodes of layers) {
    const key = new Float64Array(nodes.length)
    for (let i = 0; i < nodes.length; i++) {
      const v = nodes[i] as number
      let sum = 0
      let n = 0
      for (let k = adj.start[v] as number; k < (adj.start[v + 1] as number); k++) {
        sum += rank[adj.items[k] as number] as number
        n++
      }
      key[i] = n === 0 ? (rank[v] as number) : sum / n
    }
    const idx = nodes.map((_, i) => i)
    idx.sort((a, b) => (key[a] as number) - (key[b] as number) || a - b)
    const sorted = idx.map((i) => nodes[i] as number)
    for (let i = 0; i < sorted.length; i++) {
      nodes[i] = sorted[i] as number
      rank[sorted[i] as number] = (i + 0.5) / sorted.length
    }
  }
}

/** Places one layer's nodes near `desired` y values, in order, at least PITCH_Y apart. */
function place(nodes: number[], desired: Float64Array, y: Float32Array): void {
  let prev = Number.NEGATIVE_INFINITY
  let shift = 0
  for (let i = 0; i < nodes.length; i++) {
    const at = Math.max(desired[i] as number, prev + PITCH_Y)
    y[nodes[i] as number] = at
    shift += (desired[i] as number) - at
    prev = at
  }
  shift /= nodes.length
  for (const v of nodes) y[v] = (y[v] as number) + shift
}

/** Computes the layout; pure and synchronous (the worker calls it). */
export function layoutDag(input: LayoutInput): LayoutResult {
  const { count, edgeFrom, edgeTo } = input
  const down = csr(count, edgeFrom, edgeTo)
  const up = csr(count, edgeTo, edgeFrom)
  const layer = assignLayers(count, down, up)
  let layerCount = 0
  for (let v = 0; v < count; v++) layerCount = Math.max(layerCount, (layer[v] as number) + 1)
  const layers: number[][] = Array.from({ length: layerCount }, () => [])
  for (let v = 0; v < count; v++) layers[layer[v] as number]?.push(v)

  const rank = new Float64Array(count)
  for (const nodes of layers) {
    nodes.forEach((v, i) => {
      rank[v] = (i + 0.5) / nodes.length
    })
  }
  const reversed = [...layers].reverse()
  const iterations = count > 5000 ? 2 : 4
  for (let it = 0; it < iterations; it++) {
    sweep(layers.slice(1), up, rank)
    sweep(reversed.slice(1), down, rank)
  }
  sweep(layers.slice(1), up, rank)

  const x = new Float32Array(count)
  const y = new Float32Array(count)
  let column = 0
  for (const nodes of layers) {
    if (nodes.length > ALIGN_MAX) {
      // A wide layer: a centred column in barycentre order (wrapped past MAX_ROWS). Aligning
      // each node with its upstream pays off for small layers only; here it makes ragged towers.
      const rows = Math.min(MAX_ROWS, nodes.length)
      nodes.forEach((v, i) => {
        x[v] = (column + Math.floor(i / rows)) * PITCH_X
        y[v] = ((i % rows) - (rows - 1) / 2) * PITCH_Y
      })
      column += Math.ceil(nodes.length / rows)
      continue
    }
    const desired = new Float64Array(nodes.length)
    nodes.forEach((v, i) => {
      x[v] = column * PITCH_X
      let sum = 0
      let n = 0
      for (let k = up.start[v] as number; k < (up.start[v + 1] as number); k++) {
        sum += y[up.items[k] as number] as number
        n++
      }
      desired[i] = n === 0 ? (i - (nodes.length - 1) / 2) * PITCH_Y : sum / n
    })
    place(nodes, desired, y)
    column++
  }
  // Sources: next to the mean of what they feed (the first layer was placed blind).
  const first = layers[0]
  if (first !== undefined && first.length <= ALIGN_MAX && layers.length > 1) {
    const desired = new Float64Array(first.length)
    first.forEach((v, i) => {
      let sum = 0
      let n = 0
      for (let k = down.start[v] as number; k < (down.start[v + 1] as number); k++) {
        sum += y[down.items[k] as number] as number
        n++
      }
      desired[i] = n === 0 ? (y[v] as number) : sum / n
    })
    place(first, desired, y)
  }
  let minY = Number.POSITIVE_INFINITY
  let maxY = Number.NEGATIVE_INFINITY
  for (let v = 0; v < count; v++) {
    minY = Math.min(minY, y[v] as number)
    maxY = Math.max(maxY, y[v] as number)
  }
  if (count === 0) minY = maxY = 0
  for (let v = 0; v < count; v++) y[v] = (y[v] as number) - minY
  return {
    x,
    y,
    width: Math.max(0, column * PITCH_X - GAP_X),
    height: maxY - minY + NODE_H,
    layers: layerCount,
  }
}

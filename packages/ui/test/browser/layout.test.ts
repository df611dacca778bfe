/** The SPA's layered DAG layout (web/src/graph/layout.ts), run in Node: shape, overlaps, speed. */
import { describe, expect, it } from 'vitest'
import { layoutDag, MAX_ROWS, NODE_H, NODE_W } from '../../web/src/graph/layout.js'

function input(count: number, edges: [number, number][]) {
  return {
    count,
    edgeFrom: Int32Array.from(edges.map((e) => e[0])),
    edgeTo: Int32Array.from(edges.map((e) => e[1])),
  }
}

/** Pairs of nodes whose boxes overlap. */
function overlaps(x: Float32Array, y: Float32Array): number {
  const byColumn = new Map<number, number[]>()
  for (let i = 0; i < x.length; i++) {
    const list = byColumn.get(x[i] as number) ?? []
    list.push(y[i] as number)
    byColumn.set(x[i] as number, list)
  }
  let n = 0
  for (const ys of byColumn.values()) {
    ys.sort((a, b) => a - b)
    for (let i = 1; i < ys.length; i++) if ((ys[i] as number) - (ys[i - 1] as number) < NODE_H) n++
  }
  return n
}

/** A random DAG: each node after the first `width` gets 1–3 upstream among earlier nodes. */
function randomDag(count: number, seed = 7): [number, number][] {
  let s = seed
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648
  }
  const edges: [number, number][] = []
  for (let i = 20; i < count; i++) {
    const k = 1 + Math.floor(rand() * 3)
    for (let j = 0; j < k; j++) edges.push([Math.floor(rand() * i), i])
  }
  return edges
}

describe('layoutDag', () => {
  it('lays a chain out left to right on one line', () => {
    const r = layoutDag(
      input(5, [
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 4],
      ]),
    )
    expect(r.layers).toBe(5)
    for (let i = 1; i < 5; i++) {
      expect(r.x[i]).toBeGreaterThan(r.x[i - 1] as number)
      expect(r.y[i]).toBe(r.y[0])
    }
    expect(r.width).toBeGreaterThanOrEqual(5 * NODE_W)
    expect(r.height).toBe(NODE_H)
  })

  it('puts the two branches of a diamond in one column, apart, with the join centred', () => {
    const r = layoutDag(
      input(4, [
        [0, 1],
        [0, 2],
        [1, 3],
        [2, 3],
      ]),
    )
    expect(r.layers).toBe(3)
    expect(r.x[1]).toBe(r.x[2])
    expect(Math.abs((r.y[1] as number) - (r.y[2] as number))).toBeGreaterThanOrEqual(NODE_H)
    expect(r.y[3]).toBeCloseTo(((r.y[1] as number) + (r.y[2] as number)) / 2, 3)
  })

  it('keeps every edge pointing right and no two boxes overlapping (2,000 random nodes)', () => {
    const edges = randomDag(2000)
    const r = layoutDag(input(2000, edges))
    for (const [a, b] of edges) expect(r.x[a] as number).toBeLessThan(r.x[b] as number)
    expect(overlaps(r.x, r.y)).toBe(0)
    for (let i = 0; i < 2000; i++) {
      expect(r.y[i]).toBeGreaterThanOrEqual(0)
      expect((r.y[i] as number) + NODE_H).toBeLessThanOrEqual(r.height + 0.01)
    }
  })

  it(`wraps a layer wider than ${MAX_ROWS} nodes into several columns`, () => {
    const n = MAX_ROWS * 2 + 10
    const edges: [number, number][] = []
    for (let i = 1; i <= n; i++) edges.push([0, i])
    const r = layoutDag(input(n + 1, edges))
    const columns = new Set(Array.from(r.x.subarray(1)))
    expect(columns.size).toBe(3)
    expect(overlaps(r.x, r.y)).toBe(0)
  })

  it('terminates on a cycle (never in a valid DAG), placing the cycle after the rest', () => {
    const r = layoutDag(
      input(4, [
        [0, 1],
        [1, 2],
        [2, 1],
        [2, 3],
      ]),
    )
    expect(r.x[0]).toBe(0)
    expect(r.x[1] as number).toBeGreaterThan(0)
    expect(Number.isFinite(r.height)).toBe(true)
  })

  it('lays out 10,000 tasks well within the page budget', () => {
    const edges = randomDag(10_000, 3)
    const t0 = performance.now()
    const r = layoutDag(input(10_000, edges))
    const ms = performance.now() - t0
    expect(r.x.length).toBe(10_000)
    expect(overlaps(r.x, r.y)).toBe(0)
    expect(ms).toBeLessThan(1500)
  })
})

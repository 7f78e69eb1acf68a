import type { WorkflowEdge } from '@catalyst/spec';
import { describe, expect, it } from 'vitest';
import { createUpstreamGraph, createUpstreamQuery } from './upstream-query.js';

/** The transitive upstream set of every node, the obvious (quadratic) way: the oracle. */
function upstreamByBruteForce(nodeIds: string[], edges: WorkflowEdge[]): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  for (const id of nodeIds) {
    const upstream = new Set<string>();
    const pending = edges.filter((edge) => edge.to === id).map((edge) => edge.from);
    while (pending.length > 0) {
      const next = pending.pop() as string;
      if (upstream.has(next) || !nodeIds.includes(next)) continue;
      upstream.add(next);
      for (const edge of edges) if (edge.to === next) pending.push(edge.from);
    }
    result.set(id, upstream);
  }
  return result;
}

/** The runtimes' scope order: each incoming edge's source, then that source's own upstream. */
function scopeOrderByRecursion(id: string, edges: WorkflowEdge[], into: string[] = []): string[] {
  for (const edge of edges.filter((candidate) => candidate.to === id)) {
    if (into.includes(edge.from)) continue;
    into.push(edge.from);
    scopeOrderByRecursion(edge.from, edges, into);
  }
  return into;
}

/** A deterministic pseudo-random graph (mulberry32), acyclic unless `cyclic`. */
function randomGraph(seed: number, cyclic: boolean): { nodeIds: string[]; edges: WorkflowEdge[] } {
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  const size = 2 + Math.floor(random() * 12);
  // Declared in a shuffled order, so file order and topological order differ.
  const nodeIds = Array.from({ length: size }, (_, index) => `n${index}`).sort(
    () => random() - 0.5,
  );
  const edges: WorkflowEdge[] = [];
  for (let count = Math.floor(random() * size * 2); count > 0; count -= 1) {
    const from = Math.floor(random() * size);
    const to = Math.floor(random() * size);
    if (cyclic || from < to) edges.push({ from: `n${from}`, to: `n${to}` });
  }
  if (random() < 0.3) edges.push({ from: 'ghost', to: 'n0' });
  return { nodeIds, edges };
}

describe('createUpstreamQuery', () => {
  it('agrees with a brute-force transitive closure on random graphs, cycles included', () => {
    for (let seed = 1; seed <= 300; seed += 1) {
      const { nodeIds, edges } = randomGraph(seed, seed % 3 === 0);
      const expected = upstreamByBruteForce(nodeIds, edges);
      const query = createUpstreamQuery({ nodeIds, edges });
      // Every pair twice over: the second round runs after candidates switched to cached sets.
      for (const round of [1, 2]) {
        for (const candidate of nodeIds) {
          for (const node of nodeIds) {
            const answer = query.isUpstream(candidate, node);
            expect(answer, `seed ${seed} round ${round}: ${candidate} → ${node}`).toBe(
              expected.get(node)?.has(candidate),
            );
          }
        }
      }
      for (const node of nodeIds) {
        expect(new Set(query.upstreamOf(node))).toEqual(expected.get(node));
      }
    }
  });

  it('lists a node’s upstream in the runtimes’ scope order', () => {
    for (let seed = 1; seed <= 100; seed += 1) {
      const { nodeIds, edges } = randomGraph(seed, false);
      const query = createUpstreamQuery({
        nodeIds,
        edges: edges.filter((e) => e.from !== 'ghost'),
      });
      for (const node of nodeIds) {
        expect(query.upstreamOf(node)).toEqual(
          scopeOrderByRecursion(
            node,
            edges.filter((edge) => edge.from !== 'ghost'),
          ),
        );
      }
    }
  });

  it('answers for a 10,000-node chain with work linear in its length', () => {
    // Every node reads its predecessor and the first node: the shape that made validation of a
    // 16,000-node chain take 25 s when each node's whole upstream set was stored (n²/2 = 50
    // million entries here). Counted in steps, not seconds, so the machine's load cannot matter.
    const size = 10_000;
    const nodeIds = Array.from({ length: size }, (_, index) => `p${index}`);
    const edges = nodeIds.slice(1).map((id, index) => ({ from: `p${index}`, to: id }));
    let steps = 0;
    const query = createUpstreamQuery({ nodeIds, edges, onVisit: () => (steps += 1) });
    for (let index = 1; index < size; index += 1) {
      expect(query.isUpstream(`p${index - 1}`, `p${index}`)).toBe(true);
      expect(query.isUpstream('p0', `p${index}`)).toBe(true);
      expect(query.isUpstream(`p${index}`, `p${index - 1}`)).toBe(false);
    }
    expect(steps).toBeLessThan(4 * size);
  });

  it('does not exhaust the call stack listing the upstream of a long chain', () => {
    const size = 100_000;
    const nodeIds = Array.from({ length: size }, (_, index) => `p${index}`);
    const edges = nodeIds.slice(1).map((id, index) => ({ from: `p${index}`, to: id }));
    const upstream = createUpstreamQuery({ nodeIds, edges }).upstreamOf(`p${size - 1}`);
    expect(upstream).toHaveLength(size - 1);
    expect(upstream[0]).toBe(`p${size - 2}`);
    expect(upstream[size - 2]).toBe('p0');
  });

  it('makes queries from one analysed graph that each remember only their own searches', () => {
    const nodeIds = ['a', 'b', 'c', 'd'];
    const edges = [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'c' },
      { from: 'c', to: 'd' },
    ];
    const graph = createUpstreamGraph({ nodeIds, edges });
    const stepsOf = () => {
      let steps = 0;
      const query = graph.query({ onVisit: () => (steps += 1) });
      for (let round = 0; round < 5; round += 1) {
        expect(query.isUpstream('a', 'd')).toBe(true);
        expect(query.isUpstream('d', 'a')).toBe(false);
      }
      expect(query.upstreamOf('d')).toEqual(['c', 'b', 'a']);
      return steps;
    };
    // The second query does the first one's work again: nothing it learnt is shared (shared, the
    // downstream sets of a long chain's nodes would add up to n²/2 entries over many runs).
    const first = stepsOf();
    expect(first).toBeGreaterThan(0);
    expect(stepsOf()).toBe(first);
  });
});

import type { WorkflowEdge, WorkflowNode } from '@catalyst/spec';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from './analyze-graph.js';
import { findCycles } from './find-cycles.js';
import { topologicalOrder } from './topological-order.js';
import { createUpstreamQuery } from './upstream-query.js';

const edge = (from: string, to: string, extra: Partial<WorkflowEdge> = {}): WorkflowEdge => ({
  from,
  to,
  ...extra,
});

describe('graph analysis', () => {
  it('orders nodes topologically, keeping file order between independent nodes', () => {
    const ids = ['output', 'b', 'a', 'input'];
    const edges = [
      edge('input', 'a'),
      edge('input', 'b'),
      edge('a', 'output'),
      edge('b', 'output'),
    ];
    expect(topologicalOrder(ids, edges)).toEqual(['input', 'b', 'a', 'output']);
  });

  it('reports each cycle once, as a closed path starting at its first node in the file', () => {
    const ids = ['input', 'a', 'b', 'c', 'd'];
    const edges = [
      edge('input', 'a'),
      edge('a', 'b'),
      edge('b', 'c'),
      edge('c', 'a'),
      edge('d', 'd'),
    ];
    expect(topologicalOrder(ids, edges)).toBeUndefined();
    expect(findCycles(ids, edges)).toEqual([
      ['a', 'b', 'c', 'a'],
      ['d', 'd'],
    ]);
  });

  it('answers which nodes are upstream of which', () => {
    const upstream = createUpstreamQuery({
      nodeIds: ['input', 'a', 'b', 'c'],
      edges: [edge('input', 'a'), edge('a', 'b'), edge('input', 'c')],
    });
    expect(upstream.upstreamOf('b')).toEqual(['a', 'input']);
    expect(upstream.upstreamOf('c')).toEqual(['input']);
    expect(upstream.upstreamOf('input')).toEqual([]);
    expect(upstream.isUpstream('input', 'b')).toBe(true);
    expect(upstream.isUpstream('a', 'c')).toBe(false);
    expect(upstream.isUpstream('b', 'b')).toBe(false);
  });

  it('finds dangling edges, bad handles and unreachable nodes', () => {
    const nodes: WorkflowNode[] = [
      { id: 'input', type: 'input' },
      { id: 'llm', type: 'openaiCompletion' },
      { id: 'orphan', type: 'promptTemplate' },
      { id: 'output', type: 'output' },
    ];
    const edges = [
      edge('input', 'llm'),
      edge('llm', 'output', { fromHandle: 'function_call' }),
      edge('llm', 'output', { fromHandle: 'tools' }),
      edge('input', 'output', { toHandle: 'value' }),
      edge('ghost', 'output'),
    ];
    const analysis = analyzeGraph({ nodes, edges });
    expect(analysis.order).toEqual(['input', 'llm', 'orphan', 'output']);
    expect(analysis.danglingEdges).toEqual([{ index: 4, edge: edges[4], missing: ['from'] }]);
    expect(
      analysis.invalidHandles.map((invalid) => [
        invalid.index,
        invalid.end,
        invalid.handle,
        invalid.allowed,
      ]),
    ).toEqual([
      [2, 'from', 'tools', ['output', 'stream', 'function_call']],
      [3, 'to', 'value', ['input']],
    ]);
    expect(analysis.unreachable).toEqual(['orphan']);
    expect(analysis.incoming.get('output')).toEqual([1, 2, 3]);
  });
});

describe('findCycles on a long chain', () => {
  it('walks 100,000 nodes without exhausting the call stack, and still finds a cycle at the end', () => {
    const ids = Array.from({ length: 100_000 }, (_, index) => `n${index}`);
    const edges = ids.slice(1).map((id, index) => ({ from: ids[index] ?? '', to: id }));
    expect(findCycles(ids, edges)).toEqual([]);
    edges.push({ from: 'n99999', to: 'n99998' });
    expect(findCycles(ids, edges)).toEqual([['n99998', 'n99999', 'n99998']]);
  });
});

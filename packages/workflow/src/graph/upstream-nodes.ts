import type { WorkflowEdge } from '@catalyst/spec';

/**
 * For every node, the nodes it (transitively) receives edges from: the nodes whose outputs its
 * expressions may read. A node is its own upstream only when it sits on a cycle.
 *
 * @example
 * upstreamNodes(['input', 'answer', 'output'], [{ from: 'input', to: 'answer' }, { from: 'answer', to: 'output' }])
 *   .get('output'); // Set { 'answer', 'input' }
 */
export function upstreamNodes(
  nodeIds: readonly string[],
  edges: readonly WorkflowEdge[],
): Map<string, Set<string>> {
  const known = new Set(nodeIds);
  const predecessors = new Map<string, string[]>(nodeIds.map((id) => [id, []]));
  for (const edge of edges) {
    if (known.has(edge.from) && known.has(edge.to)) predecessors.get(edge.to)?.push(edge.from);
  }
  const result = new Map<string, Set<string>>();
  for (const id of nodeIds) {
    const upstream = new Set<string>();
    const pending = [...(predecessors.get(id) ?? [])];
    while (pending.length > 0) {
      const next = pending.pop() as string;
      if (upstream.has(next)) continue;
      upstream.add(next);
      pending.push(...(predecessors.get(next) ?? []));
    }
    result.set(id, upstream);
  }
  return result;
}

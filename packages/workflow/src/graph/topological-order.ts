import type { WorkflowEdge } from '@catalyst/spec';

/**
 * Orders node ids so every node comes after the nodes it has edges from (Kahn's algorithm; ties
 * keep file order, so the order is deterministic). Edges naming unknown nodes are ignored.
 * Returns undefined when the graph has a cycle (see {@link findCycles} for which).
 *
 * @example
 * topologicalOrder(['output', 'input', 'answer'], [{ from: 'input', to: 'answer' }, { from: 'answer', to: 'output' }]);
 * // ['input', 'answer', 'output']
 */
export function topologicalOrder(
  nodeIds: readonly string[],
  edges: readonly WorkflowEdge[],
): string[] | undefined {
  const known = new Set(nodeIds);
  const indegree = new Map(nodeIds.map((id) => [id, 0]));
  const successors = new Map<string, string[]>(nodeIds.map((id) => [id, []]));
  for (const edge of edges) {
    if (!known.has(edge.from) || !known.has(edge.to)) continue;
    successors.get(edge.from)?.push(edge.to);
    indegree.set(edge.to, (indegree.get(edge.to) ?? 0) + 1);
  }
  const position = new Map(nodeIds.map((id, index) => [id, index]));
  const ready = nodeIds.filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift() as string;
    order.push(id);
    for (const next of successors.get(id) ?? []) {
      const remaining = (indegree.get(next) ?? 0) - 1;
      indegree.set(next, remaining);
      if (remaining === 0) {
        ready.push(next);
        ready.sort((left, right) => (position.get(left) ?? 0) - (position.get(right) ?? 0));
      }
    }
  }
  return order.length === known.size ? order : undefined;
}

import type { WorkflowEdge } from '@catalyst/spec';

/**
 * The cycles of the graph, each as a path that starts and ends at the same node
 * (`['a', 'b', 'a']`), starting at the cycle's node that comes first in the file. Each cycle is
 * reported once; edges naming unknown nodes are ignored.
 *
 * @example
 * findCycles(['a', 'b', 'c'], [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }]);
 * // [['a', 'b', 'c', 'a']]
 */
export function findCycles(nodeIds: readonly string[], edges: readonly WorkflowEdge[]): string[][] {
  const known = new Set(nodeIds);
  const successors = new Map<string, string[]>(nodeIds.map((id) => [id, []]));
  for (const edge of edges) {
    if (known.has(edge.from) && known.has(edge.to)) successors.get(edge.from)?.push(edge.to);
  }
  const position = new Map(nodeIds.map((id, index) => [id, index]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const seen = new Set<string>();
  const cycles: string[][] = [];

  const visit = (id: string): void => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const next of successors.get(id) ?? []) {
      const nextState = state.get(next);
      if (nextState === 'visiting') {
        const cycle = stack.slice(stack.indexOf(next));
        const key = [...cycle].sort().join('\u0000');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(rotateToFirst(cycle, position));
        }
      } else if (nextState === undefined) {
        visit(next);
      }
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of nodeIds) if (!state.has(id)) visit(id);
  return cycles;
}

/** Starts the cycle at its node that comes first in the file and closes it. */
function rotateToFirst(cycle: string[], position: Map<string, number>): string[] {
  let start = 0;
  cycle.forEach((id, index) => {
    if ((position.get(id) ?? 0) < (position.get(cycle[start] ?? '') ?? 0)) start = index;
  });
  const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
  return [...rotated, rotated[0] ?? ''];
}

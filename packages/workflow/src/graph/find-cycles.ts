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

  // Depth first with an explicit stack of (node, next successor index), not recursion: a chain
  // of tens of thousands of nodes must not exhaust the call stack. Same visiting order as the
  // recursive walk, so the same cycles in the same order.
  const visit = (root: string): void => {
    const frames: Array<{ id: string; next: number }> = [{ id: root, next: 0 }];
    state.set(root, 'visiting');
    stack.push(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1] as { id: string; next: number };
      const successorsOfFrame = successors.get(frame.id) ?? [];
      if (frame.next >= successorsOfFrame.length) {
        frames.pop();
        stack.pop();
        state.set(frame.id, 'done');
        continue;
      }
      const next = successorsOfFrame[frame.next] as string;
      frame.next += 1;
      const nextState = state.get(next);
      if (nextState === 'visiting') {
        const cycle = stack.slice(stack.indexOf(next));
        const key = [...cycle].sort().join('\u0000');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(rotateToFirst(cycle, position));
        }
      } else if (nextState === undefined) {
        state.set(next, 'visiting');
        stack.push(next);
        frames.push({ id: next, next: 0 });
      }
    }
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

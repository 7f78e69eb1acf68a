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
  // The ready nodes wait in a binary heap by file position: taking the first in file order each
  // time keeps the order deterministic without re-sorting the ready list (a node with thousands
  // of successors would make that quadratic).
  const ready: number[] = [];
  nodeIds.forEach((id, index) => {
    if (indegree.get(id) === 0) pushHeap(ready, index);
  });
  const position = new Map(nodeIds.map((id, index) => [id, index]));
  const order: string[] = [];
  while (ready.length > 0) {
    const id = nodeIds[popHeap(ready)] as string;
    order.push(id);
    for (const next of successors.get(id) ?? []) {
      const remaining = (indegree.get(next) ?? 0) - 1;
      indegree.set(next, remaining);
      if (remaining === 0) pushHeap(ready, position.get(next) ?? 0);
    }
  }
  return order.length === known.size ? order : undefined;
}

function pushHeap(heap: number[], value: number): void {
  heap.push(value);
  let index = heap.length - 1;
  while (index > 0) {
    const parent = (index - 1) >> 1;
    if ((heap[parent] as number) <= value) break;
    heap[index] = heap[parent] as number;
    index = parent;
  }
  heap[index] = value;
}

function popHeap(heap: number[]): number {
  const top = heap[0] as number;
  const last = heap.pop() as number;
  if (heap.length === 0) return top;
  let index = 0;
  for (;;) {
    const left = index * 2 + 1;
    if (left >= heap.length) break;
    const right = left + 1;
    const smaller =
      right < heap.length && (heap[right] as number) < (heap[left] as number) ? right : left;
    if ((heap[smaller] as number) >= last) break;
    heap[index] = heap[smaller] as number;
    index = smaller;
  }
  heap[index] = last;
  return top;
}

/**
 * The nodes ready to start, taken smallest position first (positions in the workflow's
 * topological order): a binary min-heap, so a run of n nodes spends O(n log n) here instead of
 * rescanning every node after each one finishes.
 */
export class ReadyQueue {
  private readonly heap: number[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(position: number): void {
    const heap = this.heap;
    heap.push(position);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if ((heap[parent] as number) <= position) break;
      heap[index] = heap[parent] as number;
      index = parent;
    }
    heap[index] = position;
  }

  /** The smallest position, removed; undefined when empty. */
  pop(): number | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child =
        right < heap.length && (heap[right] as number) < (heap[left] as number) ? right : left;
      if ((heap[child] as number) >= last) break;
      heap[index] = heap[child] as number;
      index = child;
    }
    heap[index] = last;
    return top;
  }
}

import type { WorkflowEdge } from '@catalyst/spec';
import { topologicalOrder } from './topological-order.js';

/** Options for {@link createUpstreamQuery}. */
export interface UpstreamQueryOptions {
  nodeIds: readonly string[];
  /** Edges naming unknown nodes are ignored. */
  edges: readonly WorkflowEdge[];
  /** Called for every node a search steps on: lets tests measure the work without a clock. */
  onVisit?: (id: string) => void;
}

/**
 * Which nodes send data (directly or through other nodes) to which: the nodes whose outputs a
 * node's expressions may read. A node is its own upstream only when it sits on a cycle.
 */
export interface UpstreamQuery {
  /** Whether `candidate` is upstream of `node`. */
  isUpstream(candidate: string, node: string): boolean;
  /**
   * Every node upstream of `node`, depth first along its incoming edges in edge order (each
   * edge's source, then that source's own upstream), each once: the order the runtimes give a
   * node's scope. Costs a search of the upstream part of the graph on every call.
   */
  upstreamOf(node: string): string[];
}

/**
 * Answers upstream questions on demand instead of storing every node's transitive upstream set,
 * which on a chain of n nodes takes n²/2 entries (a 16,000-node chain: 128 million).
 *
 * `isUpstream` searches backwards from the node and stops at the candidate; in an acyclic graph
 * it never steps on a node that comes before the candidate in topological order, so a node
 * reading its predecessor costs one step. A candidate asked about often (every node reads
 * `nodes.first`) would cost a long search each time: once the searches for one candidate have
 * stepped on as many nodes and edges as the graph has, its downstream set is computed once and
 * kept. So the queries about one candidate cost at most about three searches of the graph,
 * and a query about a nearby node costs only the nodes between the two.
 *
 * @example
 * const upstream = createUpstreamQuery({
 *   nodeIds: ['input', 'answer', 'output'],
 *   edges: [{ from: 'input', to: 'answer' }, { from: 'answer', to: 'output' }],
 * });
 * upstream.isUpstream('input', 'output'); // true
 * upstream.upstreamOf('output'); // ['answer', 'input']
 */
export function createUpstreamQuery(options: UpstreamQueryOptions): UpstreamQuery {
  return createUpstreamGraph(options).query({ onVisit: options.onVisit });
}

/**
 * The graph behind {@link createUpstreamQuery}, analysed once, from which queries are made: a
 * runtime keeps one per workflow and makes a query per run. Each query starts with no memory of
 * earlier searches, so its cost bound holds per query (per run) and what it remembers (the
 * downstream sets of candidates asked about often) is freed with it; shared by every run, those
 * sets could grow to n²/2 entries on a long chain.
 */
export interface UpstreamGraph {
  /** A fresh query; `onVisit` is called for every node its searches step on. */
  query(options?: { onVisit?: ((id: string) => void) | undefined }): UpstreamQuery;
}

/**
 * Analyses the graph for {@link UpstreamGraph.query}: edges by node and topological positions.
 *
 * @example
 * const graph = createUpstreamGraph({ nodeIds: ['a', 'b'], edges: [{ from: 'a', to: 'b' }] });
 * graph.query().isUpstream('a', 'b'); // true
 */
export function createUpstreamGraph(
  options: Pick<UpstreamQueryOptions, 'nodeIds' | 'edges'>,
): UpstreamGraph {
  const { nodeIds, edges } = options;
  const known = new Set(nodeIds);
  const predecessors = new Map<string, string[]>(nodeIds.map((id) => [id, []]));
  const successors = new Map<string, string[]>(nodeIds.map((id) => [id, []]));
  let edgeCount = 0;
  for (const edge of edges) {
    if (!known.has(edge.from) || !known.has(edge.to)) continue;
    predecessors.get(edge.to)?.push(edge.from);
    successors.get(edge.from)?.push(edge.to);
    edgeCount += 1;
  }
  // Positions in topological order prune the backward search; a graph with a cycle has none,
  // and its searches are only bounded by the per-candidate budget.
  const order = topologicalOrder(nodeIds, edges);
  const position = order ? new Map(order.map((id, index) => [id, index])) : undefined;
  const budget = known.size + edgeCount;
  return {
    query: (queryOptions = {}) =>
      createQuery({
        known,
        predecessors,
        successors,
        position,
        budget,
        visit: queryOptions.onVisit ?? (() => {}),
      }),
  };
}

/** One query over an analysed graph, with its own memory of searches. */
function createQuery(graph: {
  known: ReadonlySet<string>;
  predecessors: ReadonlyMap<string, readonly string[]>;
  successors: ReadonlyMap<string, readonly string[]>;
  position: ReadonlyMap<string, number> | undefined;
  budget: number;
  visit: (id: string) => void;
}): UpstreamQuery {
  const { known, predecessors, successors, position, budget, visit } = graph;
  // Made on the first search that needs them: most queries ask about a few direct predecessors.
  let spent: Map<string, number> | undefined;
  let downstream: Map<string, Set<string>> | undefined;

  const searchBackwards = (candidate: string, node: string): { found: boolean; work: number } => {
    const floor = position?.get(candidate) ?? -1;
    // Made on the first step past a direct predecessor: most reads are of one.
    let seen: Set<string> | undefined;
    const pending = [node];
    let work = 0;
    while (pending.length > 0) {
      const current = pending.pop() as string;
      for (const source of predecessors.get(current) ?? []) {
        work += 1;
        if (source === candidate) return { found: true, work };
        seen ??= new Set();
        if (seen.has(source) || (position?.get(source) ?? 0) < floor) continue;
        seen.add(source);
        visit(source);
        pending.push(source);
      }
    }
    return { found: false, work };
  };

  const downstreamOf = (candidate: string): Set<string> => {
    const reached = new Set<string>();
    const pending = [candidate];
    while (pending.length > 0) {
      const current = pending.pop() as string;
      for (const target of successors.get(current) ?? []) {
        if (reached.has(target)) continue;
        reached.add(target);
        visit(target);
        pending.push(target);
      }
    }
    return reached;
  };

  return {
    isUpstream(candidate, node) {
      if (!known.has(candidate) || !known.has(node)) return false;
      const cached = downstream?.get(candidate);
      if (cached) return cached.has(node);
      if (position && (position.get(candidate) ?? 0) >= (position.get(node) ?? 0)) return false;
      const { found, work } = searchBackwards(candidate, node);
      // A direct predecessor found at the first step costs one step each time: nothing to budget.
      if (found && work === 1) return true;
      spent ??= new Map();
      const total = (spent.get(candidate) ?? 0) + work;
      spent.set(candidate, total);
      if (total > budget) {
        downstream ??= new Map();
        downstream.set(candidate, downstreamOf(candidate));
      }
      return found;
    },

    upstreamOf(node) {
      const result: string[] = [];
      const seen = new Set<string>();
      // Depth first with an explicit stack (a long chain must not exhaust the call stack); a
      // source already listed had its own upstream listed right after it, so it is skipped.
      const frames: Array<{ id: string; next: number }> = [{ id: node, next: 0 }];
      while (frames.length > 0) {
        const frame = frames[frames.length - 1] as { id: string; next: number };
        const sources = predecessors.get(frame.id) ?? [];
        if (frame.next >= sources.length) {
          frames.pop();
          continue;
        }
        const source = sources[frame.next] as string;
        frame.next += 1;
        if (seen.has(source)) continue;
        seen.add(source);
        visit(source);
        result.push(source);
        frames.push({ id: source, next: 0 });
      }
      return result;
    },
  };
}

import type { WorkflowEdge, WorkflowNode } from '@catalyst/spec';
import type { NodeTypeDefinition } from '../nodes/node-type.js';
import { getNodeType } from '../nodes/node-types.js';
import { edgeFromHandle, edgeToHandle } from './edge-handles.js';
import { findCycles } from './find-cycles.js';
import { topologicalOrder } from './topological-order.js';
import { createUpstreamQuery, type UpstreamQuery } from './upstream-query.js';

/** An edge naming a node that does not exist. */
export interface DanglingEdge {
  /** Index of the edge in `edges`. */
  index: number;
  edge: WorkflowEdge;
  /** Which ends name a missing node. */
  missing: Array<'from' | 'to'>;
}

/** An edge using a handle its node type does not have. */
export interface InvalidHandle {
  index: number;
  edge: WorkflowEdge;
  end: 'from' | 'to';
  handle: string;
  /** The handles that end's node type has. */
  allowed: string[];
}

/** What {@link analyzeGraph} finds. */
export interface GraphAnalysis {
  /** Execution order, or undefined when there is a cycle. */
  order: string[] | undefined;
  cycles: string[][];
  /** Which nodes are upstream of which, answered on demand. */
  upstream: UpstreamQuery;
  /** Edge indexes entering each node, from existing nodes only. */
  incoming: Map<string, number[]>;
  danglingEdges: DanglingEdge[];
  invalidHandles: InvalidHandle[];
  /** Nodes (other than input nodes) no path from an `input` node reaches, in file order. */
  unreachable: string[];
}

/** Options for {@link analyzeGraph}. */
export interface AnalyzeGraphOptions {
  /** The registry to check handles against; the built-in one by default. */
  getNodeType?: (type: string) => NodeTypeDefinition | undefined;
}

/**
 * Analyses a workflow's graph. Expects well-formed nodes and edges (string ids); nodes of
 * unknown types take part in ordering but their handles are not checked.
 *
 * @example
 * const { order, cycles } = analyzeGraph({ nodes, edges });
 */
export function analyzeGraph(
  graph: { nodes: readonly WorkflowNode[]; edges: readonly WorkflowEdge[] },
  options: AnalyzeGraphOptions = {},
): GraphAnalysis {
  const lookup = options.getNodeType ?? getNodeType;
  const nodeIds = graph.nodes.map((node) => node.id);
  const typeOf = new Map(graph.nodes.map((node) => [node.id, lookup(node.type)]));
  const known = new Set(nodeIds);

  const danglingEdges: DanglingEdge[] = [];
  const invalidHandles: InvalidHandle[] = [];
  const incoming = new Map<string, number[]>(nodeIds.map((id) => [id, []]));
  graph.edges.forEach((edge, index) => {
    const missing: Array<'from' | 'to'> = [];
    if (!known.has(edge.from)) missing.push('from');
    if (!known.has(edge.to)) missing.push('to');
    if (missing.length > 0) {
      danglingEdges.push({ index, edge, missing });
      return;
    }
    incoming.get(edge.to)?.push(index);
    const source = typeOf.get(edge.from);
    const fromHandle = edgeFromHandle(edge);
    if (source && !source.outputs.some((handle) => handle.id === fromHandle)) {
      const allowed = source.outputs.map((handle) => handle.id);
      invalidHandles.push({ index, edge, end: 'from', handle: fromHandle, allowed });
    }
    const target = typeOf.get(edge.to);
    const toHandle = edgeToHandle(edge);
    if (target && !target.inputs.some((handle) => handle.id === toHandle)) {
      const allowed = target.inputs.map((handle) => handle.id);
      invalidHandles.push({ index, edge, end: 'to', handle: toHandle, allowed });
    }
  });

  return {
    order: topologicalOrder(nodeIds, graph.edges),
    cycles: findCycles(nodeIds, graph.edges),
    upstream: createUpstreamQuery({ nodeIds, edges: graph.edges }),
    incoming,
    danglingEdges,
    invalidHandles,
    unreachable: unreachableNodes(graph, known),
  };
}

function unreachableNodes(
  graph: { nodes: readonly WorkflowNode[]; edges: readonly WorkflowEdge[] },
  known: Set<string>,
): string[] {
  const successors = new Map<string, string[]>();
  for (const edge of graph.edges) {
    if (!known.has(edge.to)) continue;
    const targets = successors.get(edge.from);
    if (targets) targets.push(edge.to);
    else successors.set(edge.from, [edge.to]);
  }
  const reached = new Set(
    graph.nodes.filter((node) => node.type === 'input').map((node) => node.id),
  );
  const pending = [...reached];
  while (pending.length > 0) {
    const id = pending.pop() as string;
    for (const target of successors.get(id) ?? []) {
      if (reached.has(target)) continue;
      reached.add(target);
      pending.push(target);
    }
  }
  return graph.nodes.filter((node) => !reached.has(node.id)).map((node) => node.id);
}

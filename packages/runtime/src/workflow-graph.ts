import type { WorkflowDefinition, WorkflowEdge } from '@catalyst/spec';
import {
  createUpstreamGraph,
  topologicalOrder,
  type UpstreamGraph,
  type UpstreamQuery,
} from '@catalyst/workflow';

/** The edges around each node and a deterministic order, computed once per workflow. */
export interface WorkflowGraph {
  incoming: Map<string, WorkflowEdge[]>;
  outgoing: Map<string, WorkflowEdge[]>;
  /** Which nodes are upstream of which; `upstreamOf(id)` lists them in scope order. */
  upstream: UpstreamQuery;
  /** What makes more such queries, each with its own memory (one per run). */
  upstreamGraph: UpstreamGraph;
  /** Topological order, ties broken by declaration order: the order results are reported in. */
  order: string[];
}

/** Options for {@link buildWorkflowGraph}. */
export interface BuildWorkflowGraphOptions {
  /** Called for every node an upstream question steps on (tests count the work). */
  onVisit?: ((id: string) => void) | undefined;
}

/** Analyses a validated (acyclic) workflow. */
export function buildWorkflowGraph(
  workflow: WorkflowDefinition,
  options: BuildWorkflowGraphOptions = {},
): WorkflowGraph {
  const incoming = new Map<string, WorkflowEdge[]>();
  const outgoing = new Map<string, WorkflowEdge[]>();
  for (const node of workflow.nodes) {
    incoming.set(node.id, []);
    outgoing.set(node.id, []);
  }
  for (const edge of workflow.edges) {
    incoming.get(edge.to)?.push(edge);
    outgoing.get(edge.from)?.push(edge);
  }

  // A repeated id counts once, at its first place (validation rejects repeats anyway).
  const nodeIds = [...new Set(workflow.nodes.map((node) => node.id))];
  const known = new Set(nodeIds);
  // An edge from a node that does not exist holds its target back for ever, like a cycle.
  const order = workflow.edges.some((edge) => known.has(edge.to) && !known.has(edge.from))
    ? undefined
    : topologicalOrder(nodeIds, workflow.edges);
  if (!order) throw new Error(`workflow "${workflow.id}" has a cycle`);
  // Asked per node as it starts, not stored: every node's transitive set is n²/2 ids on a chain.
  const upstreamGraph = createUpstreamGraph({ nodeIds, edges: workflow.edges });
  const upstream = upstreamGraph.query({ onVisit: options.onVisit });
  return { incoming, outgoing, upstream, upstreamGraph, order };
}

import type { WorkflowDefinition, WorkflowEdge } from '@catalyst/spec';

/** The edges around each node and a deterministic order, computed once per workflow. */
export interface WorkflowGraph {
  incoming: Map<string, WorkflowEdge[]>;
  outgoing: Map<string, WorkflowEdge[]>;
  /** Transitive upstream node ids of each node. */
  upstream: Map<string, Set<string>>;
  /** Topological order, ties broken by declaration order: the order results are reported in. */
  order: string[];
}

/** Analyses a validated (acyclic) workflow. */
export function buildWorkflowGraph(workflow: WorkflowDefinition): WorkflowGraph {
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

  const order: string[] = [];
  const remaining = new Map(
    workflow.nodes.map((node) => [
      node.id,
      new Set(incoming.get(node.id)?.map((edge) => edge.from)),
    ]),
  );
  while (remaining.size > 0) {
    const ready = workflow.nodes.find((node) => remaining.get(node.id)?.size === 0);
    if (!ready) throw new Error(`workflow "${workflow.id}" has a cycle`);
    order.push(ready.id);
    remaining.delete(ready.id);
    for (const sources of remaining.values()) sources.delete(ready.id);
  }

  const upstream = new Map<string, Set<string>>();
  for (const id of order) {
    const set = new Set<string>();
    for (const edge of incoming.get(id) ?? []) {
      set.add(edge.from);
      for (const ancestor of upstream.get(edge.from) ?? []) set.add(ancestor);
    }
    upstream.set(id, set);
  }
  return { incoming, outgoing, upstream, order };
}

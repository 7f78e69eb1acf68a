import type { JsonValue, WorkflowDefinition, WorkflowNode } from '@catalyst/spec';
import { getNodeType, type NodeTypeDefinition, type UpstreamGraph } from '@catalyst/workflow';
import { buildWorkflowGraph } from './workflow-graph.js';

/** Node categories whose finishing is announced with a `partial` event. */
const PARTIAL_CATEGORIES = new Set(['llm', 'routing', 'embeddings']);

/** An edge into a node, as the scheduler reads it. */
export interface PreparedEdge {
  /** The source node's id and its position in {@link PreparedWorkflow.nodes}. */
  from: string;
  fromPosition: number;
  fromType: string;
  /** The source's output handle (`output` when the edge names none). */
  handle: string;
}

/** One node and everything about it that depends only on the workflow. */
export interface PreparedNode {
  id: string;
  /** Its position in the topological order. */
  position: number;
  node: WorkflowNode;
  /** Undefined for an unknown type (the run fails when it reaches the node). */
  definition: NodeTypeDefinition | undefined;
  /** The config with the type's defaults applied; frozen, shared by every run. */
  config: Readonly<Record<string, JsonValue>>;
  incoming: readonly PreparedEdge[];
  /** Positions of the targets of its outgoing edges, in edge order (edges to unknown nodes left out). */
  targets: readonly number[];
  /** Whether any edge leaves it from `handle`. */
  hasOutgoing: (handle: string) => boolean;
  /** Whether its finishing is announced with a `partial` event. */
  announcesPartial: boolean;
}

/** What a run needs from its workflow, computed once per workflow (see {@link preparedWorkflow}). */
export interface PreparedWorkflow {
  workflow: WorkflowDefinition;
  /** In topological order, ties broken by declaration order: the order results are reported in. */
  nodes: readonly PreparedNode[];
  positionOf: ReadonlyMap<string, number>;
  /** Makes each run's upstream query (a fresh one per run: see `UpstreamGraph`). */
  upstreamGraph: UpstreamGraph;
  /** The first `output` node's position, if there is one: its output is the run's. */
  outputPosition: number | undefined;
}

/**
 * Analyses a validated workflow for runs: its graph and order, each node's type and config with
 * defaults. Throws when the workflow has a cycle.
 *
 * @example
 * const prepared = prepareWorkflow(workflow);
 * prepared.nodes.map((node) => node.id); // ['input', 'answer', 'output']
 */
export function prepareWorkflow(workflow: WorkflowDefinition): PreparedWorkflow {
  const graph = buildWorkflowGraph(workflow);
  // By id, the last declaration winning, as the runtime always looked nodes up (validation
  // rejects repeated ids anyway).
  const byId = new Map(workflow.nodes.map((node) => [node.id, node]));
  const positionOf = new Map(graph.order.map((id, index) => [id, index]));
  const nodes = graph.order.map((id, position): PreparedNode => {
    const node = byId.get(id) as WorkflowNode;
    const definition = getNodeType(node.type);
    const outgoing = graph.outgoing.get(id) ?? [];
    const handles = new Set(outgoing.map((edge) => edge.fromHandle ?? 'output'));
    const targets: number[] = [];
    for (const edge of outgoing) {
      const target = positionOf.get(edge.to);
      if (target !== undefined) targets.push(target);
    }
    return {
      id,
      position,
      node,
      definition,
      config: Object.freeze({ ...definition?.defaultConfig, ...(node.config ?? {}) }),
      incoming: (graph.incoming.get(id) ?? []).map((edge) => ({
        from: edge.from,
        fromPosition: positionOf.get(edge.from) as number,
        fromType: byId.get(edge.from)?.type ?? '',
        handle: edge.fromHandle ?? 'output',
      })),
      targets,
      hasOutgoing: (handle) => handles.has(handle),
      announcesPartial: definition !== undefined && PARTIAL_CATEGORIES.has(definition.category),
    };
  });
  const outputNode = workflow.nodes.find((node) => node.type === 'output');
  return {
    workflow,
    nodes,
    positionOf,
    upstreamGraph: graph.upstreamGraph,
    outputPosition: outputNode === undefined ? undefined : positionOf.get(outputNode.id),
  };
}

const prepared = new WeakMap<WorkflowDefinition, PreparedWorkflow>();

/**
 * {@link prepareWorkflow}, done once per workflow object: a server runs the same workflow for
 * every request, and its graph, order and configs do not change between runs.
 *
 * Remembered by the object's identity (a `WeakMap`, so a workflow nobody holds is forgotten), so
 * it is for workflows that are not changed in place — the server's, loaded once. Runs only use it
 * when their caller passes it (`ExecuteWorkflowOptions.prepared`): a library caller that edits a
 * workflow object between runs gets a fresh preparation each run, never a stale one.
 * Fingerprinting the content on every run would cost about what preparing it does. A workflow
 * with a cycle is not remembered: it throws every time.
 */
export function preparedWorkflow(workflow: WorkflowDefinition): PreparedWorkflow {
  let result = prepared.get(workflow);
  if (result === undefined) {
    result = prepareWorkflow(workflow);
    prepared.set(workflow, result);
  }
  return result;
}

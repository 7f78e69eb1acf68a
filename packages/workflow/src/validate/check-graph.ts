import type { WorkflowEdge } from '@catalyst/spec';
import { analyzeGraph, type GraphAnalysis } from '../graph/analyze-graph.js';
import { didYouMean, suggestNames } from '../problems/suggest-names.js';
import { type CheckedNode, nodePointer } from './check-nodes.js';
import type { Indexed } from './check-structure.js';
import type { ProblemCollector } from './problem-collector.js';

/**
 * Reports cycles, edges to missing nodes or handles, missing input/output nodes, nodes that need
 * an incoming edge and have none, and nodes no path from the input reaches.
 */
export function checkGraph(
  nodes: readonly CheckedNode[],
  edges: readonly Indexed<WorkflowEdge>[],
  problems: ProblemCollector,
): GraphAnalysis {
  const byId = new Map(nodes.map((node) => [node.node.id, node]));
  // The first node of each type carries that type's definition (a map, not a search per node).
  const typeDefinitions = new Map<string, CheckedNode['nodeType']>();
  for (const node of nodes) {
    if (!typeDefinitions.has(node.node.type)) typeDefinitions.set(node.node.type, node.nodeType);
  }
  const analysis = analyzeGraph(
    { nodes: nodes.map((node) => node.node), edges: edges.map((edge) => edge.item) },
    { getNodeType: (type) => typeDefinitions.get(type) },
  );
  // The analysis numbers edges among the well-formed ones; problems need the file's numbering.
  const fileIndex = (index: number) => edges[index]?.index ?? index;

  for (const cycle of analysis.cycles) {
    const first = byId.get(cycle[0] ?? '');
    problems.report({
      code: 'cycle',
      pointer: first ? nodePointer(first) : '/edges',
      node: cycle[0],
      message: `cycle: ${cycle.join(' → ')}; a workflow must not loop back on itself (remove one of these edges)`,
    });
  }

  for (const dangling of analysis.danglingEdges) {
    const index = fileIndex(dangling.index);
    for (const end of dangling.missing) {
      const id = dangling.edge[end];
      const hint = didYouMean(suggestNames(id, byId.keys()));
      problems.report({
        code: 'dangling_edge',
        pointer: `/edges/${index}/${end}`,
        field: `edges[${index}].${end}`,
        message: `edge ${describeEdge(dangling.edge)} ${end === 'from' ? 'starts at' : 'ends at'} node "${id}", which does not exist${hint}`,
      });
    }
  }

  for (const invalid of analysis.invalidHandles) {
    const index = fileIndex(invalid.index);
    const key = invalid.end === 'from' ? 'fromHandle' : 'toHandle';
    const id = invalid.edge[invalid.end];
    const nodeType = byId.get(id)?.nodeType;
    const kind = invalid.end === 'from' ? 'output' : 'input';
    const has =
      invalid.allowed.length === 0
        ? `it has no ${kind} handles`
        : `its ${kind} handles: ${invalid.allowed.map((handle) => `"${handle}"`).join(', ')}`;
    const hint = didYouMean(suggestNames(invalid.handle, invalid.allowed));
    problems.report({
      code: 'invalid_handle',
      pointer: invalid.edge[key] === undefined ? `/edges/${index}` : `/edges/${index}/${key}`,
      field: `edges[${index}].${key}`,
      message: `node "${id}" (${nodeType?.type ?? 'unknown type'}) has no ${kind} handle "${invalid.handle}"${hint || `; ${has}`}`,
    });
  }

  // An edge from a missing node still shows intent; its dangling_edge problem says enough.
  const connected = new Set(edges.map((edge) => edge.item.to));
  checkInputsAndOutputs(nodes, byId, analysis, connected, problems);
  return analysis;
}

function checkInputsAndOutputs(
  nodes: readonly CheckedNode[],
  byId: ReadonlyMap<string, CheckedNode>,
  analysis: GraphAnalysis,
  connected: ReadonlySet<string>,
  problems: ProblemCollector,
): void {
  const inputs = nodes.filter((node) => node.node.type === 'input');
  const outputs = nodes.filter((node) => node.node.type === 'output');
  if (inputs.length === 0) {
    problems.report({
      code: 'missing_input',
      pointer: '/nodes',
      field: 'nodes',
      message:
        'the workflow has no "input" node; add {"id": "input", "type": "input"} and connect it to the first node',
    });
  }
  if (outputs.length === 0) {
    problems.report({
      code: 'missing_input',
      pointer: '/nodes',
      field: 'nodes',
      message:
        'the workflow has no "output" node; add {"id": "output", "type": "output"} and connect the last node to it',
    });
  }
  for (const extra of outputs.slice(1)) {
    problems.report({
      code: 'missing_input',
      pointer: nodePointer(extra),
      node: extra.node.id,
      message: `a workflow has exactly one output node and "${outputs[0]?.node.id}" is already one; merge the results in one output's "value"`,
    });
  }
  const needy = new Set<string>();
  for (const node of nodes) {
    const reason = needsIncomingEdge(node);
    if (reason === undefined || connected.has(node.node.id)) continue;
    needy.add(node.node.id);
    problems.report({
      code: 'missing_input',
      pointer: nodePointer(node),
      node: node.node.id,
      message: `nothing is connected to this node's input; ${reason}`,
    });
  }
  if (inputs.length === 0) return;
  // A node cut off only by a dangling edge is already explained by that edge's problem.
  const behindDangling = new Set(analysis.danglingEdges.map((dangling) => dangling.edge.to));
  for (const id of analysis.unreachable) {
    const node = byId.get(id);
    if (!node || needy.has(id) || behindDangling.has(id)) continue;
    problems.report({
      code: 'unreachable_node',
      pointer: nodePointer(node),
      node: id,
      message:
        'no path from the input node reaches this node, so it runs with no upstream data; connect it or remove it',
    });
  }
}

/** Why a node cannot run without an incoming edge, or undefined when it can. */
function needsIncomingEdge(node: CheckedNode): string | undefined {
  if (node.node.type === 'output') {
    return 'an output node returns (or reads) what comes into it; add an edge from the last node to it';
  }
  if (
    node.nodeType?.category === 'llm' &&
    node.config.prompt === undefined &&
    node.config.messages === undefined
  ) {
    return 'without "prompt" or "messages" a completion takes its messages from the node before it; add an edge from a promptTemplate, or set "prompt"';
  }
  return undefined;
}

function describeEdge(edge: WorkflowEdge): string {
  return `"${edge.from}" → "${edge.to}"`;
}

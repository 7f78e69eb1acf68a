import type { WorkflowDefinition } from '@catalyst/spec';
import dagre from '@dagrejs/dagre';

/** The size the layout assumes for a node before the canvas has measured it. */
export const NODE_SIZE = { width: 240, height: 110 };

/**
 * Left-to-right positions for every node (dagre), as a person would draw the graph: sources on
 * the left, each edge pointing right.
 */
export function autoLayout(definition: WorkflowDefinition): Map<string, { x: number; y: number }> {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 80, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of definition.nodes) graph.setNode(node.id, { ...NODE_SIZE });
  for (const edge of definition.edges) {
    if (graph.hasNode(edge.from) && graph.hasNode(edge.to)) graph.setEdge(edge.from, edge.to);
  }
  dagre.layout(graph);
  const positions = new Map<string, { x: number; y: number }>();
  for (const node of definition.nodes) {
    const placed = graph.node(node.id);
    // dagre gives centres; React Flow places nodes by their top-left corner.
    positions.set(node.id, {
      x: Math.round(placed.x - NODE_SIZE.width / 2),
      y: Math.round(placed.y - NODE_SIZE.height / 2),
    });
  }
  return positions;
}

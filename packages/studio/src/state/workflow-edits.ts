import type { JsonValue, WorkflowDefinition, WorkflowEdge, WorkflowNode } from '@catalyst/spec';
import type { NodeTypeDefinition } from '@catalyst/workflow';

/** A new, empty workflow: one question in, nothing drawn yet. */
export function emptyWorkflow(id: string): WorkflowDefinition {
  return {
    id,
    name: id,
    input: {
      type: 'object',
      properties: { question: { type: 'string', minLength: 1 } },
      required: ['question'],
    },
    nodes: [],
    edges: [],
  };
}

/** A node id from the type's name that no node of `definition` has yet: `claude`, `claude_2`. */
export function freshNodeId(definition: WorkflowDefinition, nodeType: NodeTypeDefinition): string {
  const base =
    nodeType.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '') || 'node';
  const taken = new Set(definition.nodes.map((node) => node.id));
  if (!taken.has(base)) return base;
  let index = 2;
  while (taken.has(`${base}_${index}`)) index += 1;
  return `${base}_${index}`;
}

/** Adds a node of `nodeType` at `position` with the type's default config. */
export function addNode(
  definition: WorkflowDefinition,
  nodeType: NodeTypeDefinition,
  position: { x: number; y: number },
): WorkflowDefinition {
  const node: WorkflowNode = {
    id: freshNodeId(definition, nodeType),
    type: nodeType.type,
    position: { x: Math.round(position.x), y: Math.round(position.y) },
  };
  if (Object.keys(nodeType.defaultConfig).length > 0) node.config = { ...nodeType.defaultConfig };
  return { ...definition, nodes: [...definition.nodes, node] };
}

/** Replaces one node (found by id) with `change(node)`. */
export function updateNode(
  definition: WorkflowDefinition,
  id: string,
  change: (node: WorkflowNode) => WorkflowNode,
): WorkflowDefinition {
  let changed = false;
  const nodes = definition.nodes.map((node) => {
    if (node.id !== id) return node;
    const next = change(node);
    changed ||= next !== node;
    return next;
  });
  return changed ? { ...definition, nodes } : definition;
}

/** Sets a node's config; an empty config is left out of the file. */
export function setNodeConfig(
  definition: WorkflowDefinition,
  id: string,
  config: Record<string, JsonValue>,
): WorkflowDefinition {
  return updateNode(definition, id, (node) => {
    if (JSON.stringify(node.config ?? {}) === JSON.stringify(config)) return node;
    const { config: _old, ...rest } = node;
    return Object.keys(config).length === 0 ? rest : { ...rest, config };
  });
}

/** Renames a node and every edge that touches it (expressions are the user's to update). */
export function renameNode(
  definition: WorkflowDefinition,
  from: string,
  to: string,
): WorkflowDefinition {
  if (from === to || to === '') return definition;
  return {
    ...definition,
    nodes: definition.nodes.map((node) => (node.id === from ? { ...node, id: to } : node)),
    edges: definition.edges.map((edge) => ({
      ...edge,
      ...(edge.from === from && { from: to }),
      ...(edge.to === from && { to }),
    })),
  };
}

/** Moves nodes to new positions (whole pixels, as a person places them). */
export function moveNodes(
  definition: WorkflowDefinition,
  positions: Map<string, { x: number; y: number }>,
): WorkflowDefinition {
  let changed = false;
  const nodes = definition.nodes.map((node) => {
    const position = positions.get(node.id);
    if (!position) return node;
    const rounded = { x: Math.round(position.x), y: Math.round(position.y) };
    if (node.position?.x === rounded.x && node.position?.y === rounded.y) return node;
    changed = true;
    return { ...node, position: rounded };
  });
  return changed ? { ...definition, nodes } : definition;
}

/** Adds an edge unless the same one exists; default handles are left implicit, as files write them. */
export function connect(
  definition: WorkflowDefinition,
  connection: {
    source: string;
    target: string;
    sourceHandle?: string | null;
    targetHandle?: string | null;
  },
): WorkflowDefinition {
  const edge: WorkflowEdge = { from: connection.source, to: connection.target };
  if (connection.sourceHandle && connection.sourceHandle !== 'output') {
    edge.fromHandle = connection.sourceHandle;
  }
  if (connection.targetHandle && connection.targetHandle !== 'input') {
    edge.toHandle = connection.targetHandle;
  }
  const exists = definition.edges.some((other) => edgeKey(other) === edgeKey(edge));
  return exists ? definition : { ...definition, edges: [...definition.edges, edge] };
}

/** Removes nodes (and their edges) and edges by key. */
export function removeElements(
  definition: WorkflowDefinition,
  nodeIds: Set<string>,
  edgeKeys: Set<string>,
): WorkflowDefinition {
  if (nodeIds.size === 0 && edgeKeys.size === 0) return definition;
  return {
    ...definition,
    nodes: definition.nodes.filter((node) => !nodeIds.has(node.id)),
    edges: definition.edges.filter(
      (edge) => !edgeKeys.has(edgeKey(edge)) && !nodeIds.has(edge.from) && !nodeIds.has(edge.to),
    ),
  };
}

/** A stable id for an edge: its ends and handles. */
export function edgeKey(edge: WorkflowEdge): string {
  return `${edge.from}:${edge.fromHandle ?? 'output'}->${edge.to}:${edge.toHandle ?? 'input'}`;
}

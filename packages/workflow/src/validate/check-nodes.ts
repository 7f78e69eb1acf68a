import type { JsonValue, WorkflowNode } from '@catalyst/spec';
import { appendPointer } from '../load/json-pointer.js';
import { applyConfigDefaults } from '../nodes/apply-config-defaults.js';
import type { NodeTypeDefinition } from '../nodes/node-type.js';
import { didYouMean, suggestNames } from '../problems/suggest-names.js';
import type { Indexed } from './check-structure.js';
import type { ProblemCollector } from './problem-collector.js';
import { validateConfig } from './validate-config.js';

/** A node whose id is unique, with its type (when known) and its config after defaults. */
export interface CheckedNode {
  node: WorkflowNode;
  index: number;
  nodeType: NodeTypeDefinition | undefined;
  config: Record<string, JsonValue>;
  /** False when the config failed its schema: expression checks would repeat the problem. */
  configValid: boolean;
}

/**
 * Reports duplicate ids, unknown types (with suggestions) and configs that fail their type's
 * schema. Returns the nodes with unique ids (the first of duplicates wins) for the graph checks.
 */
export function checkNodes(
  nodes: readonly Indexed<WorkflowNode>[],
  registry: readonly NodeTypeDefinition[],
  problems: ProblemCollector,
): CheckedNode[] {
  const byType = new Map(registry.map((definition) => [definition.type, definition]));
  const firstIndex = new Map<string, number>();
  const checked: CheckedNode[] = [];
  for (const { item: node, index } of nodes) {
    const pointer = `/nodes/${index}`;
    const earlier = firstIndex.get(node.id);
    if (earlier !== undefined) {
      problems.report({
        code: 'duplicate_node',
        pointer: `${pointer}/id`,
        node: node.id,
        message: `node id "${node.id}" is already used by nodes[${earlier}]; node ids must be unique`,
      });
      continue;
    }
    firstIndex.set(node.id, index);
    const nodeType = byType.get(node.type);
    if (nodeType === undefined) {
      const hint = didYouMean(suggestNames(node.type, byType.keys()));
      problems.report({
        code: 'unknown_node_type',
        pointer: `${pointer}/type`,
        node: node.id,
        field: 'type',
        message: `unknown node type "${node.type}"${hint || `; known types: ${[...byType.keys()].join(', ')}`}`,
      });
      checked.push({ node, index, nodeType, config: node.config ?? {}, configValid: false });
      continue;
    }
    const config = applyConfigDefaults(nodeType, node.config);
    const issues = validateConfig(nodeType, config);
    for (const issue of issues) {
      problems.report({
        code: 'invalid_config',
        pointer: `${pointer}/config${issue.pointer}`,
        node: node.id,
        field: issue.field || 'config',
        message: issue.message,
      });
    }
    checked.push({ node, index, nodeType, config, configValid: issues.length === 0 });
  }
  return checked;
}

/** The pointer of a config field of a checked node. */
export function configPointer(node: CheckedNode, relative: string): string {
  return `/nodes/${node.index}/config${relative}`;
}

/** The pointer of a node's key, e.g. its `type`. */
export function nodePointer(node: CheckedNode, key?: string): string {
  const pointer = `/nodes/${node.index}`;
  return key === undefined ? pointer : appendPointer(pointer, key);
}

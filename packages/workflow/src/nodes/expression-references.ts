import type { JsonSchema } from '@catalyst/spec';
import { createUpstreamQuery } from '../graph/upstream-query.js';
import type { NodeTypeDefinition } from './node-type.js';
import { NODE_TYPES } from './node-types.js';
import { COMMON_SCOPE_ROOTS, scopeRootsFor } from './scope-roots.js';

/** One name an expression in a node can read, for an editor's completion list. */
export interface ExpressionReference {
  /** The full path, e.g. `input.question`, `nodes.answer`, `nodes.answer.text`, `env.REGION`. */
  name: string;
  /** One line saying what it holds, e.g. `string` or `the reply text`. */
  detail: string;
  /** Whether names continue below it (an object to dot into), e.g. `nodes.answer`. */
  hasChildren: boolean;
}

/** What `expressionReferences` reads; only the parts it needs, so a half-edited file works. */
export interface ExpressionReferencesOptions {
  definition: {
    input?: unknown;
    env?: unknown;
    nodes?: unknown;
    edges?: unknown;
  };
  nodeTypes?: readonly NodeTypeDefinition[];
}

// Input schemas nest; an editor's list needs a few levels, not a recursive `$ref` walked forever.
const MAXIMUM_INPUT_DEPTH = 4;

// Names that are not identifiers need `input["a b"]`; completion offers dotted paths only.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * For every node, the names its expressions may read, as an editor offers them: the input
 * schema's properties (nested ones too), the upstream nodes (`createUpstreamQuery`, the validator's
 * rule) and their output fields (the registry's `outputFields`; an `input` node's output is the
 * run input), the env names the workflow declares, and the names the node type adds
 * (`variables.NAME` in a prompt template, `prompt_tokens` in a router).
 *
 * @example
 * expressionReferences({ definition: helloWorkflow }).get('answer')?.map((reference) => reference.name);
 * // ['input.question', 'nodes.input', 'nodes.input.question']
 */
export function expressionReferences(
  options: ExpressionReferencesOptions,
): Map<string, ExpressionReference[]> {
  const { definition } = options;
  const byType = new Map((options.nodeTypes ?? NODE_TYPES).map((type) => [type.type, type]));
  const nodes = (Array.isArray(definition.nodes) ? definition.nodes : []).filter(
    (node): node is { id: string; type: string; config?: unknown } =>
      typeof node === 'object' &&
      node !== null &&
      typeof node.id === 'string' &&
      typeof node.type === 'string',
  );
  const edges = (Array.isArray(definition.edges) ? definition.edges : []).filter(
    (edge): edge is { from: string; to: string } =>
      typeof edge === 'object' &&
      edge !== null &&
      typeof edge.from === 'string' &&
      typeof edge.to === 'string',
  );
  const ids = nodes.map((node) => node.id);
  const upstream = createUpstreamQuery({ nodeIds: ids, edges });
  const inputNames = schemaReferences(definition.input, '', 0);
  const env = (Array.isArray(definition.env) ? definition.env : []).filter(
    (name): name is string => typeof name === 'string',
  );

  const outputOf = (node: { id: string; type: string }): ExpressionReference[] => {
    const nodeType = byType.get(node.type);
    const prefix = `nodes.${node.id}`;
    // The input node outputs the run input, so its fields are the input schema's.
    const fields =
      node.type === 'input'
        ? inputNames.map((reference) => ({ ...reference, name: `${prefix}${reference.name}` }))
        : (nodeType?.outputFields ?? []).map((field) => ({
            name: `${prefix}.${field.name}`,
            detail: field.description,
            hasChildren: false,
          }));
    return [
      { name: prefix, detail: nodeType?.name ?? node.type, hasChildren: fields.length > 0 },
      ...fields,
    ];
  };

  const result = new Map<string, ExpressionReference[]>();
  for (const node of nodes) {
    const before = new Set(upstream.upstreamOf(node.id));
    const references: ExpressionReference[] = [
      ...inputNames.map((reference) => ({ ...reference, name: `input${reference.name}` })),
      // Definition order, as the file lists them; a node on a cycle never reads itself.
      ...nodes.filter((other) => other.id !== node.id && before.has(other.id)).flatMap(outputOf),
      ...env.map((name) => ({
        name: `env.${name}`,
        detail: 'environment variable (string)',
        hasChildren: false,
      })),
      ...extraReferences(node),
    ];
    result.set(node.id, references);
  }
  return result;
}

/** `.name` paths (relative, with the leading dot) of a JSON Schema's properties, depth first. */
function schemaReferences(schema: unknown, prefix: string, depth: number): ExpressionReference[] {
  if (depth >= MAXIMUM_INPUT_DEPTH || typeof schema !== 'object' || schema === null) return [];
  const properties = (schema as { properties?: unknown }).properties;
  if (typeof properties !== 'object' || properties === null) return [];
  return Object.entries(properties as Record<string, JsonSchema>).flatMap(([key, property]) => {
    if (!IDENTIFIER.test(key)) return [];
    const name = `${prefix}.${key}`;
    const children = schemaReferences(property, name, depth + 1);
    return [
      { name, detail: describeSchema(property), hasChildren: children.length > 0 },
      ...children,
    ];
  });
}

function describeSchema(schema: unknown): string {
  if (typeof schema !== 'object' || schema === null) return 'any';
  const record = schema as { type?: unknown; description?: unknown };
  const type = Array.isArray(record.type)
    ? record.type.join(' | ')
    : typeof record.type === 'string'
      ? record.type
      : 'any';
  return typeof record.description === 'string' ? `${type}: ${record.description}` : type;
}

/**
 * Names a node type adds to its own scope (`scopeRootsFor`): the keys of a config object of that
 * name (a prompt template's `variables.NAME`), else the name itself (a router's `prompt_tokens`).
 */
function extraReferences(node: { type: string; config?: unknown }): ExpressionReference[] {
  const config = (
    typeof node.config === 'object' && node.config !== null ? node.config : {}
  ) as Record<string, unknown>;
  return scopeRootsFor(node.type)
    .filter((root) => !COMMON_SCOPE_ROOTS.includes(root))
    .flatMap((root) => {
      const value = config[root];
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return [{ name: root, detail: `${node.type} value`, hasChildren: false }];
      }
      return Object.keys(value)
        .filter((key) => IDENTIFIER.test(key))
        .map((key) => ({
          name: `${root}.${key}`,
          detail: `${root} of this node`,
          hasChildren: false,
        }));
    });
}

import type { JsonSchema } from '@catalyst/spec';
import type { NodeTypeDefinition } from '../nodes/node-type.js';
import { NODE_TYPES } from '../nodes/node-types.js';

/**
 * The published JSON Schema (draft 2020-12) of the workflow file format, generated from the node
 * registry so it cannot drift: `schema/workflow.schema.json` is this, written by
 * `npm run generate` (scripts/generate.mjs) and compared in a test. Each node's `config` is checked
 * against its type's schema (an `if`/`then` per type), with fields that have defaults optional.
 *
 * @example
 * // In a workflow file, for editor completion:
 * { "$schema": "../schema/workflow.schema.json", "id": "chat", … }
 */
export function workflowFileSchema(
  nodeTypes: readonly NodeTypeDefinition[] = NODE_TYPES,
): JsonSchema {
  const configDefinitions: Record<string, JsonSchema> = {};
  for (const nodeType of nodeTypes)
    configDefinitions[`${nodeType.type}Config`] = fileConfigSchema(nodeType);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Catalyst workflow',
    description:
      'A Catalyst workflow: a small graph of typed nodes. Run it with `catalyst run`, serve it with `catalyst serve`, compile it with `catalyst build`.',
    type: 'object',
    properties: {
      $schema: { type: 'string' },
      id: {
        type: 'string',
        pattern: '^[A-Za-z0-9_-]+$',
        description: 'URL-safe id: letters, digits, - and _; it names the HTTP routes.',
      },
      name: { type: 'string', minLength: 1 },
      description: { type: 'string' },
      input: {
        type: 'object',
        properties: { type: { const: 'object' } },
        required: ['type'],
        description: 'JSON Schema of the run input (an object).',
      },
      output: {
        type: 'object',
        description: 'JSON Schema of the result, for the OpenAPI document.',
      },
      env: {
        type: 'array',
        items: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
        uniqueItems: true,
        description: 'Environment variables expressions may read as env.NAME; no other is visible.',
      },
      nodes: { type: 'array', items: { $ref: '#/$defs/node' } },
      edges: { type: 'array', items: { $ref: '#/$defs/edge' } },
    },
    required: ['id', 'name', 'input', 'nodes', 'edges'],
    additionalProperties: false,
    $defs: {
      node: {
        type: 'object',
        properties: {
          id: {
            type: 'string',
            pattern: '^[A-Za-z0-9_-]+$',
            description: 'Unique in the workflow; expressions read its output as nodes.<id>.',
          },
          type: { enum: nodeTypes.map((nodeType) => nodeType.type) },
          name: { type: 'string' },
          config: { type: 'object' },
          position: {
            type: 'object',
            properties: { x: { type: 'number' }, y: { type: 'number' } },
            required: ['x', 'y'],
            additionalProperties: false,
          },
        },
        required: ['id', 'type'],
        additionalProperties: false,
        allOf: nodeTypes.map((nodeType) => nodeBranch(nodeType)),
      },
      edge: {
        type: 'object',
        properties: {
          from: { type: 'string', description: 'The source node id.' },
          fromHandle: {
            type: 'string',
            default: 'output',
            description:
              'Output handle; `function_call` is active only when the model called a tool.',
          },
          to: { type: 'string', description: 'The target node id.' },
          toHandle: { type: 'string', default: 'input', description: 'Input handle.' },
        },
        required: ['from', 'to'],
        additionalProperties: false,
      },
      ...configDefinitions,
    },
  };
}

function nodeBranch(nodeType: NodeTypeDefinition): JsonSchema {
  const then: JsonSchema = {
    description: `${nodeType.name}: ${nodeType.description}`,
    properties: { config: { $ref: `#/$defs/${nodeType.type}Config` } },
  };
  // `config` may be left out only when nothing in it is required after defaults.
  if (requiredWithoutDefault(nodeType).length > 0) then.required = ['config'];
  return { if: { properties: { type: { const: nodeType.type } }, required: ['type'] }, then };
}

/** The config schema as written in a file: fields the defaults supply are optional there. */
function fileConfigSchema(nodeType: NodeTypeDefinition): JsonSchema {
  const schema: JsonSchema = { ...nodeType.configSchema };
  const required = requiredWithoutDefault(nodeType);
  if (required.length > 0) schema.required = required;
  else delete schema.required;
  return schema;
}

function requiredWithoutDefault(nodeType: NodeTypeDefinition): string[] {
  const required = Array.isArray(nodeType.configSchema.required)
    ? nodeType.configSchema.required
    : [];
  return required.filter(
    (name): name is string => typeof name === 'string' && !(name in nodeType.defaultConfig),
  );
}

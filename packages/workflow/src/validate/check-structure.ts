import {
  type JsonValue,
  SUPPORTED_INPUT_KEYWORDS,
  type WorkflowEdge,
  type WorkflowNode,
} from '@catalyst/spec';
import { appendPointer } from '../load/json-pointer.js';
import { didYouMean, suggestNames } from '../problems/suggest-names.js';
import type { ConfigIssue } from './config-issue.js';
import type { ProblemCollector } from './problem-collector.js';
import { validateJsonSchema } from './validate-json-schema.js';

/** A node or edge that passed the shape checks, with its index in the file. */
export interface Indexed<Item> {
  item: Item;
  index: number;
}

/** The parts of a workflow well-formed enough for the later checks. */
export interface WorkflowShape {
  nodes: Indexed<WorkflowNode>[];
  edges: Indexed<WorkflowEdge>[];
  /** Environment variables expressions may read. */
  env: Set<string>;
  /** False when `nodes` itself is missing or not an array: graph checks would only add noise. */
  hasNodes: boolean;
}

const WORKFLOW_KEYS = [
  '$schema',
  'id',
  'name',
  'description',
  'input',
  'output',
  'env',
  'nodes',
  'edges',
];
const NODE_KEYS = ['id', 'type', 'name', 'config', 'position'];
const EDGE_KEYS = ['from', 'fromHandle', 'to', 'toHandle'];
/** Workflow ids name HTTP routes; node ids are read as `nodes.<id>` and become Python names. */
export const ID_PATTERN = /^[A-Za-z0-9_-]+$/;
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Checks the file's shape (code `invalid_file`) and its input and output schemas, returning the
 * nodes and edges the later checks can trust.
 */
export function checkStructure(value: unknown, problems: ProblemCollector): WorkflowShape {
  const shape: WorkflowShape = { nodes: [], edges: [], env: new Set(), hasNodes: false };
  if (!isRecord(value)) {
    problems.report({
      code: 'invalid_file',
      pointer: '',
      message: `a workflow file must hold an object with "id", "name", "input", "nodes" and "edges" (got ${describeType(value)})`,
    });
    return shape;
  }
  reportUnknownKeys(value, WORKFLOW_KEYS, '', problems, 'the workflow');
  checkIdentifier(value.id, '/id', 'workflow id', problems, 'id');
  if (typeof value.name !== 'string' || value.name.trim() === '') {
    problems.report({
      code: 'invalid_file',
      pointer: '/name',
      field: 'name',
      message: missingOr(value.name, 'the workflow needs a "name": a non-empty string'),
    });
  }
  if (value.description !== undefined && typeof value.description !== 'string') {
    problems.report({
      code: 'invalid_file',
      pointer: '/description',
      field: 'description',
      message: '"description" must be a string',
    });
  }
  checkInputSchema(value.input, problems);
  if (value.output !== undefined) {
    for (const issue of schemaIssues(value.output)) {
      problems.report({
        code: 'invalid_output_schema',
        pointer: `/output${issue.pointer}`,
        field: issue.field ? `output.${issue.field}` : 'output',
        message: issue.message,
      });
    }
  }
  shape.env = readEnv(value.env, problems);
  if (!Array.isArray(value.nodes)) {
    problems.report({
      code: 'invalid_file',
      pointer: '/nodes',
      field: 'nodes',
      message: missingOr(value.nodes, 'the workflow needs "nodes": an array of nodes'),
    });
  } else {
    shape.hasNodes = true;
    value.nodes.forEach((node, index) => {
      const checked = readNode(node, index, problems);
      if (checked) shape.nodes.push({ item: checked, index });
    });
  }
  if (!Array.isArray(value.edges)) {
    problems.report({
      code: 'invalid_file',
      pointer: '/edges',
      field: 'edges',
      message: missingOr(
        value.edges,
        'the workflow needs "edges": an array of { "from", "to" } (it may be empty)',
      ),
    });
  } else {
    value.edges.forEach((edge, index) => {
      const checked = readEdge(edge, index, problems);
      if (checked) shape.edges.push({ item: checked, index });
    });
  }
  return shape;
}

function checkInputSchema(input: unknown, problems: ProblemCollector): void {
  if (input === undefined) {
    problems.report({
      code: 'invalid_input_schema',
      pointer: '',
      field: 'input',
      message:
        'the workflow needs an "input" JSON Schema of type object, e.g. {"type": "object", "properties": {"question": {"type": "string"}}}',
    });
    return;
  }
  if (!isRecord(input) || input.type !== 'object') {
    const got = isRecord(input)
      ? `type ${JSON.stringify(input.type ?? null)}`
      : describeType(input);
    problems.report({
      code: 'invalid_input_schema',
      pointer: '/input',
      field: 'input',
      message: `"input" must be a JSON Schema with "type": "object" (got ${got}); the run input is always an object`,
    });
    return;
  }
  for (const issue of [...schemaIssues(input), ...unsupportedKeywords(input, '')]) {
    problems.report({
      code: 'invalid_input_schema',
      pointer: `/input${issue.pointer}`,
      field: issue.field ? `input.${issue.field}` : 'input',
      message: issue.message,
    });
  }
}

function schemaIssues(schema: unknown) {
  if (!isRecord(schema) && typeof schema !== 'boolean') {
    return [
      {
        pointer: '',
        field: '',
        message: `must be a JSON Schema object (got ${describeType(schema)})`,
      },
    ];
  }
  return validateJsonSchema(schema);
}

function readEnv(env: unknown, problems: ProblemCollector): Set<string> {
  const names = new Set<string>();
  if (env === undefined) return names;
  if (!Array.isArray(env)) {
    problems.report({
      code: 'invalid_file',
      pointer: '/env',
      field: 'env',
      message: '"env" must be an array of environment variable names',
    });
    return names;
  }
  env.forEach((name, index) => {
    if (typeof name === 'string' && ENV_NAME_PATTERN.test(name)) {
      names.add(name);
      return;
    }
    problems.report({
      code: 'invalid_file',
      pointer: `/env/${index}`,
      field: `env[${index}]`,
      message: `must be an environment variable name (letters, digits and _, not starting with a digit; got ${JSON.stringify(name)})`,
    });
  });
  return names;
}

function readNode(
  value: unknown,
  index: number,
  problems: ProblemCollector,
): WorkflowNode | undefined {
  const pointer = `/nodes/${index}`;
  if (!isRecord(value)) {
    problems.report({
      code: 'invalid_file',
      pointer,
      field: `nodes[${index}]`,
      message: `a node must be an object with "id" and "type" (got ${describeType(value)})`,
    });
    return undefined;
  }
  const id = typeof value.id === 'string' ? value.id : undefined;
  // Name the node in later problems only when its id is usable.
  const node = id !== undefined && ID_PATTERN.test(id) ? id : undefined;
  reportUnknownKeys(
    value,
    NODE_KEYS,
    pointer,
    problems,
    id ? `node "${id}"` : `nodes[${index}]`,
    id,
  );
  const idOk = checkIdentifier(
    value.id,
    `${pointer}/id`,
    'node id',
    problems,
    `nodes[${index}].id`,
  );
  let ok = idOk;
  if (typeof value.type !== 'string' || value.type === '') {
    problems.report({
      code: 'invalid_file',
      pointer: `${pointer}/type`,
      node,
      field: 'type',
      message: missingOr(value.type, 'a node needs a "type", e.g. "openaiCompletion"'),
    });
    ok = false;
  }
  if (value.name !== undefined && typeof value.name !== 'string') {
    problems.report({
      code: 'invalid_file',
      pointer: `${pointer}/name`,
      node,
      field: 'name',
      message: '"name" must be a string',
    });
  }
  if (value.config !== undefined && !isRecord(value.config)) {
    problems.report({
      code: 'invalid_config',
      pointer: `${pointer}/config`,
      node,
      field: 'config',
      message: `"config" must be an object (got ${describeType(value.config)})`,
    });
    ok = false;
  }
  const position = value.position;
  if (
    position !== undefined &&
    !(isRecord(position) && typeof position.x === 'number' && typeof position.y === 'number')
  ) {
    problems.report({
      code: 'invalid_file',
      pointer: `${pointer}/position`,
      node,
      field: 'position',
      message: '"position" must be {"x": number, "y": number}',
    });
  }
  if (!ok) return undefined;
  return {
    id: value.id as string,
    type: value.type as string,
    ...(typeof value.name === 'string' ? { name: value.name } : {}),
    ...(isRecord(value.config) ? { config: value.config as Record<string, JsonValue> } : {}),
  };
}

function readEdge(
  value: unknown,
  index: number,
  problems: ProblemCollector,
): WorkflowEdge | undefined {
  const pointer = `/edges/${index}`;
  if (!isRecord(value)) {
    problems.report({
      code: 'invalid_file',
      pointer,
      field: `edges[${index}]`,
      message: `an edge must be an object with "from" and "to" (got ${describeType(value)})`,
    });
    return undefined;
  }
  reportUnknownKeys(value, EDGE_KEYS, pointer, problems, `edges[${index}]`);
  let ok = true;
  for (const key of ['from', 'to'] as const) {
    if (typeof value[key] !== 'string') {
      problems.report({
        code: 'invalid_file',
        pointer: appendPointer(pointer, key),
        field: `edges[${index}].${key}`,
        message: missingOr(value[key], `an edge needs "${key}": a node id`),
      });
      ok = false;
    }
  }
  for (const key of ['fromHandle', 'toHandle'] as const) {
    if (value[key] !== undefined && typeof value[key] !== 'string') {
      problems.report({
        code: 'invalid_file',
        pointer: appendPointer(pointer, key),
        field: `edges[${index}].${key}`,
        message: `"${key}" must be a handle id (a string)`,
      });
      ok = false;
    }
  }
  if (!ok) return undefined;
  const edge: WorkflowEdge = { from: value.from as string, to: value.to as string };
  if (typeof value.fromHandle === 'string') edge.fromHandle = value.fromHandle;
  if (typeof value.toHandle === 'string') edge.toHandle = value.toHandle;
  return edge;
}

function checkIdentifier(
  value: unknown,
  pointer: string,
  what: string,
  problems: ProblemCollector,
  field: string,
): boolean {
  if (typeof value === 'string' && ID_PATTERN.test(value)) return true;
  const message =
    typeof value === 'string'
      ? `${what} ${JSON.stringify(value)} may contain only letters, digits, "-" and "_"`
      : missingOr(value, `a ${what} is required: letters, digits, "-" and "_"`);
  problems.report({ code: 'invalid_file', pointer, field, message });
  return false;
}

function reportUnknownKeys(
  value: Record<string, unknown>,
  allowed: string[],
  pointer: string,
  problems: ProblemCollector,
  owner: string,
  node?: string,
): void {
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    const hint = didYouMean(suggestNames(key, allowed));
    problems.report({
      code: 'invalid_file',
      pointer: appendPointer(pointer, key),
      node,
      field: key,
      message: `unknown field "${key}" in ${owner}${hint || `; allowed: ${allowed.join(', ')}`}`,
    });
  }
}

function missingOr(value: unknown, message: string): string {
  return value === undefined ? message : `${message} (got ${describeType(value)})`;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 30 ? `${value.slice(0, 27)}...` : value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keywords outside the subset both runtimes validate, with where they are. */
function unsupportedKeywords(schema: unknown, pointer: string): ConfigIssue[] {
  if (!isRecord(schema)) return [];
  const issues: ConfigIssue[] = [];
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword.startsWith('x-')) continue;
    if (!SUPPORTED_INPUT_KEYWORDS.includes(keyword)) {
      issues.push({
        pointer: `${pointer}/${keyword}`,
        field: `${pointer}/${keyword}`.slice(1).replaceAll('/', '.'),
        message: `the input schema keyword "${keyword}" is not supported (inputs are checked the same way in every runtime, with: ${SUPPORTED_INPUT_KEYWORDS.join(', ')})`,
      });
    }
    if (keyword === 'properties' && isRecord(value)) {
      for (const [name, property] of Object.entries(value)) {
        issues.push(...unsupportedKeywords(property, `${pointer}/properties/${name}`));
      }
    }
    if (keyword === 'items') issues.push(...unsupportedKeywords(value, `${pointer}/items`));
  }
  return issues;
}

import type { JsonSchema, JsonValue, WorkflowDefinition, WorkflowNode } from '@catalyst/spec';
import { edgeFromHandle, edgeToHandle, NODE_TYPES, topologicalOrder } from '@catalyst/workflow';
import { nodeConfigClassName } from './node-configs-module.js';
import { PYTHON_KEYWORDS } from './python-names.js';
import {
  Identifiers,
  LINE_WIDTH,
  PythonWriter,
  pythonString,
  pythonValueLines,
} from './python-writer.js';
import { textWidth } from './text-width.js';

type Argument = [name: string, value: JsonValue] | [name: string, value: { code: string[] }];

function isCode(value: unknown): value is { code: string[] } {
  return (
    typeof value === 'object' && value !== null && 'code' in value && Array.isArray(value.code)
  );
}

/**
 * `callee(a=…, b=…)`, on one line when it fits, else one argument per line. `column` is where the
 * first line starts, `indent` the indentation its argument lines are relative to (they differ for
 * a call nested as an argument: `config=Config(` starts after `config=`).
 */
function callLines(
  prefix: string,
  callee: string,
  args: Argument[],
  column: number,
  indent = column,
): string[] {
  const inline = args.map(([name, value]) => {
    if (isCode(value)) return value.code.length === 1 ? `${name}=${value.code[0]}` : undefined;
    const lines = pythonValueLines(value, 0, `${name}=`);
    return lines.length === 1 ? lines[0] : undefined;
  });
  if (inline.every((part) => part !== undefined)) {
    const line = `${prefix}${callee}(${inline.join(', ')})`;
    if (column + textWidth(line) <= LINE_WIDTH) return [line];
  }
  const lines = [`${prefix}${callee}(`];
  for (const [name, value] of args) {
    if (isCode(value)) {
      const [first, ...rest] = value.code;
      const block = [`${name}=${first ?? ''}`, ...rest];
      block[block.length - 1] = `${block[block.length - 1]},`;
      lines.push(...block.map((line) => `    ${line}`));
    } else {
      lines.push(
        ...pythonValueLines(value, indent + 4, `${name}=`, ',').map((line) => `    ${line}`),
      );
    }
  }
  lines.push(')');
  return lines;
}

/** `[a, b, c]` of code, inline when it fits. */
function listCode(items: string[][], column: number): string[] {
  const inline = items.every((item) => item.length === 1)
    ? `[${items.map((item) => item[0]).join(', ')}]`
    : undefined;
  if (inline !== undefined && column + textWidth(inline) <= LINE_WIDTH - 20) return [inline];
  const lines = ['['];
  for (const item of items) {
    const block = [...item];
    block[block.length - 1] = `${block[block.length - 1]},`;
    lines.push(...block.map((line) => `    ${line}`));
  }
  lines.push(']');
  return lines;
}

function nodeArguments(node: WorkflowNode): Argument[] {
  const args: Argument[] = [
    ['id', node.id],
    ['type', node.type],
  ];
  if (node.name !== undefined) args.push(['name', node.name]);
  if (node.config !== undefined) args.push(['config', configArgument(node)]);
  return args;
}

/**
 * A node's config as a call of its type's `TypedDict` (`catalyst_runtime.node_configs`), so mypy
 * catches a misspelt field or a wrong value type when someone edits `app/workflow.py` by hand.
 * Config keys are identifiers (the schemas close every config object); any that is not stays a
 * plain dict, which is still valid.
 */
function configArgument(node: WorkflowNode): JsonValue | { code: string[] } {
  const config = node.config as Record<string, JsonValue>;
  const keys = Object.keys(config);
  if (!keys.every((key) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && !PYTHON_KEYWORDS.has(key))) {
    return config;
  }
  // The call sits after `    config=` and before a trailing comma when the Node call is split.
  const column = 4 + 'config='.length + 1;
  const entries: Argument[] = keys.map((key) => [key, config[key] as JsonValue]);
  return { code: callLines('', nodeConfigClassName(node.type), entries, column, 4) };
}

/**
 * `app/workflow.py`: the workflow as Python (`Node`, `Edge`, `Workflow` from
 * `catalyst_runtime.definition`), laid out as `ruff format` lays it out.
 */
export function workflowModule(workflow: WorkflowDefinition, sourceName: string): string {
  const w = new PythonWriter();
  w.lines([
    '"""The workflow this service runs, as Python: its nodes, their settings and the edges between',
    'them. `catalyst build` writes this file: change the workflow file and build again, or own this',
    'file from here on.',
    '',
    'catalyst_runtime runs it: a node starts once every node it has an edge from has finished,',
    'independent branches run concurrently, and ``{{ … }}`` inside a setting is an expression over',
    '``input``, ``nodes.<id>`` and ``env`` (README.md).',
    '"""',
    '',
    'from catalyst_runtime.definition import Edge, Node, Workflow',
    ...configImports(workflow),
    '',
  ]);
  w.comment(`Compiled from ${sourceName}.`);
  const ids = workflow.nodes.map((node) => node.id);
  const order = topologicalOrder(ids, workflow.edges) ?? ids;
  w.comment('The graph, in an order the nodes can run in:');
  const typeOf = new Map(workflow.nodes.map((node) => [node.id, node.type]));
  for (const id of order) {
    const outgoing = workflow.edges.filter((edge) => edge.from === id);
    const label = `${id} (${typeOf.get(id) ?? '?'})`;
    if (outgoing.length === 0) {
      w.comment(`  ${label}`);
      continue;
    }
    for (const edge of outgoing) {
      const handle = edgeFromHandle(edge);
      const arrow = handle === 'output' ? '──▶' : `──[${handle}]──▶`;
      w.comment(`  ${label} ${arrow} ${edge.to}`);
    }
  }
  w.line();
  const names = new Identifiers(['Edge', 'Node', 'Workflow', 'WORKFLOW']);
  const variables = new Map<string, string>();
  for (const node of workflow.nodes) {
    const variable = names.take(node.id);
    variables.set(node.id, variable);
    const definition = NODE_TYPES.find((type) => type.type === node.type);
    if (definition) w.comment(`${definition.name}: ${definition.description}`);
    w.lines(callLines(`${variable} = `, 'Node', nodeArguments(node), 0));
    w.line();
  }
  const args: Argument[] = [
    ['id', workflow.id],
    ['name', workflow.name],
  ];
  if (workflow.description !== undefined) args.push(['description', workflow.description]);
  args.push(['input', workflow.input as JsonValue]);
  if (workflow.output !== undefined)
    args.push(['output', workflow.output as JsonSchema as JsonValue]);
  if (workflow.env !== undefined && workflow.env.length > 0) args.push(['env', workflow.env]);
  const variableOf = (id: string) => variables.get(id) ?? 'None';
  args.push([
    'nodes',
    {
      code: listCode(
        workflow.nodes.map((node) => [variableOf(node.id)]),
        4,
      ),
    },
  ]);
  const edges = workflow.edges.map((edge) => {
    const edgeArgs = [variableOf(edge.from), variableOf(edge.to)];
    const fromHandle = edgeFromHandle(edge);
    const toHandle = edgeToHandle(edge);
    if (edge.fromHandle !== undefined) edgeArgs.push(`from_handle=${pythonString(fromHandle)}`);
    if (edge.toHandle !== undefined) edgeArgs.push(`to_handle=${pythonString(toHandle)}`);
    const line = `Edge(${edgeArgs.join(', ')})`;
    if (textWidth(line) + 8 <= LINE_WIDTH) return [line];
    return ['Edge(', ...edgeArgs.map((arg) => `    ${arg},`), ')'];
  });
  args.push(['edges', { code: listCode(edges, 4) }]);
  w.comment('The workflow: its HTTP routes are /workflows/<id>/run and /workflows/<id>/stream.');
  w.lines(callLines('WORKFLOW = ', 'Workflow', args, 0));
  return w.toString();
}

/** `from catalyst_runtime.node_configs import …` for the config types the workflow uses. */
function configImports(workflow: WorkflowDefinition): string[] {
  const names = [
    ...new Set(
      workflow.nodes
        .filter((node) => node.config !== undefined && isCode(configArgument(node)))
        .map((node) => nodeConfigClassName(node.type)),
    ),
  ].sort();
  if (names.length === 0) return [];
  const line = `from catalyst_runtime.node_configs import ${names.join(', ')}`;
  if (textWidth(line) <= LINE_WIDTH) return [line];
  return [
    'from catalyst_runtime.node_configs import (',
    ...names.map((name) => `    ${name},`),
    ')',
  ];
}

import type { JsonSchema, JsonValue, WorkflowDefinition, WorkflowNode } from '@catalyst/spec';
import {
  DEFAULT_PROVIDER_ENVIRONMENT_NOTE,
  edgeFromHandle,
  edgeToHandle,
  NODE_TYPES,
  PROVIDER_ENVIRONMENT,
  topologicalOrder,
} from '@catalyst/workflow';
import { CORE_PACKAGES, PROVIDER_NEEDS, type ProjectNeeds, projectNeeds } from './project-needs.js';
import { parseRequirements, type Requirement } from './python-requirements.js';
import {
  columns,
  Identifiers,
  LINE_WIDTH,
  PythonWriter,
  pythonString,
  pythonValueLines,
} from './python-writer.js';
import type { RuntimeSources } from './runtime-sources.js';
import { sampleInput } from './sample-input.js';
import { distributionName, markdownText, tomlString } from './text-escapes.js';

/** One file of a generated project: its path relative to the project root and its text. */
export interface GeneratedFile {
  path: string;
  content: string;
}

/** What `generatePythonProject` needs besides the workflow. */
export interface GenerateOptions {
  runtime: RuntimeSources;
  /** The workflow file's name, quoted in comments and the README (`chat.json`). */
  sourceName: string;
}

/** The file `catalyst build` recognises its own output by (it only ever replaces its own). */
export const BUILD_MARKER = '.catalyst-build.json';

function requirement(requirements: Map<string, Requirement>, name: string, file: string): string {
  const found = requirements.get(name.toLowerCase());
  if (!found) throw new Error(`${file} has no version for "${name}"; add it there`);
  return found.text;
}

/**
 * A standalone Python project serving `workflow` (already validated): the wiring is generated,
 * the runtime is copied. Pure: returns the files, writes nothing.
 */
export function generatePythonProject(
  workflow: WorkflowDefinition,
  options: GenerateOptions,
): GeneratedFile[] {
  const needs = projectNeeds(workflow);
  const files: GeneratedFile[] = [
    {
      path: 'app/__init__.py',
      content: '"""The generated service: main.py (HTTP) and workflow.py (the graph)."""\n',
    },
    { path: 'app/workflow.py', content: workflowModule(workflow, options.sourceName) },
    { path: 'app/main.py', content: mainModule(workflow) },
    { path: 'tests/__init__.py', content: '' },
    { path: 'tests/test_service.py', content: testModule(workflow) },
    { path: 'pyproject.toml', content: pyproject(workflow, needs, options) },
    { path: 'README.md', content: readme(workflow, needs, options.sourceName) },
    { path: 'Dockerfile', content: DOCKERFILE },
    {
      path: '.dockerignore',
      content: '.venv/\n**/__pycache__/\n.env\n.mypy_cache/\n.pytest_cache/\n.ruff_cache/\n',
    },
    {
      path: '.gitignore',
      content: '.venv/\n__pycache__/\n.env\n.mypy_cache/\n.pytest_cache/\n.ruff_cache/\n',
    },
    { path: '.env.example', content: envExample(workflow, needs) },
    ...runtimeFiles(needs, options.runtime),
    {
      path: BUILD_MARKER,
      content: `${JSON.stringify({ generator: 'catalyst build --target python', workflow: workflow.id, source: options.sourceName }, null, 2)}\n`,
    },
  ];
  return files;
}

function runtimeFiles(needs: ProjectNeeds, runtime: RuntimeSources): GeneratedFile[] {
  const adapterModules = new Set(Object.values(PROVIDER_NEEDS).map((need) => need.module));
  const wanted = new Set(needs.providers.map((name) => PROVIDER_NEEDS[name].module));
  adapterModules.delete(undefined);
  const files: GeneratedFile[] = [];
  for (const [name, content] of runtime.files) {
    // Test helpers and adapters of providers the workflow never calls stay out.
    if (adapterModules.has(name) && !wanted.has(name)) continue;
    files.push({ path: `catalyst_runtime/${name}`, content });
  }
  files.push({ path: 'catalyst_runtime/model-catalog.json', content: runtime.modelCatalog });
  files.push({ path: 'catalyst_runtime/node-manifest.json', content: runtime.nodeManifest });
  return files;
}

// ---------------------------------------------------------------------------------------------
// app/workflow.py

type Argument = [name: string, value: JsonValue] | [name: string, value: { code: string[] }];

function isCode(value: unknown): value is { code: string[] } {
  return (
    typeof value === 'object' && value !== null && 'code' in value && Array.isArray(value.code)
  );
}

/** `callee(a=…, b=…)`, on one line when it fits, else one argument per line. */
function callLines(prefix: string, callee: string, args: Argument[], column: number): string[] {
  const inline = args.map(([name, value]) => {
    if (isCode(value)) return value.code.length === 1 ? `${name}=${value.code[0]}` : undefined;
    const lines = pythonValueLines(value, 0, `${name}=`);
    return lines.length === 1 ? lines[0] : undefined;
  });
  if (inline.every((part) => part !== undefined)) {
    const line = `${prefix}${callee}(${inline.join(', ')})`;
    if (column + columns(line) <= LINE_WIDTH) return [line];
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
        ...pythonValueLines(value, column + 4, `${name}=`, ',').map((line) => `    ${line}`),
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
  if (inline !== undefined && column + columns(inline) <= LINE_WIDTH - 20) return [inline];
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
  if (node.config !== undefined) args.push(['config', node.config as JsonValue]);
  return args;
}

function workflowModule(workflow: WorkflowDefinition, sourceName: string): string {
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
    if (columns(line) + 8 <= LINE_WIDTH) return [line];
    return ['Edge(', ...edgeArgs.map((arg) => `    ${arg},`), ')'];
  });
  args.push(['edges', { code: listCode(edges, 4) }]);
  w.comment('The workflow: its HTTP routes are /workflows/<id>/run and /workflows/<id>/stream.');
  w.lines(callLines('WORKFLOW = ', 'Workflow', args, 0));
  return w.toString();
}

// ---------------------------------------------------------------------------------------------
// app/main.py

function mainModule(workflow: WorkflowDefinition): string {
  const w = new PythonWriter();
  w.lines([
    '"""The HTTP service, generated by Catalyst (`catalyst build`): the same HTTP API and event',
    'stream as `catalyst serve`, byte for byte. Start it with ``uvicorn app.main:app``.',
    '',
    'Provider keys and base URLs come from the environment (and a ``.env`` file in the working',
    'directory) under the names the TypeScript runtime reads; README.md lists them. Each provider',
    'keeps one connection pool, closed when the server stops.',
    '"""',
    '',
    'from app.workflow import WORKFLOW',
    'from catalyst_runtime.app import create_app',
    '',
    '# Endpoints:',
    '#   GET  /health          liveness',
    '#   GET  /workflows       this workflow and its input schema',
    '#   GET  /openapi.json    the OpenAPI 3.1 document',
  ]);
  w.comment(`  POST /workflows/${workflow.id}/run      the result as JSON`);
  w.comment(
    `  POST /workflows/${workflow.id}/stream   Server-Sent Events: node, token, partial, then done or error`,
  );
  w.line('app = create_app([WORKFLOW.to_dict()])');
  return w.toString();
}

// ---------------------------------------------------------------------------------------------
// tests/test_service.py

function testModule(workflow: WorkflowDefinition): string {
  // Nodes that call a provider: completions, routers, embeddings.
  const modelCategories = new Set(['llm', 'routing', 'embeddings']);
  const providerNodes = workflow.nodes
    .filter((node) => {
      const category = NODE_TYPES.find((type) => type.type === node.type)?.category;
      return category !== undefined && modelCategories.has(category);
    })
    .map((node) => node.id);
  const objectInput = (workflow.input as { type?: unknown }).type === 'object';
  const w = new PythonWriter();
  w.lines([
    '"""Tests of this service, generated by Catalyst. Run ``pytest``: they need no network and no',
    'key, as a scripted provider stands in for every model (``catalyst_runtime.testing``)."""',
    '',
    'from __future__ import annotations',
    '',
    'import json',
    'from typing import Any',
    '',
    'import pytest',
    'from fastapi.testclient import TestClient',
    '',
    'from app.main import app',
    'from app.workflow import WORKFLOW',
    'from catalyst_runtime.app import create_app',
    'from catalyst_runtime.testing import ScriptedProviders',
    '',
  ]);
  w.lines(pythonValueLines(workflow.id, 0, 'WORKFLOW_ID = '));
  w.comment('An input that matches the input schema, made from the schema by catalyst build.');
  w.lines(pythonValueLines(sampleInput(workflow.input), 0, 'SAMPLE_INPUT: Any = '));
  w.comment('The nodes that call a provider (completions, routers, embeddings).');
  w.lines(pythonValueLines(providerNodes, 0, 'MODEL_NODES: list[str] = '));
  w.lines([
    'REPLY = "A scripted answer."',
    '',
    '',
    'def scripted_client() -> tuple[TestClient, ScriptedProviders]:',
    '    providers = ScriptedProviders(reply=REPLY)',
    '    service = create_app([WORKFLOW.to_dict()], providers=providers, environment={})',
    '    return TestClient(service), providers',
    '',
    '',
    'def parse_events(body: str) -> list[tuple[str, Any]]:',
    '    """``event: NAME\\ndata: JSON`` frames (``id:`` lines ignored); ``:`` comments skipped."""',
    '    events: list[tuple[str, Any]] = []',
    '    for frame in body.split("\\n\\n"):',
    '        if not frame or frame.startswith(":"):',
    '            continue',
    '        name, data = [line for line in frame.split("\\n") if not line.startswith("id: ")]',
    '        events.append((name.removeprefix("event: "), json.loads(data.removeprefix("data: "))))',
    '    return events',
    '',
    '',
    'def test_health_reports_one_workflow() -> None:',
    '    with TestClient(app) as client:',
    '        response = client.get("/health")',
    '    assert response.status_code == 200',
    '    assert response.json() == {"status": "ok", "workflows": 1}',
    '',
    '',
    'def test_workflows_lists_this_workflow_with_its_input_schema() -> None:',
    '    with TestClient(app) as client:',
    '        listed = client.get("/workflows").json()["workflows"]',
    '    assert [(item["id"], item["name"], item["input"]) for item in listed] == [',
    '        (WORKFLOW.id, WORKFLOW.name, WORKFLOW.input)',
    '    ]',
    '',
    '',
    'def test_openapi_documents_run_and_stream() -> None:',
    '    with TestClient(app) as client:',
    '        paths = client.get("/openapi.json").json()["paths"]',
    '    assert f"/workflows/{WORKFLOW_ID}/run" in paths',
    '    assert f"/workflows/{WORKFLOW_ID}/stream" in paths',
    '',
    '',
    'def test_a_body_that_is_not_json_is_a_400() -> None:',
    '    with TestClient(app) as client:',
    '        response = client.post(f"/workflows/{WORKFLOW_ID}/run", content=b"{not json")',
    '    assert response.status_code == 400',
    '    assert response.json()["error"]["kind"] == "invalid_json"',
    '',
    '',
    'def test_an_unknown_workflow_is_a_404() -> None:',
    '    with TestClient(app) as client:',
    '        response = client.post("/workflows/no-such-workflow/run", json={})',
    '    assert response.status_code == 404',
    '    assert response.json()["error"]["kind"] == "not_found"',
    '',
    '',
  ]);
  if (objectInput) {
    w.lines([
      'def test_input_that_breaks_the_schema_is_a_422() -> None:',
      '    with TestClient(app) as client:',
      '        response = client.post(f"/workflows/{WORKFLOW_ID}/run", json=["not", "an", "object"])',
      '    assert response.status_code == 422',
      '    assert response.json()["error"]["kind"] == "invalid_input"',
      '',
      '',
    ]);
  }
  w.lines([
    'def xfail_if_the_sample_input_cannot_run(error: dict[str, Any]) -> None:',
    '    """SAMPLE_INPUT is made up from the schema; when the workflow itself rejects it (an',
    '    expression or a setting that needs other data), say so instead of failing."""',
    '    if error.get("kind") in ("expression", "validation"):',
    '        pytest.xfail(f"the sample input does not run through this workflow: {error}")',
    '',
    '',
    'def test_run_answers_with_the_result_of_the_graph() -> None:',
    '    client, providers = scripted_client()',
    '    with client:',
    '        response = client.post(f"/workflows/{WORKFLOW_ID}/run", json=SAMPLE_INPUT)',
    '    if response.status_code != 200:',
    '        xfail_if_the_sample_input_cannot_run(response.json()["error"])',
    '    assert response.status_code == 200, response.text',
    '    body = response.json()',
    '    assert list(body) == ["output", "text", "tokenCount", "usage", "cost"]',
    '    assert set(body["usage"]) <= set(MODEL_NODES)',
    '    assert bool(providers.requests) == bool(body["usage"])',
    '',
    '',
    'def test_stream_sends_node_and_token_events_and_ends_with_done() -> None:',
    '    client, _providers = scripted_client()',
    '    with client, client.stream(',
    '        "POST", f"/workflows/{WORKFLOW_ID}/stream", json=SAMPLE_INPUT',
    '    ) as response:',
    '        body = "".join(response.iter_text())',
    '    assert response.status_code == 200',
    '    assert response.headers["content-type"].startswith("text/event-stream")',
    '    assert response.headers["x-accel-buffering"] == "no"',
    '    events = parse_events(body)',
    '    assert events[0][0] == "node"',
    '    names = [name for name, _ in events]',
    '    assert names.count("done") + names.count("error") == 1',
    '    if events[-1][0] == "error":',
    '        xfail_if_the_sample_input_cannot_run(events[-1][1])',
    '    assert events[-1][0] == "done", events[-1]',
    '    assert all(data["node"] in MODEL_NODES for name, data in events if name == "token")',
    '    assert events[-1][1]["tokenCount"] == sum(1 for name, _ in events if name == "token")',
  ]);
  return w.toString();
}

// ---------------------------------------------------------------------------------------------
// pyproject.toml, README.md, Dockerfile, .env.example

function pyproject(
  workflow: WorkflowDefinition,
  needs: ProjectNeeds,
  options: GenerateOptions,
): string {
  const requirements = parseRequirements(options.runtime.requirements);
  const dev = parseRequirements(options.runtime.devRequirements);
  const packages = [...CORE_PACKAGES];
  for (const provider of needs.providers) packages.push(...PROVIDER_NEEDS[provider].packages);
  const dependencies = [...new Set(packages)].map((name) =>
    requirement(requirements, name, 'python/catalyst_runtime/requirements.txt'),
  );
  // Type stubs for mypy --strict come with the tools (types-cachetools, …).
  const stubs = [...dev.keys()].filter((name) => name.startsWith('types-'));
  const devDependencies = ['pytest', 'ruff', 'mypy', ...stubs].map((name) =>
    requirement(dev, name, 'python/requirements-dev.txt'),
  );
  const list = (items: string[]) => items.map((item) => `    ${tomlString(item)},`).join('\n');
  return `# Generated by Catalyst (catalyst build) from ${tomlString(options.sourceName)}.
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = ${tomlString(`catalyst-${distributionName(workflow.id)}`)}
version = "0.1.0"
description = ${tomlString(workflow.name)}
readme = "README.md"
requires-python = ">=3.11"
# Only what this workflow needs: the web stack, and the official SDKs of the providers it calls.
dependencies = [
${list(dependencies)}
]

[project.optional-dependencies]
dev = [
${list(devDependencies)}
]

[tool.setuptools]
packages = ["app", "catalyst_runtime"]

[tool.setuptools.package-data]
catalyst_runtime = ["model-catalog.json", "node-manifest.json", "py.typed"]

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["."]

[tool.ruff]
target-version = "py311"
line-length = 100

[tool.ruff.lint]
select = ["E", "F", "W", "I", "UP", "B", "BLE", "SIM", "RUF"]

[tool.ruff.lint.isort]
known-first-party = ["app", "catalyst_runtime"]

[tool.mypy]
python_version = "3.11"
strict = true
packages = ["app", "catalyst_runtime", "tests"]
`;
}

function fence(text: string, language = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const marks = '`'.repeat(longest + 1);
  return `${marks}${language}\n${text}\n${marks}`;
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

function environmentRows(workflow: WorkflowDefinition, needs: ProjectNeeds): string[] {
  const rows: string[] = [];
  for (const provider of needs.providers) {
    const names = PROVIDER_ENVIRONMENT[provider];
    const parts = [names.apiKey[0], names.baseUrl]
      .filter((name) => name !== undefined)
      .map((name) => `\`${name}\``);
    rows.push(
      `| ${provider} | ${parts.join(', ')} | ${names.note ?? DEFAULT_PROVIDER_ENVIRONMENT_NOTE} |`,
    );
  }
  if (needs.redis)
    rows.push(
      '| shared state | `REDIS_URL` | optional: caches and router state in Redis instead of memory |',
    );
  for (const name of workflow.env ?? []) {
    rows.push(
      `| expressions | ${markdownText(name)} | read by the workflow as env.${markdownText(name)} |`,
    );
  }
  return rows;
}

function readme(workflow: WorkflowDefinition, needs: ProjectNeeds, sourceName: string): string {
  const sample = JSON.stringify(sampleInput(workflow.input));
  const path = `/workflows/${encodeURIComponent(workflow.id)}`;
  return `# ${markdownText(workflow.name)}

${workflow.description !== undefined ? `${markdownText(workflow.description)}\n\n` : ''}A FastAPI service generated by Catalyst (\`catalyst build --target python\`) from ${markdownText(sourceName)}.
It serves the same HTTP API and event stream as \`catalyst serve\`, byte for byte.

- \`app/workflow.py\`: the workflow as Python, its nodes and edges.
- \`app/main.py\`: the ASGI app, \`app.main:app\`.
- \`catalyst_runtime/\`: the runtime (streaming, providers on their official SDKs, expressions,
  retries), copied from Catalyst; \`model-catalog.json\` holds prices and context windows.
- \`tests/\`: pytest, with a scripted provider instead of the real ones.

## Run

${fence(
  `python3 -m venv .venv && . .venv/bin/activate
pip install '.[dev]'
uvicorn app.main:app --host 127.0.0.1 --port 8000`,
  'sh',
)}

## Configure

Secrets come only from the environment (or a \`.env\` file in the working directory), under the
names the TypeScript runtime reads. \`.env.example\` lists them.

| for | variables | notes |
|---|---|---|
${environmentRows(workflow, needs).join('\n')}

## Call it

${fence(
  `curl -s http://127.0.0.1:8000${path}/run -H 'content-type: application/json' -d ${shellQuote(sample)}
curl -N http://127.0.0.1:8000${path}/stream -H 'content-type: application/json' -d ${shellQuote(sample)}`,
  'sh',
)}

\`GET /health\`, \`GET /workflows\` and \`GET /openapi.json\` describe the service. The stream sends
\`node\`, \`token\` and \`partial\` events and ends with exactly one \`done\` or \`error\`; a client that
disconnects cancels the run and its provider calls.

## Test and check

${fence(
  `pytest
ruff check .
mypy`,
  'sh',
)}

## Docker

${fence(
  `docker build -t catalyst-${distributionName(workflow.id)} .
docker run --rm -p 8000:8000 --env-file .env catalyst-${distributionName(workflow.id)}`,
  'sh',
)}
`;
}

const DOCKERFILE = `# The service on uvicorn, as a non-root user. Secrets come from the environment at run time
# (docker run --env-file .env …), never from the image.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /srv
COPY pyproject.toml README.md ./
COPY catalyst_runtime ./catalyst_runtime
COPY app ./app
RUN pip install . && useradd --create-home --uid 10001 catalyst
USER catalyst
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=3)"]
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
`;

function envExample(workflow: WorkflowDefinition, needs: ProjectNeeds): string {
  const lines = ['# Copy to .env and fill in. Never commit .env.'];
  for (const provider of needs.providers) {
    const names = PROVIDER_ENVIRONMENT[provider];
    lines.push(`${names.apiKey[0]}=`);
    if (names.baseUrl) lines.push(`# ${names.baseUrl}=`);
  }
  if (needs.redis) lines.push('# REDIS_URL=redis://127.0.0.1:6379');
  for (const name of workflow.env ?? []) {
    // Names reach a file other tools parse: only plain environment variable names.
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) lines.push(`${name}=`);
  }
  return `${lines.join('\n')}\n`;
}

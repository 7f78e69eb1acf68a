import { createHash } from 'node:crypto';
import type { WorkflowDefinition } from '@catalyst/spec';
import {
  DEFAULT_PROVIDER_ENVIRONMENT_NOTE,
  NODE_TYPES,
  PROVIDER_ENVIRONMENT,
} from '@catalyst/workflow';
import {
  CORE_PACKAGES,
  PROVIDER_NEEDS,
  type ProjectNeeds,
  projectNeeds,
  TELEMETRY_PACKAGES,
} from './project-needs.js';
import { parseRequirements, type Requirement } from './python-requirements.js';
import type { RuntimeSources } from './runtime-sources.js';
import { sampleInput } from './sample-input.js';
import { distributionName, markdownText, tomlString } from './text-escapes.js';
import { workflowModule } from './workflow-module.js';

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
 * What `catalyst build` records in {@link BUILD_MARKER}: where the project came from, and the
 * files it wrote, so a rebuild removes only its own files that it no longer writes.
 */
export interface BuildRecord {
  generator: string;
  catalystVersion: string;
  /** SHA-256 of the runtime the project carries (`catalyst_runtime/`, all of it as shipped). */
  runtimeSha256: string;
  workflow: string;
  source: string;
  /** Every file written besides the marker, relative to the project root. */
  files: string[];
}

/**
 * A standalone Python project serving `workflow` (already validated): the fixed files come from
 * `python/templates/service/` and the runtime from `python/catalyst_runtime/`, both copied; only
 * the workflow and the data about it are generated. Pure: returns the files, writes nothing.
 */
export function generatePythonProject(
  workflow: WorkflowDefinition,
  options: GenerateOptions,
): GeneratedFile[] {
  const needs = projectNeeds(workflow);
  const { runtime } = options;
  const runtimeSha256 = runtimeHash(runtime);
  const files: GeneratedFile[] = [
    ...[...runtime.serviceTemplates].map(([path, content]) => ({ path, content })),
    { path: 'app/workflow.py', content: workflowModule(workflow, options.sourceName) },
    { path: 'tests/sample.json', content: testSample(workflow) },
    { path: 'pyproject.toml', content: pyproject(workflow, needs, options) },
    { path: 'README.md', content: readme(workflow, needs, options.sourceName) },
    { path: '.env.example', content: envExample(workflow, needs) },
    ...runtimeFiles(needs, runtime, runtimeSha256),
  ];
  const record: BuildRecord = {
    generator: 'catalyst build --target python',
    catalystVersion: runtime.catalystVersion,
    runtimeSha256,
    workflow: workflow.id,
    source: options.sourceName,
    files: files.map((file) => file.path).sort(),
  };
  files.push({ path: BUILD_MARKER, content: `${JSON.stringify(record, null, 2)}\n` });
  return files;
}

/** One hash for the whole runtime a build copies from, whichever of its files a project gets. */
function runtimeHash(runtime: RuntimeSources): string {
  const hash = createHash('sha256');
  for (const [name, content] of [...runtime.files].sort(([a], [b]) => (a < b ? -1 : 1)))
    hash.update(`${name}\0${content}\0`);
  hash.update(`model-catalog.json\0${runtime.modelCatalog}\0`);
  return hash.digest('hex');
}

function runtimeFiles(
  needs: ProjectNeeds,
  runtime: RuntimeSources,
  runtimeSha256: string,
): GeneratedFile[] {
  const adapterModules = new Set(Object.values(PROVIDER_NEEDS).map((need) => need.module));
  const wanted = new Set(needs.providers.map((name) => PROVIDER_NEEDS[name].module));
  adapterModules.delete(undefined);
  // Says where a copied module comes from, so a service owner can tell which Catalyst to compare
  // it with (.catalyst-build.json holds the full hash).
  const header = [
    `# Copied from Catalyst ${runtime.catalystVersion} by \`catalyst build\`, which replaces it on a rebuild.`,
    `# Runtime sha256:${runtimeSha256.slice(0, 16)} (the full hash is in ${BUILD_MARKER}).`,
    '',
  ].join('\n');
  const files: GeneratedFile[] = [];
  for (const [name, content] of runtime.files) {
    // Adapters of providers the workflow never calls stay out.
    const adapter = [...adapterModules].find((folder) => folder && name.startsWith(folder));
    if (adapter && !wanted.has(adapter)) continue;
    files.push({
      path: `catalyst_runtime/${name}`,
      content: name.endsWith('.py') ? `${header}${content}` : content,
    });
  }
  files.push({ path: 'catalyst_runtime/model-catalog.json', content: runtime.modelCatalog });
  files.push({ path: 'catalyst_runtime/node-manifest.json', content: runtime.nodeManifest });
  return files;
}

/**
 * `tests/sample.json`, the data the service's test module (a template) reads: an input made from
 * the input schema, and the nodes that call a provider (completions, routers, embeddings).
 */
function testSample(workflow: WorkflowDefinition): string {
  const modelCategories = new Set(['llm', 'routing', 'embeddings']);
  const modelNodes = workflow.nodes
    .filter((node) => {
      const category = NODE_TYPES.find((type) => type.type === node.type)?.category;
      return category !== undefined && modelCategories.has(category);
    })
    .map((node) => node.id);
  return `${JSON.stringify({ input: sampleInput(workflow.input), modelNodes }, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------
// pyproject.toml, README.md, .env.example

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
  const telemetryDependencies = TELEMETRY_PACKAGES.map((name) =>
    requirement(requirements, name, 'python/catalyst_runtime/requirements.txt'),
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
# Tracing (OTEL_EXPORTER_OTLP_ENDPOINT): pip install '.[otel]'.
otel = [
${list(telemetryDependencies)}
]

[tool.setuptools.packages.find]
include = ["app", "catalyst_runtime", "catalyst_runtime.*"]

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
  rows.push(
    needs.redis
      ? '| shared state | `REDIS_URL` | optional: caches, router state and resumable streams in Redis instead of memory |'
      : '| shared state | `REDIS_URL` | optional: resumable streams in Redis, so a client may resume on another server |',
  );
  rows.push(
    '| resuming streams | `CATALYST_STREAM_RETENTION_MS`, `CATALYST_STREAM_RECONNECT_MS` | optional: how long a run stays resumable after it ended (300000) and how long a run nobody reads keeps running (15000) |',
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
- \`tests/\`: pytest, with a scripted provider instead of the real ones; \`tests/sample.json\` holds
  the input they send (made from the input schema: replace it with a real one).
- \`${BUILD_MARKER}\`: what \`catalyst build\` wrote, so a rebuild replaces only its own files
  (files you add are kept).

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
\`node\`, \`token\`, \`tool-call-delta\` and \`partial\` events and ends with exactly one \`done\` or
\`error\`; every event has an \`id: RUN:SEQ\` and \`X-Catalyst-Run-Id\` names the run.
\`POST ${path}/ui\` speaks the Vercel AI SDK's UI message stream, so \`useChat\`
(\`DefaultChatTransport\`) talks to the workflow unchanged (Catalyst's docs/ui-message-stream.md).

It speaks OpenAI's API too, so the official OpenAI SDKs work against it unchanged (base URL
\`http://127.0.0.1:8000/v1\`): \`POST /v1/chat/completions\` (streaming, tools, JSON schema),
\`POST /v1/embeddings\` and \`GET /v1/models\`. \`model\` is \`PROVIDER/MODEL\` (one provider call),
\`workflow/ID\` (a workflow whose input is \`{"messages": [...]}\`), or a name from the gateway file
that \`CATALYST_GATEWAY_FILE\` names (YAML or JSON: aliases and \`llmRouter\` routes, as
\`catalyst serve --gateway\` reads it; Catalyst's docs/gateway.md).

## In production

The same rules and names as \`catalyst serve\` (Catalyst's docs/protocol.md, "Serving in
production", has the whole table):

- **Timeouts.** Every provider attempt has a first-token timeout (120 s,
  \`CATALYST_FIRST_TOKEN_TIMEOUT_MS\`, or \`firstTokenTimeoutMs\` on a node; retried) and an idle
  timeout between chunks (30 s, \`CATALYST_IDLE_TIMEOUT_MS\`, or \`idleTimeoutMs\`); \`timeoutMs\`
  on a node bounds one attempt. A stalled provider ends the stream with an \`error\` event of kind
  \`timeout\`. 0 turns a clock off; a malformed value stops the service at start.
- **Limits.** Bodies above 1 MiB get 413 (\`CATALYST_MAX_BODY_BYTES\`); anything but
  \`Content-Type: application/json\` gets 415; invalid UTF-8, lone surrogates and nesting deeper
  than 64 get 400; URLs above 8 KiB get 414; a wrong method gets 405 with \`Allow\`.
- **Access.** Set \`CATALYST_API_KEYS\` (comma-separated) or \`CATALYST_API_KEYS_FILE\` (one key a
  line) to require \`Authorization: Bearer KEY\` (401 otherwise; \`/health\` stays open). CORS is
  off unless \`CATALYST_CORS_ORIGINS\` lists origins (\`*\` for any).
- **Logs.** One JSON line per request on stderr (\`requestId\`, \`method\`, \`path\`,
  \`workflow\`, \`status\`, \`durationMs\`, \`timeToFirstTokenMs\`, \`tokens\`, \`costUsd\`,
  \`errorKind\`); \`X-Request-Id\` is accepted and echoed; \`CATALYST_LOG_LEVEL\` (\`debug\`,
  \`info\`, \`warn\`, \`error\`, \`silent\`). No prompt, reply or key is logged, nor the SDKs' own
  output.
- **Resuming.** A client whose connection broke sends the same request again with
  \`Last-Event-ID: RUN:SEQ\` (or GETs \`${path}/runs/RUN/stream\`, as \`EventSource\` does) and
  gets the rest of the same run, not a new one. Events are kept 5 minutes after a run ends
  (\`CATALYST_STREAM_RETENTION_MS\`); a run nobody reads is cancelled, with its provider calls,
  after 15 s (\`CATALYST_STREAM_RECONNECT_MS\`; 0: at once). With \`REDIS_URL\` a client may
  resume on any server sharing that Redis, \`catalyst serve\` included.
- **Shutdown.** On SIGTERM new requests get 503 with \`Retry-After\`; runs in flight have 25 s
  (\`CATALYST_SHUTDOWN_GRACE_MS\`) to finish, then end with a retryable \`unavailable\` error
  event; the process exits 0. Run one uvicorn worker per process (the container does).
- **Tracing.** With \`pip install '.[otel]'\` (the container: \`docker build --build-arg
  CATALYST_EXTRAS=otel\`) and \`OTEL_EXPORTER_OTLP_ENDPOINT\` (or
  \`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT\`) set, every run is traced over OTLP/HTTP: spans per run,
  node and provider attempt with the OpenTelemetry GenAI conventions; an incoming \`traceparent\`
  is joined and sent on to the providers. \`OTEL_EXPORTER_OTLP_HEADERS\`, \`OTEL_SERVICE_NAME\`
  (default \`catalyst\`), \`OTEL_SDK_DISABLED=true\`, and
  \`OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true\` (also record prompts and replies)
  are honoured. Without an endpoint the SDK is never imported and nothing is sent.


## Test and check

${fence(
  `pytest
ruff check . && ruff format --check .
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

function envExample(workflow: WorkflowDefinition, needs: ProjectNeeds): string {
  const lines = ['# Copy to .env and fill in. Never commit .env.'];
  for (const provider of needs.providers) {
    const names = PROVIDER_ENVIRONMENT[provider];
    if (names.baseUrlExample !== undefined && names.baseUrl) {
      // The base URL is the one required variable here; the key is optional.
      lines.push(`${names.baseUrl}=${names.baseUrlExample}`);
      lines.push(`# ${names.apiKey[0]}=`);
      continue;
    }
    lines.push(`${names.apiKey[0]}=`);
    if (names.baseUrl) lines.push(`# ${names.baseUrl}=`);
  }
  // Resumable streams can live in Redis whatever the workflow: the variable is always listed.
  lines.push('# REDIS_URL=redis://127.0.0.1:6379');
  lines.push('# CATALYST_STREAM_RETENTION_MS=300000');
  lines.push('# CATALYST_STREAM_RETAINED_EVENTS=200000');
  lines.push('# CATALYST_STREAM_RECONNECT_MS=15000');
  lines.push("# The OpenAI gateway's named models (aliases, llmRouter routes), YAML or JSON:");
  lines.push('# CATALYST_GATEWAY_FILE=gateway.yaml');
  // Tracing, with the `otel` extra installed (README, "In production").
  lines.push('# OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318');
  for (const name of workflow.env ?? []) {
    // Names reach a file other tools parse: only plain environment variable names.
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) lines.push(`${name}=`);
  }
  return `${lines.join('\n')}\n`;
}

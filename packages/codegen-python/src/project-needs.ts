import type { JsonValue, ProviderName, WorkflowDefinition } from '@catalyst/spec';
import { NODE_TYPES } from '@catalyst/workflow';

/** What one provider needs in a generated project: its adapter module and official SDK. */
interface ProviderNeeds {
  /** `catalyst_runtime/<folder>/`, left out of projects that never call the provider. */
  module?: string;
  /** Distribution names, versions from `catalyst_runtime/requirements.txt`. */
  packages: string[];
}

const OPENAI_FAMILY: ProviderNeeds = {
  module: 'providers/openai_compatible/',
  packages: ['openai'],
};

/** Adapter module and SDK per provider. */
export const PROVIDER_NEEDS: Record<ProviderName, ProviderNeeds> = {
  anthropic: { module: 'providers/anthropic/', packages: ['anthropic'] },
  openai: OPENAI_FAMILY,
  azure: OPENAI_FAMILY,
  xai: OPENAI_FAMILY,
  'openai-compatible': OPENAI_FAMILY,
  // The Python runtime reaches the local model over Chat Completions (CATALYST_LOCAL_BASE_URL).
  local: OPENAI_FAMILY,
  groq: { module: 'providers/openai_compatible/', packages: ['groq'] },
  gemini: { module: 'providers/gemini/', packages: ['google-genai'] },
  // Voyage has no official async SDK worth its weight; catalyst_runtime speaks its HTTP API.
  voyage: { packages: [] },
};

/**
 * Every project depends on these: the web stack, JSON, HTTP pools and expressions; the embedding
 * cache's LRU (cachetools), the Redis client for REDIS_URL and the YAML reader of the OpenAI
 * gateway's file (CATALYST_GATEWAY_FILE) are part of the runtime core, and so is the OpenTelemetry
 * API (small and pure Python; it does nothing until tracing is on). httptools (which
 * uvicorn[standard] installs anyway) parses the responses of the runtime's lean HTTP/1.1 client.
 */
export const CORE_PACKAGES = [
  'fastapi',
  'uvicorn',
  'httptools',
  'httpx',
  'orjson',
  'common-expression-language',
  'cachetools',
  'redis',
  'pyyaml',
  'opentelemetry-api',
];

/**
 * The optional extra `otel`: the OpenTelemetry SDK and its OTLP/HTTP exporter, imported only when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` is set; a service that never traces need not install them.
 */
export const TELEMETRY_PACKAGES = ['opentelemetry-sdk', 'opentelemetry-exporter-otlp-proto-http'];

/** Node categories whose state or cache can live in Redis (`REDIS_URL`). */
const REDIS_CATEGORIES = new Set(['embeddings', 'routing']);

/** What a workflow needs of the runtime: providers it may call, whether it can use Redis. */
export interface ProjectNeeds {
  providers: ProviderName[];
  redis: boolean;
}

const PROVIDERS = Object.keys(PROVIDER_NEEDS) as ProviderName[];

function collectProviderValues(value: JsonValue | undefined, found: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectProviderValues(item, found);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    if (key === 'provider' && typeof item === 'string') found.add(item);
    else collectProviderValues(item as JsonValue, found);
  }
}

/**
 * The providers a workflow's nodes can call: a completion node's own provider, and every
 * `provider` named in a node's settings (router targets, embeddings). A provider chosen by an
 * expression could be any of them, so then every provider is included.
 */
export function projectNeeds(workflow: WorkflowDefinition): ProjectNeeds {
  const providers = new Set<ProviderName>();
  let redis = false;
  for (const node of workflow.nodes) {
    const definition = NODE_TYPES.find((type) => type.type === node.type);
    if (!definition) continue;
    if (definition.provider) providers.add(definition.provider);
    if (REDIS_CATEGORIES.has(definition.category)) redis = true;
    const named = new Set<string>();
    collectProviderValues({ ...definition.defaultConfig, ...(node.config ?? {}) }, named);
    for (const name of named) {
      if ((PROVIDERS as string[]).includes(name)) providers.add(name as ProviderName);
      else if (name.includes('{{')) for (const any of PROVIDERS) providers.add(any);
    }
  }
  return { providers: PROVIDERS.filter((name) => providers.has(name)), redis };
}

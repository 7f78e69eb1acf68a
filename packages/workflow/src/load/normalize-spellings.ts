import type { JsonValue } from '@catalyst/spec';
import { getNodeType, NODE_TYPES } from '../nodes/node-types.js';

/**
 * One rewrite from a spelling the planning documents used to the canonical one: at the object
 * `path` (keys and indexes from the file's root), the member `from` is removed and, unless `to`
 * is null, the member `to` is set to `value`.
 */
export interface SpellingChange {
  path: Array<string | number>;
  from: string;
  to: string | null;
  value?: JsonValue;
  /** What to write instead, for the warning. */
  message: string;
}

type JsonObject = { [key: string]: JsonValue };

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const camelCase = (key: string) =>
  key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/**
 * Rewrites the shapes the planning documents show into the one canonical form, in place, and
 * lists every rewrite so the validator can warn with the current spelling and
 * `catalyst validate --fix` can rewrite the file:
 *
 * - snake_case config names (`max_tokens`, `response_format`, `tool_choice` …) → camelCase;
 * - `response_format: {"type": "json_object"}` → `responseFormat: "json_object"`;
 * - `functions: [...]` (OpenAI's legacy name) → `tools: [...]`;
 * - router routes `{condition, provider, model}` → `{condition, target: {provider, model}}`,
 *   with `"always"` → `"true"`;
 * - router `default: "anthropic"` (a provider name) → `default: {provider, model}` with the
 *   provider's default model.
 *
 * Anything it does not recognise is left for the validator to report.
 *
 * @example
 * const changes = normalizeSpellings(definition);
 * // [{ path: ['nodes', 1, 'config'], from: 'max_tokens', to: 'maxTokens', value: 1024, … }]
 */
export function normalizeSpellings(definition: unknown): SpellingChange[] {
  const changes: SpellingChange[] = [];
  if (!isObject(definition) || !Array.isArray(definition.nodes)) return changes;
  definition.nodes.forEach((node, index) => {
    if (!isObject(node) || typeof node.type !== 'string' || !isObject(node.config)) return;
    const nodeType = getNodeType(node.type);
    const properties = nodeType?.configSchema.properties;
    if (!isObject(properties)) return;
    const path = ['nodes', index, 'config'];
    normalizeConfig(node.config, Object.keys(properties), path, changes);
    if (node.type === 'llmRouter') normalizeRouter(node.config, path, changes);
  });
  return changes;
}

function rename(
  config: JsonObject,
  change: Omit<SpellingChange, 'message'> & { message?: string },
  changes: SpellingChange[],
): void {
  delete config[change.from];
  if (change.to !== null && change.value !== undefined) config[change.to] = change.value;
  changes.push({
    ...change,
    message:
      change.message ??
      `"${change.from}" is an old spelling; write "${change.to}": ${JSON.stringify(change.value)}`,
  });
}

function normalizeConfig(
  config: JsonObject,
  known: string[],
  path: Array<string | number>,
  changes: SpellingChange[],
): void {
  for (const key of Object.keys(config)) {
    const value = config[key] as JsonValue;
    if (key === 'functions' && known.includes('tools') && config.tools === undefined) {
      const tools = toTools(value);
      const message = `"functions" is OpenAI's old name; write "tools" (the same entries)`;
      rename(config, { path, from: key, to: 'tools', value: tools, message }, changes);
      continue;
    }
    const camel = camelCase(key);
    if (camel === key || !known.includes(camel) || config[camel] !== undefined) continue;
    const converted = camel === 'responseFormat' ? toResponseFormat(value) : value;
    rename(config, { path, from: key, to: camel, value: converted }, changes);
  }
}

// OpenAI's legacy `functions` entries are {name, description, parameters}, as tools are; a
// function without parameters takes none.
function toTools(value: JsonValue): JsonValue {
  if (!Array.isArray(value)) return value;
  return value.map((entry) =>
    isObject(entry) && entry.parameters === undefined
      ? { ...entry, parameters: { type: 'object', properties: {} } }
      : entry,
  );
}

function toResponseFormat(value: JsonValue): JsonValue {
  if (!isObject(value)) return value;
  if (value.type === 'json_object' || value.type === 'text') return value.type;
  const schema = value.json_schema;
  if (value.type === 'json_schema' && isObject(schema)) {
    return { type: 'json_schema', name: schema.name ?? 'response', schema: schema.schema ?? {} };
  }
  return value;
}

function normalizeRouter(
  config: JsonObject,
  path: Array<string | number>,
  changes: SpellingChange[],
): void {
  if (Array.isArray(config.routes)) {
    config.routes.forEach((route, index) => {
      if (!isObject(route)) return;
      const routePath = [...path, 'routes', index];
      if (route.condition === 'always') {
        rename(
          route,
          {
            path: routePath,
            from: 'condition',
            to: 'condition',
            value: 'true',
            message: '"always" is an old spelling; write the condition "true"',
          },
          changes,
        );
      }
      if (route.target === undefined && typeof route.provider === 'string') {
        const target = targetFor(route.provider, route.model);
        const model = route.model;
        rename(
          route,
          {
            path: routePath,
            from: 'provider',
            to: 'target',
            value: target,
            message: `a route names its provider and model in "target"; write "target": ${JSON.stringify(target)}`,
          },
          changes,
        );
        if (model !== undefined) {
          rename(
            route,
            {
              path: routePath,
              from: 'model',
              to: null,
              message: '"model" moves into "target", beside the provider',
            },
            changes,
          );
        }
      }
    });
  }
  if (typeof config.default === 'string') {
    const target = targetFor(config.default, undefined);
    rename(
      config,
      {
        path,
        from: 'default',
        to: 'default',
        value: target,
        message: `"default" names a provider and a model; write "default": ${JSON.stringify(target)}`,
      },
      changes,
    );
  }
}

// Without a model, a target takes the default model of that provider's completion node (from the
// node manifest, so the Python runtime picks the same one).
function targetFor(provider: string, model: JsonValue | undefined): JsonValue {
  const completion = NODE_TYPES.find(
    (nodeType) => nodeType.provider === provider && nodeType.category === 'llm',
  );
  const properties = completion?.configSchema.properties;
  const fallback =
    isObject(properties) && isObject(properties.model) ? properties.model.default : undefined;
  const chosen = typeof model === 'string' ? model : fallback;
  return typeof chosen === 'string' ? { provider, model: chosen } : { provider };
}

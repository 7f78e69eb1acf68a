import type { JsonValue, WorkflowDefinition } from '@catalyst/spec';
import { validateWorkflow } from '@catalyst/workflow';
import { parse as parseYaml } from 'yaml';

/**
 * Named models of the OpenAI gateway (`catalyst serve --gateway gateway.yaml`): aliases for
 * `PROVIDER/MODEL` and routes run by an `llmRouter` (its rules, strategies and fallback chains).
 */
export interface GatewayConfig {
  /** `model` name → `PROVIDER/MODEL`. */
  aliases: Record<string, string>;
  /** `model` name → the one-router workflow that answers it (see gatewayRouteWorkflow). */
  routes: Record<string, WorkflowDefinition>;
}

/**
 * The variable naming the gateway file: generated Python services read it, and `catalyst serve`
 * too (its `--gateway` flag overrides it), so one deployment setting serves both runtimes.
 */
export const GATEWAY_FILE_ENVIRONMENT = 'CATALYST_GATEWAY_FILE';

/** An empty gateway config: no named models. */
export const EMPTY_GATEWAY_CONFIG: GatewayConfig = { aliases: {}, routes: {} };

/** A name the `model` field can hold: no slash (those are `PROVIDER/MODEL` and `workflow/ID`). */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * The workflow a gateway route runs: `input` (`{"messages": [...]}`) → an `llmRouter` with the
 * route's config → `output`. With no `prompt` or `messages` in the config the router sends the
 * request's messages as they are (the input is its upstream prompt).
 */
export function gatewayRouteWorkflow(
  name: string,
  routerConfig: Record<string, JsonValue>,
): WorkflowDefinition {
  return {
    id: `gateway-route-${name}`,
    name: `Gateway route ${name}`,
    input: {
      type: 'object',
      properties: { messages: { type: 'array' } },
      required: ['messages'],
    },
    nodes: [
      { id: 'input', type: 'input' },
      { id: 'answer', type: 'llmRouter', config: routerConfig },
      { id: 'output', type: 'output', config: { value: '{{ nodes.answer.text }}' } },
    ],
    edges: [
      { from: 'input', to: 'answer' },
      { from: 'answer', to: 'output' },
    ],
  };
}

/**
 * Reads a gateway file (YAML or JSON):
 *
 * ```yaml
 * aliases:
 *   fast: groq/llama-3.1-8b-instant
 * routes:
 *   smart:                       # an llmRouter config (docs/router.md)
 *     routes:
 *       - { name: long, condition: "prompt_tokens > 2000", target: [{ provider: anthropic, model: claude-sonnet-4-6 }] }
 *     default: [{ provider: openai, model: gpt-4.1-mini }, { provider: anthropic, model: claude-haiku-4-5 }]
 * ```
 *
 * @throws Error naming the file and the entry, for anything malformed or a router config that
 * does not validate.
 */
export function parseGatewayConfig(text: string, fileName: string): GatewayConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new Error(`${fileName}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isObject(raw)) throw new Error(`${fileName}: expected a mapping with aliases and routes`);
  for (const key of Object.keys(raw)) {
    if (key !== 'aliases' && key !== 'routes') {
      throw new Error(`${fileName}: unknown key "${key}"; expected aliases and routes`);
    }
  }
  const config: GatewayConfig = { aliases: {}, routes: {} };
  const aliases = raw.aliases ?? {};
  if (!isObject(aliases)) throw new Error(`${fileName}: aliases must be a mapping`);
  for (const [name, target] of Object.entries(aliases)) {
    checkName(fileName, 'aliases', name);
    if (typeof target !== 'string' || !/^[a-z-]+\/.+$/.test(target)) {
      throw new Error(`${fileName}: aliases.${name} must be "PROVIDER/MODEL"`);
    }
    config.aliases[name] = target;
  }
  const routes = raw.routes ?? {};
  if (!isObject(routes)) throw new Error(`${fileName}: routes must be a mapping`);
  for (const [name, routerConfig] of Object.entries(routes)) {
    checkName(fileName, 'routes', name);
    if (name in config.aliases)
      throw new Error(`${fileName}: "${name}" is both an alias and a route`);
    if (!isObject(routerConfig)) throw new Error(`${fileName}: routes.${name} must be a mapping`);
    const workflow = gatewayRouteWorkflow(name, routerConfig as Record<string, JsonValue>);
    const errors = validateWorkflow({
      definition: workflow,
      fileName,
      locate: () => undefined,
    }).filter((problem) => problem.severity === 'error');
    if (errors.length > 0) {
      const summary = errors
        .map((problem) => `${problem.field ? `${problem.field}: ` : ''}${problem.message}`)
        .join('; ');
      throw new Error(`${fileName}: routes.${name}: ${summary}`);
    }
    config.routes[name] = workflow;
  }
  return config;
}

function checkName(fileName: string, section: string, name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new Error(
      `${fileName}: ${section}: "${name}" is not a model name (letters, digits, . _ : -, no slash)`,
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

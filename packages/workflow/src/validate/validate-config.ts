import type { JsonValue } from '@catalyst/spec';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { NodeTypeDefinition } from '../nodes/node-type.js';
import type { ConfigIssue } from './config-issue.js';
import { humanizeSchemaErrors } from './humanize-schema-errors.js';

// Strict: our own schemas must not contain keywords Ajv would silently ignore.
const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true });

/**
 * The validator of a node type's config schema, a type guard for `Config`. Ajv keeps compiled
 * schemas by schema object, so each node type's schema is compiled once.
 */
export function compileConfigSchema<Config>(
  nodeType: NodeTypeDefinition,
): ValidateFunction<Config> {
  return ajv.compile<Config>(nodeType.configSchema);
}

/**
 * Checks a node's config (defaults already applied) against its type's schema.
 *
 * @example
 * validateConfig(ANTHROPIC_COMPLETION_NODE, { model: 'claude-haiku-4-5', temperature: 1.5 });
 * // [{ pointer: '/temperature', field: 'temperature', message: 'must be between 0 and 1 (got 1.5)' }]
 */
export function validateConfig(
  nodeType: NodeTypeDefinition,
  config: Record<string, JsonValue>,
): ConfigIssue[] {
  const validate = compileConfigSchema(nodeType);
  if (validate(config)) return [];
  return humanizeSchemaErrors(validate.errors ?? []);
}

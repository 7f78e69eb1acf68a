import type { JsonValue } from '@catalyst/spec';
import type { NodeConfigs, NodeTypeName } from '../nodes/node-configs.js';
import { getNodeType } from '../nodes/node-types.js';
import type { ConfigIssue } from './config-issue.js';
import { humanizeSchemaErrors } from './humanize-schema-errors.js';
import { compileConfigSchema } from './validate-config.js';

/** A config that does not match its node type's schema. */
export class NodeConfigError extends Error {
  readonly issues: ConfigIssue[];

  constructor(options: { type: string; issues: ConfigIssue[] }) {
    const list = options.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ');
    super(`invalid ${options.type} config: ${list}`);
    this.name = 'NodeConfigError';
    this.issues = options.issues;
  }
}

/**
 * A node's config (defaults applied) as its type's TypeScript config, checked against the
 * type's schema: the one place raw JSON becomes a typed config, so executors need no casts.
 * Throws `NodeConfigError` when the config does not match (a workflow that skipped validation).
 *
 * @example
 * parseNodeConfig('openaiCompletion', { model: 'gpt-4.1-mini', prompt: 'Hi' }).prompt; // 'Hi'
 */
export function parseNodeConfig<Type extends NodeTypeName>(
  type: Type,
  config: Record<string, JsonValue>,
): NodeConfigs[Type] {
  const definition = getNodeType(type);
  if (definition === undefined) throw new Error(`unknown node type "${type}"`);
  const validate = compileConfigSchema<NodeConfigs[Type]>(definition);
  const value: unknown = config;
  if (validate(value)) return value;
  throw new NodeConfigError({ type, issues: humanizeSchemaErrors(validate.errors ?? []) });
}

import type { JsonValue } from '@catalyst/spec';
import type { PromptTemplateNodeConfig } from '@catalyst/workflow';
import { renderDeep, renderTemplateText } from '../render-config-value.js';
import type { NodeExecutor } from './node-executor.js';

/**
 * `promptTemplate`: renders the system text and each message. `variables` are rendered first
 * and visible to the other templates as `variables.NAME`. The output's `text` is the messages'
 * contents joined by blank lines, for nodes that want plain text. A message marked `cache: true`
 * keeps the mark in the output, so the completion node after it places a cache breakpoint.
 */
export const executePromptTemplate: NodeExecutor<PromptTemplateNodeConfig> = async (context) => {
  const { config, node } = context;
  let scope = context.scope;
  if (config.variables !== undefined) {
    const variables = renderDeep({
      node: node.id,
      field: 'variables',
      value: config.variables,
      scope,
    });
    scope = { ...scope, variables };
  }
  const messages = config.messages.map((message, index) => ({
    role: message.role,
    content: renderTemplateText({
      node: node.id,
      field: `messages[${index}].content`,
      text: message.content,
      scope,
    }),
    // Carried to the completion node, which places the cache breakpoint.
    ...(message.cache === true && { cache: true }),
  }));
  const output: Record<string, JsonValue> = {};
  if (typeof config.system === 'string') {
    output.system = renderTemplateText({
      node: node.id,
      field: 'system',
      text: config.system,
      scope,
    });
  }
  output.messages = messages;
  output.text = messages.map((message) => message.content).join('\n\n');
  return { output, activeHandles: ['output'] };
};

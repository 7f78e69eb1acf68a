import type { JsonValue } from '@catalyst/spec';
import {
  ExpressionError,
  type ExpressionScope,
  evaluateExpression,
  renderTemplate,
  templateParts,
} from '@catalyst/workflow';
import { NodeFailure } from './node-failure.js';

/**
 * Renders one template string of a node's config. A string that is exactly one `{{ … }}` hole
 * keeps the expression's type (an object stays an object), so output shapes can pass structured
 * values through; any other string renders to text.
 */
export function renderTemplateValue(options: {
  node: string;
  field: string;
  text: string;
  scope: ExpressionScope;
}): JsonValue {
  const { node, field, text, scope } = options;
  try {
    const parts = templateParts(text);
    const [only] = parts;
    if (parts.length === 1 && only?.type === 'expression') {
      return evaluateExpression(only.source, scope);
    }
    return renderTemplate(text, scope);
  } catch (error) {
    throw expressionFailure(node, field, error);
  }
}

/** Renders a template that must produce text (prompts, system messages). */
export function renderTemplateText(options: {
  node: string;
  field: string;
  text: string;
  scope: ExpressionScope;
}): string {
  try {
    return renderTemplate(options.text, options.scope);
  } catch (error) {
    throw expressionFailure(options.node, options.field, error);
  }
}

/** Renders every string below `value` as a template (`value.**` fields). */
export function renderDeep(options: {
  node: string;
  field: string;
  value: JsonValue;
  scope: ExpressionScope;
}): JsonValue {
  const { node, field, value, scope } = options;
  if (typeof value === 'string') return renderTemplateValue({ node, field, text: value, scope });
  if (Array.isArray(value)) {
    return value.map((item, index) =>
      renderDeep({ node, field: `${field}[${index}]`, value: item, scope }),
    );
  }
  if (value !== null && typeof value === 'object') {
    const result: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = renderDeep({ node, field: `${field}.${key}`, value: item, scope });
    }
    return result;
  }
  return value;
}

/** An expression error as a run failure that names the node, the field and the template. */
export function expressionFailure(
  node: string,
  field: string,
  error: unknown,
): NodeFailure | unknown {
  if (!(error instanceof ExpressionError)) return error;
  return new NodeFailure({
    node,
    kind: 'expression',
    message: `node "${node}" field "${field}": ${error.message} in ${JSON.stringify(error.source)}`,
  });
}

import type { JsonSchema, ResponseFormat } from '@catalyst/spec';

/**
 * Name of the tool that carries JSON-mode output. Anthropic has no native JSON mode, so the
 * established emulation forces one tool whose input schema is the requested schema; the tool's
 * input is the JSON answer.
 */
export const ANTHROPIC_JSON_TOOL_NAME = 'json';

/** The forced tool for a JSON response format, or undefined for plain text. */
export function anthropicJsonTool(
  responseFormat: ResponseFormat | undefined,
): { name: string; description: string; input_schema: JsonSchema } | undefined {
  if (responseFormat === undefined) return undefined;
  switch (responseFormat.type) {
    case 'text':
      return undefined;
    case 'json_object':
      return {
        name: ANTHROPIC_JSON_TOOL_NAME,
        description: 'Respond with a JSON object.',
        input_schema: { type: 'object' },
      };
    case 'json_schema':
      return {
        name: ANTHROPIC_JSON_TOOL_NAME,
        description:
          responseFormat.description ??
          `Respond with JSON matching the ${responseFormat.name} schema.`,
        input_schema: responseFormat.schema,
      };
    default: {
      const unreachable: never = responseFormat;
      throw new Error(`unknown response format ${JSON.stringify(unreachable)}`);
    }
  }
}

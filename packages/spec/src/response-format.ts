import type { JsonSchema } from './json.js';

/**
 * Output format. `json_object` asks for any JSON object; `json_schema` for JSON matching a
 * schema. Providers without native support emulate it (Anthropic through a forced tool) or
 * refuse with an `invalid_request` error naming the provider.
 */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      name: string;
      schema: JsonSchema;
      description?: string;
      strict?: boolean;
    };

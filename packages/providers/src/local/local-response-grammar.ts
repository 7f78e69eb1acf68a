import type { ResponseFormat } from '@catalyst/spec';
import type { GbnfJsonSchema, Llama, LlamaGrammar } from 'node-llama-cpp';
import { localError } from './local-error.js';

/**
 * The grammar that makes llama.cpp emit only what `responseFormat` allows: any JSON value for
 * `json_object` (node-llama-cpp's built-in JSON grammar), or JSON matching the schema for
 * `json_schema` (a GBNF grammar generated from the schema). Undefined for plain text.
 */
export async function createLocalResponseGrammar(
  llama: Llama,
  responseFormat: ResponseFormat | undefined,
): Promise<LlamaGrammar | undefined> {
  if (!responseFormat) return undefined;
  switch (responseFormat.type) {
    case 'text':
      return undefined;
    case 'json_object':
      return llama.getGrammarFor('json');
    case 'json_schema':
      try {
        // node-llama-cpp validates the schema itself and throws on keywords its grammar
        // generator does not support. Its signature infers the reply type from a literal
        // schema; ours arrives at run time, so it is called through the plain schema type.
        const createGrammar = llama.createGrammarForJsonSchema.bind(llama) as (
          schema: GbnfJsonSchema,
        ) => Promise<LlamaGrammar>;
        return await createGrammar(responseFormat.schema as GbnfJsonSchema);
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        throw localError(
          'invalid_request',
          `The local model cannot enforce the JSON schema "${responseFormat.name}": ${detail}. ` +
            'Simplify the schema (types, properties, required, enum, arrays) or use json_object.',
          { cause: error },
        );
      }
    default: {
      const unreachable: never = responseFormat;
      throw localError('invalid_request', `Unknown response format ${JSON.stringify(unreachable)}`);
    }
  }
}

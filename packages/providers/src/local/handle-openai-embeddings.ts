import type { ServerResponse } from 'node:http';
import type { LanguageModelProvider } from '@catalyst/spec';
import { encodeEmbeddingBase64 } from './encode-openai-embedding.js';
import { sendJson } from './openai-http-response.js';
import { OpenAIRequestError } from './parse-openai-chat-request.js';

/** `POST /v1/embeddings`: string inputs, `float` or `base64` encoding, optional `dimensions`. */
export async function handleOpenAIEmbeddings(
  provider: LanguageModelProvider,
  body: unknown,
  signal: AbortSignal,
  response: ServerResponse,
) {
  if (!provider.embed)
    throw new OpenAIRequestError(`The ${provider.name} provider has no embeddings.`);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new OpenAIRequestError('The body must be a JSON object.');
  }
  const fields = body as Record<string, unknown>;
  const rawInput = fields.input;
  const input = typeof rawInput === 'string' ? [rawInput] : rawInput;
  if (
    !Array.isArray(input) ||
    input.length === 0 ||
    !input.every((item) => typeof item === 'string')
  ) {
    throw new OpenAIRequestError(
      'input must be a string or a non-empty array of strings (token arrays are not supported).',
      'input',
    );
  }
  const format = fields.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    throw new OpenAIRequestError('encoding_format must be float or base64.', 'encoding_format');
  }
  const dimensions = fields.dimensions;
  if (dimensions !== undefined && typeof dimensions !== 'number') {
    throw new OpenAIRequestError('dimensions must be a number.', 'dimensions');
  }
  const result = await provider.embed({
    model: typeof fields.model === 'string' ? fields.model : 'local',
    input,
    signal,
    ...(dimensions !== undefined && { dimensions }),
  });
  sendJson(response, 200, {
    object: 'list',
    model: result.model,
    data: result.embeddings.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: format === 'base64' ? encodeEmbeddingBase64(vector) : vector,
    })),
    usage: { prompt_tokens: result.usage.inputTokens, total_tokens: result.usage.inputTokens },
  });
}

import type { ServerResponse } from 'node:http';
import type { LanguageModelProvider } from '@catalyst/spec';
import { sendJson } from './openai-http-response.js';

/** `GET /v1/models`: the provider's models as an OpenAI model list. */
export async function handleOpenAIModels(
  provider: LanguageModelProvider,
  signal: AbortSignal,
  response: ServerResponse,
) {
  const models = await provider.listModels({ signal });
  sendJson(response, 200, {
    object: 'list',
    data: models.map((model) => ({
      id: model.id,
      object: 'model',
      created: 0,
      owned_by: `catalyst-${model.provider}`,
    })),
  });
}

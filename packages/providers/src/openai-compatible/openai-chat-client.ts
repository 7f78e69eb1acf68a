import type { Groq } from 'groq-sdk';
import type { ChatCompletionCreateParamsStreaming as GroqStreamingBody } from 'groq-sdk/resources/chat/completions';
import type OpenAI from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { OpenAIChatChunk } from './openai-chat-chunk.js';

/** A Chat Completions request body, in the `openai` SDK's types (the family's lingua franca). */
export type OpenAIChatBody = ChatCompletionCreateParamsStreaming;

/** An opened stream, with the request id from the response headers when there is one. */
export interface OpenAIChatStream {
  chunks: AsyncIterable<OpenAIChatChunk>;
  requestId?: string;
}

/** An embeddings answer, vectors already decoded from base64 by the SDK. */
export interface OpenAIEmbeddings {
  model: string;
  data: Array<{ index: number; embedding: ArrayLike<number> }>;
  usage?: { prompt_tokens?: number } | null;
}

/**
 * The few calls the family needs, over whichever official SDK a vendor uses (`openai`,
 * `AzureOpenAI`, `groq-sdk`). Every call takes the signal so that aborting closes the
 * connection; the SDK clients are built with `maxRetries: 0` because `providerStream` owns
 * retries.
 */
export interface OpenAIChatClient {
  streamChat(
    body: OpenAIChatBody,
    signal: AbortSignal,
    headers?: Record<string, string>,
  ): Promise<OpenAIChatStream>;
  listModelIds(signal: AbortSignal): Promise<string[]>;
  /** Absent when the vendor has no embeddings endpoint. */
  embed?(
    body: {
      model: string;
      input: string[];
      dimensions?: number;
      encoding_format?: 'float' | 'base64';
    },
    signal: AbortSignal,
  ): Promise<OpenAIEmbeddings>;
}

/** Wraps an `openai` (or `AzureOpenAI`) client. */
export function openAISdkChatClient(client: OpenAI): OpenAIChatClient {
  return {
    async streamChat(body, signal, headers) {
      const { data, request_id } = await client.chat.completions
        .create(body, { signal, ...(headers && { headers }) })
        .withResponse();
      return request_id ? { chunks: data, requestId: request_id } : { chunks: data };
    },
    async listModelIds(signal) {
      const ids: string[] = [];
      for await (const model of client.models.list({ signal })) ids.push(model.id);
      return ids;
    },
    async embed(body, signal) {
      // Without encoding_format the SDK asks for base64 and decodes it, a quarter of the JSON size.
      return client.embeddings.create(body, { signal });
    },
  };
}

/** Wraps a `groq-sdk` client. Groq has no embeddings endpoint. */
export function groqSdkChatClient(client: Groq): OpenAIChatClient {
  return {
    async streamChat(body, signal, headers) {
      // Groq's parameter types are its own copy of OpenAI's with a few fields renamed or
      // missing (`stream_options`); the body was built for Groq by the vendor settings, so
      // it is handed over as Groq's streaming parameters.
      const groqBody = body as unknown as GroqStreamingBody;
      const { data, response } = await client.chat.completions
        .create(groqBody, { signal, ...(headers && { headers }) })
        .withResponse();
      const requestId = response.headers.get('x-request-id');
      return requestId ? { chunks: data, requestId } : { chunks: data };
    },
    async listModelIds(signal) {
      const page = await client.models.list({ signal });
      return page.data.map((model) => model.id);
    },
  };
}

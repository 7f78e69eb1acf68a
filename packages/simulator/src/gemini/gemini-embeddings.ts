import { asArray, asNumber, asRecord, asString } from '../core/json-value.js';
import type { ProtocolContext } from '../types.js';
import { embeddingValues } from './embedding-values.js';
import { protoField } from './proto-field.js';

/** The real API refuses batches larger than this. */
export const MAX_BATCH_REQUESTS = 100;

function textOf(content: unknown): string {
  return asArray(asRecord(content)?.parts)
    .map((part) => asString(asRecord(part)?.text) ?? '')
    .join('');
}

/** `models/gemini-embedding-001` → `gemini-embedding-001`. */
function bareModel(name: unknown, fallback: string): string {
  const text = asString(name);
  return text === undefined ? fallback : text.replace(/^models\//, '');
}

function values(request: Record<string, unknown> | undefined, model: string): { values: number[] } {
  const dimensions = asNumber(protoField(request, 'outputDimensionality'));
  return {
    values: embeddingValues({
      text: textOf(request?.content),
      model: bareModel(request?.model, model),
      ...(dimensions === undefined ? {} : { dimensions }),
    }),
  };
}

/**
 * Answers `:embedContent` (`{embedding:{values}}`) and `:batchEmbedContents`
 * (`{embeddings:[{values}]}`, at most 100 requests, else the real 400).
 */
export function handleGeminiEmbeddings(context: ProtocolContext, batch: boolean): void {
  const { request } = context;
  const body = asRecord(request.body);
  const model = request.model ?? 'gemini-embedding-001';
  if (!batch) {
    context.json(200, { embedding: values(body, model) });
    return;
  }
  const requests = asArray(body?.requests).map(asRecord);
  if (requests.length > MAX_BATCH_REQUESTS) {
    context.json(400, {
      error: {
        code: 400,
        message: '* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n',
        status: 'INVALID_ARGUMENT',
      },
    });
    return;
  }
  context.json(200, { embeddings: requests.map((entry) => values(entry, model)) });
}

/** One entry of Gemini's model list (`GET /v1beta/models`). */
export interface GeminiModel {
  name: string;
  version: string;
  displayName: string;
  description: string;
  inputTokenLimit: number;
  outputTokenLimit: number;
  supportedGenerationMethods: string[];
  temperature?: number;
  topP?: number;
  topK?: number;
  maxTemperature?: number;
  thinking?: boolean;
}

const GENERATE_METHODS = [
  'generateContent',
  'countTokens',
  'createCachedContent',
  'batchGenerateContent',
];

function chatModel(id: string, displayName: string, outputTokenLimit = 65_536): GeminiModel {
  return {
    name: `models/${id}`,
    version: '001',
    displayName,
    description: `${displayName} (simulated)`,
    inputTokenLimit: 1_048_576,
    outputTokenLimit,
    supportedGenerationMethods: GENERATE_METHODS,
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: true,
  };
}

/** Models the simulator lists, in the order Google lists them. */
export const GEMINI_MODELS: readonly GeminiModel[] = [
  chatModel('gemini-2.5-pro', 'Gemini 2.5 Pro'),
  chatModel('gemini-2.5-flash', 'Gemini 2.5 Flash'),
  chatModel('gemini-2.5-flash-lite', 'Gemini 2.5 Flash-Lite'),
  chatModel('gemini-3-pro-preview', 'Gemini 3 Pro Preview'),
  chatModel('gemini-3-flash-preview', 'Gemini 3 Flash Preview'),
  {
    name: 'models/gemini-embedding-001',
    version: '001',
    displayName: 'Gemini Embedding 001',
    description: 'Obtain a distributed representation of a text (simulated).',
    inputTokenLimit: 2048,
    outputTokenLimit: 1,
    supportedGenerationMethods: [
      'embedContent',
      'countTextTokens',
      'countTokens',
      'asyncBatchEmbedContent',
    ],
  },
];

/**
 * One page of the list, honouring `pageSize` (default 50, at most 1000) and `pageToken`, so the
 * SDK pager walks it as it walks the real one. The token is an opaque offset.
 */
export function geminiModelPage(query: URLSearchParams): {
  models: GeminiModel[];
  nextPageToken?: string;
} {
  const requested = Number(query.get('pageSize') ?? query.get('page_size') ?? '50');
  const pageSize =
    Number.isFinite(requested) && requested > 0 ? Math.min(1000, Math.trunc(requested)) : 50;
  const token = query.get('pageToken') ?? query.get('page_token') ?? '';
  const offset = token === '' ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8')) || 0;
  const models = GEMINI_MODELS.slice(offset, offset + pageSize);
  const next = offset + pageSize;
  return next < GEMINI_MODELS.length
    ? { models, nextPageToken: Buffer.from(String(next)).toString('base64url') }
    : { models };
}

/** A model by id (`gemini-2.5-flash` or `models/gemini-2.5-flash`). */
export function findGeminiModel(model: string): GeminiModel | undefined {
  const name = model.startsWith('models/') ? model : `models/${model}`;
  return GEMINI_MODELS.find((entry) => entry.name === name);
}

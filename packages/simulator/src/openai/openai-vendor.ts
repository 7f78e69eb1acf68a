/**
 * The OpenAI-compatible vendors as configuration over one implementation: everything that
 * differs between OpenAI, Azure, Groq and xAI on the wire is a field here.
 */
export interface OpenAiVendor {
  provider: 'openai' | 'azure' | 'groq' | 'xai';
  /** OpenAI splits tool-call arguments across deltas; Groq and xAI send them whole. */
  toolArguments: 'fragments' | 'whole';
  /**
   * How a stream reports usage: a `choices:[]` chunk when `stream_options.include_usage` is set
   * (OpenAI, Azure), such a chunk always (xAI), or inside `x_groq` on the finish chunk (Groq).
   */
  streamUsage: 'usage-chunk-when-asked' | 'usage-chunk-always' | 'x-groq-on-finish';
  /** Azure's prompt filter chunk and `content_filter_results` on every choice. */
  contentFilter: boolean;
  /** xAI omits `logprobs` and `finish_reason: null` from chunks. */
  omitNullChoiceFields: boolean;
  /** Error body style: OpenAI's, or Azure's (`code` as the status string, no `type`). */
  errorStyle: 'openai' | 'azure';
  /** xAI answers a bad key with HTTP 400 in a gRPC-style body. */
  grpcStyleAuthError: boolean;
  /** Groq rejects `n` other than 1 with a 400; the others stream every choice. */
  singleChoiceOnly: boolean;
  /** Models listed by `GET /models`. */
  models: string[];
  /** `owned_by` in the models list. */
  owner: string;
}

const OPENAI_MODELS = [
  'gpt-4o',
  'gpt-4o-mini',
  'gpt-4.1',
  'gpt-4.1-mini',
  'gpt-4.1-nano',
  'gpt-5',
  'gpt-5-mini',
  'o4-mini',
  'text-embedding-3-small',
  'text-embedding-3-large',
  'text-embedding-ada-002',
];

/** Configuration per vendor. */
export const OPENAI_VENDORS: Record<OpenAiVendor['provider'], OpenAiVendor> = {
  openai: {
    provider: 'openai',
    toolArguments: 'fragments',
    streamUsage: 'usage-chunk-when-asked',
    contentFilter: false,
    omitNullChoiceFields: false,
    errorStyle: 'openai',
    grpcStyleAuthError: false,
    singleChoiceOnly: false,
    models: OPENAI_MODELS,
    owner: 'system',
  },
  azure: {
    provider: 'azure',
    toolArguments: 'fragments',
    streamUsage: 'usage-chunk-when-asked',
    contentFilter: true,
    omitNullChoiceFields: false,
    errorStyle: 'azure',
    grpcStyleAuthError: false,
    singleChoiceOnly: false,
    models: OPENAI_MODELS,
    owner: 'system',
  },
  groq: {
    provider: 'groq',
    toolArguments: 'whole',
    streamUsage: 'x-groq-on-finish',
    contentFilter: false,
    omitNullChoiceFields: false,
    errorStyle: 'openai',
    grpcStyleAuthError: false,
    singleChoiceOnly: true,
    models: [
      'llama-3.3-70b-versatile',
      'llama-3.1-8b-instant',
      'openai/gpt-oss-120b',
      'openai/gpt-oss-20b',
      'qwen/qwen3-32b',
    ],
    owner: 'Groq',
  },
  xai: {
    provider: 'xai',
    toolArguments: 'whole',
    streamUsage: 'usage-chunk-always',
    contentFilter: false,
    omitNullChoiceFields: true,
    errorStyle: 'openai',
    grpcStyleAuthError: true,
    singleChoiceOnly: false,
    models: [
      'grok-4',
      'grok-4-fast-reasoning',
      'grok-4-fast-non-reasoning',
      'grok-code-fast-1',
      'grok-3',
      'grok-3-mini',
    ],
    owner: 'xai',
  },
};

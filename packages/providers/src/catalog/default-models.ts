import type { ModelCapabilities, ModelInfo } from '@catalyst/spec';

// Prices are US dollars per million tokens, from shared/reference/provider-wire-protocols.md
// §10 (mostly third-party transcriptions checked in 2026). They are data, not code: users
// override them with `ModelCatalog.withOverrides` or a catalog file.

const chat: ModelCapabilities = {
  streaming: true,
  tools: true,
  jsonMode: true,
  jsonSchema: true,
  vision: true,
  embeddings: false,
};
const textOnly: ModelCapabilities = { ...chat, vision: false };
const embedding: ModelCapabilities = {
  streaming: false,
  tools: false,
  jsonMode: false,
  jsonSchema: false,
  vision: false,
  embeddings: true,
};

/** Anthropic cache pricing: reads at 0.1×, 5-minute writes at 1.25× the input price. */
function anthropicPricing(input: number, output: number) {
  return {
    inputPerMillion: input,
    outputPerMillion: output,
    cacheReadPerMillion: input * 0.1,
    cacheWritePerMillion: input * 1.25,
  };
}

/** The models Catalyst knows out of the box. */
export const DEFAULT_MODELS: ModelInfo[] = [
  // Anthropic
  {
    id: 'claude-opus-4-5',
    provider: 'anthropic',
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    pricing: anthropicPricing(5, 25),
    capabilities: chat,
  },
  {
    id: 'claude-sonnet-4-5',
    provider: 'anthropic',
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    pricing: anthropicPricing(3, 15),
    capabilities: chat,
  },
  {
    id: 'claude-haiku-4-5',
    provider: 'anthropic',
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    pricing: anthropicPricing(1, 5),
    capabilities: chat,
  },
  // OpenAI (cached input prices: 50% off for gpt-4o, 75% for gpt-4.1, 90% for gpt-5)
  {
    id: 'gpt-5',
    provider: 'openai',
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    pricing: { inputPerMillion: 1.25, outputPerMillion: 10, cacheReadPerMillion: 0.125 },
    capabilities: chat,
  },
  {
    id: 'gpt-5-mini',
    provider: 'openai',
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    pricing: { inputPerMillion: 0.25, outputPerMillion: 2, cacheReadPerMillion: 0.025 },
    capabilities: chat,
  },
  {
    id: 'gpt-5-nano',
    provider: 'openai',
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    pricing: { inputPerMillion: 0.05, outputPerMillion: 0.4, cacheReadPerMillion: 0.005 },
    capabilities: chat,
  },
  {
    id: 'gpt-4.1',
    provider: 'openai',
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
    pricing: { inputPerMillion: 2, outputPerMillion: 8, cacheReadPerMillion: 0.5 },
    capabilities: chat,
  },
  {
    id: 'gpt-4.1-mini',
    provider: 'openai',
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
    pricing: { inputPerMillion: 0.4, outputPerMillion: 1.6, cacheReadPerMillion: 0.1 },
    capabilities: chat,
  },
  {
    id: 'gpt-4.1-nano',
    provider: 'openai',
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
    pricing: { inputPerMillion: 0.1, outputPerMillion: 0.4, cacheReadPerMillion: 0.025 },
    capabilities: chat,
  },
  {
    id: 'gpt-4o',
    provider: 'openai',
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    pricing: { inputPerMillion: 2.5, outputPerMillion: 10, cacheReadPerMillion: 1.25 },
    capabilities: chat,
  },
  {
    id: 'gpt-4o-mini',
    provider: 'openai',
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    pricing: { inputPerMillion: 0.15, outputPerMillion: 0.6, cacheReadPerMillion: 0.075 },
    capabilities: chat,
  },
  {
    id: 'text-embedding-3-small',
    provider: 'openai',
    contextWindow: 8_191,
    maxOutputTokens: 0,
    dimensions: 1536,
    pricing: { inputPerMillion: 0.02, outputPerMillion: 0 },
    capabilities: embedding,
  },
  {
    id: 'text-embedding-3-large',
    provider: 'openai',
    contextWindow: 8_191,
    maxOutputTokens: 0,
    dimensions: 3072,
    pricing: { inputPerMillion: 0.13, outputPerMillion: 0 },
    capabilities: embedding,
  },
  // Groq
  {
    id: 'llama-3.3-70b-versatile',
    provider: 'groq',
    contextWindow: 131_072,
    maxOutputTokens: 32_768,
    pricing: { inputPerMillion: 0.59, outputPerMillion: 0.79 },
    capabilities: textOnly,
  },
  {
    id: 'llama-3.1-8b-instant',
    provider: 'groq',
    contextWindow: 131_072,
    maxOutputTokens: 131_072,
    pricing: { inputPerMillion: 0.05, outputPerMillion: 0.08 },
    capabilities: textOnly,
  },
  {
    id: 'openai/gpt-oss-120b',
    provider: 'groq',
    contextWindow: 131_072,
    maxOutputTokens: 65_536,
    pricing: { inputPerMillion: 0.15, outputPerMillion: 0.6 },
    capabilities: textOnly,
  },
  {
    id: 'openai/gpt-oss-20b',
    provider: 'groq',
    contextWindow: 131_072,
    maxOutputTokens: 65_536,
    pricing: { inputPerMillion: 0.075, outputPerMillion: 0.3 },
    capabilities: textOnly,
  },
  // Google Gemini (≤200k-token prompt prices)
  {
    id: 'gemini-2.5-pro',
    provider: 'gemini',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    pricing: { inputPerMillion: 1.25, outputPerMillion: 10 },
    capabilities: chat,
  },
  {
    id: 'gemini-2.5-flash',
    provider: 'gemini',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    pricing: { inputPerMillion: 0.3, outputPerMillion: 2.5 },
    capabilities: chat,
  },
  {
    id: 'gemini-2.5-flash-lite',
    provider: 'gemini',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    pricing: { inputPerMillion: 0.1, outputPerMillion: 0.4 },
    capabilities: chat,
  },
  {
    id: 'gemini-embedding-001',
    provider: 'gemini',
    contextWindow: 2_048,
    maxOutputTokens: 0,
    dimensions: 3072,
    capabilities: embedding,
  },
  // xAI
  {
    id: 'grok-4',
    provider: 'xai',
    contextWindow: 256_000,
    maxOutputTokens: 256_000,
    pricing: { inputPerMillion: 3, outputPerMillion: 15 },
    capabilities: chat,
  },
  {
    id: 'grok-4-fast-non-reasoning',
    provider: 'xai',
    contextWindow: 2_000_000,
    maxOutputTokens: 30_000,
    pricing: { inputPerMillion: 0.2, outputPerMillion: 0.5 },
    capabilities: chat,
  },
  {
    id: 'grok-4-1-fast-non-reasoning',
    provider: 'xai',
    contextWindow: 2_000_000,
    maxOutputTokens: 30_000,
    pricing: { inputPerMillion: 0.2, outputPerMillion: 0.5 },
    capabilities: chat,
  },
  // The embedded local model (packages/providers/src/local): free, no key.
  {
    id: 'smollm2-135m-instruct',
    provider: 'local',
    contextWindow: 8_192,
    maxOutputTokens: 2_048,
    pricing: { inputPerMillion: 0, outputPerMillion: 0 },
    capabilities: { ...textOnly, tools: false, embeddings: true },
  },
  // Voyage AI
  {
    id: 'voyage-4',
    provider: 'voyage',
    contextWindow: 32_000,
    maxOutputTokens: 0,
    dimensions: 1024,
    pricing: { inputPerMillion: 0.06, outputPerMillion: 0 },
    capabilities: embedding,
  },
  {
    id: 'voyage-4-lite',
    provider: 'voyage',
    contextWindow: 32_000,
    maxOutputTokens: 0,
    dimensions: 1024,
    pricing: { inputPerMillion: 0.02, outputPerMillion: 0 },
    capabilities: embedding,
  },
  {
    id: 'voyage-3-large',
    provider: 'voyage',
    contextWindow: 32_000,
    maxOutputTokens: 0,
    dimensions: 1024,
    pricing: { inputPerMillion: 0.18, outputPerMillion: 0 },
    capabilities: embedding,
  },
];

/** Model ids that providers have retired, with what replaced them. */
export const RETIRED_MODELS: ModelInfo[] = [
  retired('anthropic', 'claude-3-sonnet-20240229', '2025-07-21', ['claude-sonnet-4-5']),
  retired('anthropic', 'claude-3-opus-20240229', '2026-01-05', ['claude-opus-4-5']),
  retired('anthropic', 'claude-3-5-sonnet-20240620', '2025-10-22', ['claude-sonnet-4-5']),
  retired('anthropic', 'claude-3-5-sonnet-20241022', '2025-10-22', ['claude-sonnet-4-5']),
  retired('groq', 'llama-3.1-70b-versatile', '2025-01-24', [
    'llama-3.3-70b-versatile',
    'openai/gpt-oss-120b',
  ]),
  retired('groq', 'mixtral-8x7b-32768', '2025-03-20', [
    'llama-3.3-70b-versatile',
    'openai/gpt-oss-20b',
  ]),
  retired('groq', 'llama3-70b-8192', '2025-08-30', ['llama-3.3-70b-versatile']),
  retired('groq', 'llama3-8b-8192', '2025-08-30', ['llama-3.1-8b-instant']),
  retired('groq', 'gemma2-9b-it', '2025-10-08', ['llama-3.1-8b-instant']),
  retired('gemini', 'gemini-1.5-pro', '2025-09-24', ['gemini-2.5-pro']),
  retired('gemini', 'gemini-1.5-flash', '2025-09-24', ['gemini-2.5-flash']),
  retired('gemini', 'gemini-pro', '2025-02-15', ['gemini-2.5-flash']),
  retired('openai', 'gpt-4-vision-preview', '2024-12-06', ['gpt-4.1', 'gpt-4o']),
  retired('openai', 'gpt-4-32k', '2025-06-06', ['gpt-4.1']),
  retired('voyage', 'voyage-2', '2025-01-01', ['voyage-4']),
  retired('voyage', 'voyage-01', '2024-06-01', ['voyage-4']),
];

function retired(
  provider: ModelInfo['provider'],
  id: string,
  since: string,
  replacements: string[],
): ModelInfo {
  return {
    id,
    provider,
    contextWindow: 0,
    maxOutputTokens: 0,
    capabilities: textOnly,
    retired: { since, replacements },
  };
}

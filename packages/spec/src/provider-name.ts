/**
 * Every provider Catalyst talks to. `openai-compatible` is any server that speaks OpenAI's
 * Chat Completions (Ollama, vLLM, LM Studio, llama.cpp server…); `local` is the embedded model.
 */
export type ProviderName =
  | 'anthropic'
  | 'openai'
  | 'azure'
  | 'groq'
  | 'gemini'
  | 'xai'
  | 'openai-compatible'
  | 'local'
  | 'voyage';

/** The providers in a stable order, for listings and validation messages. */
export const PROVIDER_NAMES: readonly ProviderName[] = [
  'anthropic',
  'openai',
  'azure',
  'groq',
  'gemini',
  'xai',
  'openai-compatible',
  'local',
  'voyage',
];

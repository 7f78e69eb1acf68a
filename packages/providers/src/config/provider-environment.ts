import type { ProviderName } from '@catalyst/spec';

/**
 * The environment variables a provider reads (DESIGN.md, "Configuration every part honours").
 * This table is the one source of these names: the TypeScript runtime reads it, the code
 * generator writes a generated project's README and `.env.example` from it, and the Python
 * runtime reads it from `conformance/node-manifest.json` (written by `npm run generate`).
 */
export interface ProviderEnvironmentNames {
  /** Human name for messages. */
  label: string;
  /** Key variables, first one preferred. */
  apiKey: string[];
  baseUrl?: string;
  /** The variable holding a dated API version (Azure's; without it the v1 path is used). */
  apiVersion?: string;
  /** What a generated project's README says about these variables, in Markdown. */
  note?: string;
  /**
   * When the base URL is required (a server only the user knows), an example value that
   * `.env.example` writes uncommented; the key is then optional.
   */
  baseUrlExample?: string;
}

/** The README note of providers without one of their own. */
export const DEFAULT_PROVIDER_ENVIRONMENT_NOTE =
  'the base URL is optional (a proxy, or the simulator in tests)';

/** Environment variable names per provider; the generated Python services read the same. */
export const PROVIDER_ENVIRONMENT: Record<ProviderName, ProviderEnvironmentNames> = {
  anthropic: { label: 'Anthropic', apiKey: ['ANTHROPIC_API_KEY'], baseUrl: 'ANTHROPIC_BASE_URL' },
  openai: { label: 'OpenAI', apiKey: ['OPENAI_API_KEY'], baseUrl: 'OPENAI_BASE_URL' },
  azure: {
    label: 'Azure OpenAI',
    apiKey: ['AZURE_OPENAI_API_KEY'],
    baseUrl: 'AZURE_OPENAI_ENDPOINT',
    apiVersion: 'AZURE_OPENAI_API_VERSION',
    note: 'and `AZURE_OPENAI_API_VERSION` for a dated API version',
  },
  groq: { label: 'Groq', apiKey: ['GROQ_API_KEY'], baseUrl: 'GROQ_BASE_URL' },
  gemini: {
    label: 'Google Gemini',
    apiKey: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
    baseUrl: 'GEMINI_BASE_URL',
    note: 'or `GOOGLE_API_KEY`',
  },
  xai: { label: 'xAI', apiKey: ['XAI_API_KEY'], baseUrl: 'XAI_BASE_URL' },
  'openai-compatible': {
    label: 'the OpenAI-compatible server',
    apiKey: ['OPENAI_COMPATIBLE_API_KEY'],
    baseUrl: 'OPENAI_COMPATIBLE_BASE_URL',
  },
  // Set CATALYST_LOCAL_BASE_URL to use a local model behind an OpenAI-compatible server
  // (`catalyst local serve`, llama.cpp, Ollama) instead of the embedded one; generated Python
  // services, which do not embed a model, need it. The key is optional (llama.cpp and vLLM
  // servers can demand one).
  local: {
    label: 'the local model',
    apiKey: ['CATALYST_LOCAL_API_KEY'],
    baseUrl: 'CATALYST_LOCAL_BASE_URL',
    note: 'required: a Chat Completions server with the local model (`catalyst local serve`, llama.cpp, Ollama); the key only if it asks for one',
    baseUrlExample: 'http://127.0.0.1:8080/v1',
  },
  voyage: { label: 'Voyage AI', apiKey: ['VOYAGE_API_KEY'], baseUrl: 'VOYAGE_BASE_URL' },
};

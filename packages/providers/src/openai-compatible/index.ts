export { createAzureOpenAIProvider } from './create-azure-openai-provider.js';
export { createGroqProvider } from './create-groq-provider.js';
export {
  createLocalServerProvider,
  createOpenAICompatibleProvider,
} from './create-openai-compatible-provider.js';
export { createOpenAIProvider } from './create-openai-provider.js';
export { createXaiProvider } from './create-xai-provider.js';
export { createOpenAICompatibleFamilyProvider } from './openai-compatible-provider.js';
export type { OpenAICompatibleVendor } from './openai-compatible-vendor.js';

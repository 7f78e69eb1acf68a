export {
  createLocalOpenAIServer,
  type LocalOpenAIServer,
  type LocalOpenAIServerOptions,
} from './create-local-openai-server.js';
export { createLocalProvider, type LocalProviderOptions } from './create-local-provider.js';
export { defaultLocalModelPath, resolveLocalModelPath } from './local-model-path.js';
export { disposeLocalRuntimes } from './local-runtime.js';

import { basename } from 'node:path';
import {
  type ChatRequest,
  type ChatResult,
  type EmbedRequest,
  type EmbedResult,
  type LanguageModelProvider,
  type ModelInfo,
  ProviderError,
  type StreamEvent,
} from '@catalyst/spec';
import { embedLocal } from './embed-local.js';
import { abortedError } from './local-error.js';
import { LOCAL_MODEL_FILE_NAME, resolveLocalModelPath } from './local-model-path.js';
import { getLocalRuntime, type LocalRuntimeOptions } from './local-runtime.js';
import { createToolCallId, streamLocalCompletion } from './stream-local-completion.js';

/** Options of {@link createLocalProvider}; all optional. */
export interface LocalProviderOptions extends Partial<Omit<LocalRuntimeOptions, 'modelPath'>> {
  /**
   * The .gguf file. Default: `CATALYST_LOCAL_MODEL`, else the file `npm run setup:local-model`
   * installs (`$CATALYST_CACHE_DIR/models/` or `~/.cache/catalyst/models/`).
   */
  modelPath?: string;
  /** Temperature when a request sets none; default 0.8 (llama.cpp's usual balance). */
  defaultTemperature?: number;
  /**
   * Accept `tools` (node-llama-cpp function calling: the functions are documented in the
   * prompt and a started call is grammar-constrained to the schema). Default: off for the
   * bundled SmolLM2-135M, which never calls a tool in practice and answers worse with the
   * function preamble, so tools are refused with an `invalid_request` error that says so; on for
   * any other model (`CATALYST_LOCAL_MODEL`), e.g. a Qwen or Llama 3 GGUF.
   */
  toolCalling?: boolean;
  /** Tool call ids; default `call_` + 24 random hex digits. */
  createId?: () => string;
}

/**
 * The embedded local model as a provider: no API key, no network. The model loads on the first
 * call (once per process and model path) and serves concurrent calls on parallel sequences.
 *
 * @example
 * const local = createLocalProvider();
 * for await (const event of local.stream({ model: 'local', prompt: 'Hi!', messages: [], signal })) {
 *   if (event.type === 'token') process.stdout.write(event.text);
 * }
 */
export function createLocalProvider(options: LocalProviderOptions = {}): LanguageModelProvider & {
  embed(request: EmbedRequest): Promise<EmbedResult>;
} {
  const runtimeOptions: LocalRuntimeOptions = {
    modelPath: resolveLocalModelPath(options.modelPath),
    ...(options.contextSize !== undefined && { contextSize: options.contextSize }),
    ...(options.sequences !== undefined && { sequences: options.sequences }),
    ...(options.threads !== undefined && { threads: options.threads }),
  };
  const runtime = () => getLocalRuntime(runtimeOptions);
  const toolCalling =
    options.toolCalling ?? basename(runtimeOptions.modelPath) !== LOCAL_MODEL_FILE_NAME;
  const settings = {
    runtime,
    toolCalling,
    defaultTemperature: options.defaultTemperature ?? 0.8,
    createId: options.createId ?? createToolCallId,
  };

  return {
    name: 'local',

    stream(request: ChatRequest): AsyncIterable<StreamEvent> {
      return streamLocalCompletion(request, settings);
    },

    async generate(request: ChatRequest): Promise<ChatResult> {
      for await (const event of streamLocalCompletion(request, settings)) {
        if (event.type === 'done') {
          const { type: _type, ...result } = event;
          return result;
        }
        if (event.type === 'error') throw new ProviderError(event.error);
      }
      throw new Error('the local stream ended without a terminal event');
    },

    async listModels({ signal }: { signal: AbortSignal }): Promise<ModelInfo[]> {
      if (signal.aborted) throw abortedError();
      const loaded = await runtime();
      return [
        {
          id: loaded.modelId,
          provider: 'local',
          contextWindow: loaded.contextSize,
          maxOutputTokens: loaded.contextSize,
          pricing: { inputPerMillion: 0, outputPerMillion: 0 },
          capabilities: {
            streaming: true,
            tools: toolCalling,
            jsonMode: true,
            jsonSchema: true,
            vision: false,
            embeddings: true,
          },
          dimensions: loaded.model.embeddingVectorSize,
        },
      ];
    },

    embed(request: EmbedRequest): Promise<EmbedResult> {
      return embedLocal(request, runtime);
    },
  };
}

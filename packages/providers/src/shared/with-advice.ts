import type { ProviderError } from '@catalyst/spec';
import { createProviderError } from './create-provider-error.js';

/**
 * `error` again, its message ending with one more sentence of advice (the models a server does
 * serve, a reminder that Azure wants a deployment name). Composed from the error's structured
 * `detail`, so the provider's words appear once and exactly as before.
 *
 * @example
 * withAdvice(notFound, 'Available models: gpt-4o, gpt-4.1-mini.')
 */
export function withAdvice(
  error: ProviderError,
  advice: string,
  options: { secrets?: readonly (string | undefined)[] } = {},
): ProviderError {
  const { message: _composedAgain, ...facts } = error.toJSON();
  return createProviderError({
    ...facts,
    ...(error.detail !== undefined && { detail: error.detail }),
    ...(options.secrets && { secrets: options.secrets }),
    advice,
  });
}

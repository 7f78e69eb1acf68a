import type { ProviderError, ProviderName } from '@catalyst/spec';
import { PROVIDER_ENVIRONMENT } from '../config/provider-environment.js';
import { createProviderError } from './create-provider-error.js';

/** The error for a call made with no key configured: names the variable to set. */
export function missingKeyError(provider: ProviderName, model?: string): ProviderError {
  const names = PROVIDER_ENVIRONMENT[provider];
  return createProviderError({
    provider,
    kind: 'auth',
    ...(model !== undefined && { model }),
    detail: `no API key is configured (${names.apiKey.join(' or ')} is not set)`,
  });
}

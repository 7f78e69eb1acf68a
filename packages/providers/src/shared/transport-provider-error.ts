import type { ProviderError } from '@catalyst/spec';
import { createProviderError, type ProviderErrorFacts } from './create-provider-error.js';
import { describeTransportFailure, TRANSPORT_FAILURE } from './describe-transport-failure.js';

/**
 * The error for a failure below the provider's API: a stream whose JSON could not be parsed
 * (`server`, worth a retry) or a connection that failed (`network`). Every adapter ends its
 * error mapping here, so all providers word these the same way.
 */
export function transportProviderError(
  facts: Omit<ProviderErrorFacts, 'kind' | 'detail'>,
  error: unknown,
  options: { malformed: boolean },
): ProviderError {
  return options.malformed
    ? createProviderError({ ...facts, kind: 'server', detail: TRANSPORT_FAILURE.malformed })
    : createProviderError({ ...facts, kind: 'network', detail: describeTransportFailure(error) });
}

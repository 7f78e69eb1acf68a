import type { ProviderError } from '@catalyst/spec';
import { createProviderError, kindFromStatus } from '../shared/create-provider-error.js';
import { retryAfterFromHeaders } from '../shared/retry-after.js';

/**
 * The error for a non-2xx Voyage answer. Voyage's bodies are `{"detail": "<message>"}`, not
 * OpenAI-shaped; a 400 that complains about tokens or batch size is an over-long request.
 */
export function mapVoyageError(options: {
  status: number;
  headers: Headers;
  bodyText: string;
  model: string;
  secrets: readonly (string | undefined)[];
}): ProviderError {
  const { status, model } = options;
  let detail = options.bodyText.trim();
  try {
    const parsed: unknown = JSON.parse(options.bodyText);
    if (typeof parsed === 'object' && parsed !== null && 'detail' in parsed) {
      const value = (parsed as { detail: unknown }).detail;
      detail = typeof value === 'string' ? value : JSON.stringify(value);
    }
  } catch {
    // Not JSON (a proxy's HTML page): keep the text, shortened below.
  }
  if (detail.length > 500) detail = `${detail.slice(0, 500)}…`;
  const kind =
    status === 400 && /max allowed tokens|context length/i.test(detail)
      ? 'context_length'
      : kindFromStatus(status);
  const retryAfterMs = retryAfterFromHeaders(options.headers);
  return createProviderError({
    provider: 'voyage',
    kind,
    status,
    model,
    secrets: options.secrets,
    ...(detail && { detail }),
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  });
}

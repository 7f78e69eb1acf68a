import type { ProviderSettings } from '../config/provider-settings.js';

/** The SDK client options every vendor shares, from resolved settings. */
export interface SdkClientOptions {
  maxRetries: 0;
  defaultHeaders?: Record<string, string | null>;
  timeout?: number;
}

/**
 * Options for any Stainless-built SDK client (`openai`, `AzureOpenAI`, `groq-sdk`): no SDK
 * retries (`providerStream` owns them; stacking both would multiply attempts and waits), the
 * configured headers, and the per-attempt timeout.
 */
export function sdkClientOptions(settings: ProviderSettings): SdkClientOptions {
  const options: SdkClientOptions = { maxRetries: 0 };
  if (settings.headers !== undefined) options.defaultHeaders = { ...settings.headers };
  if (settings.timeoutMs !== undefined) options.timeout = settings.timeoutMs;
  return options;
}

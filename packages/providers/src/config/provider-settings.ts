import type { ProviderName } from '@catalyst/spec';
import { PROVIDER_ENVIRONMENT } from './provider-environment.js';
import { readEnvironment } from './read-environment.js';

/** Where and how to reach a provider. Explicit values win over the environment. */
export interface ProviderSettings {
  apiKey?: string;
  /** Base URL of the API (for Azure: the resource endpoint, `https://NAME.openai.azure.com`). */
  baseUrl?: string;
  /** Azure dated API version; when absent Azure uses the v1 path (`/openai/v1`). */
  apiVersion?: string;
  /** Extra headers on every request (e.g. simulator directives, proxies). */
  headers?: Record<string, string>;
  /** Request timeout for one HTTP attempt, passed to the SDK. */
  timeoutMs?: number;
}

/**
 * Fills `explicit` from the environment variables DESIGN.md names for `provider`
 * (`ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL`, …), `.env` included.
 */
export function resolveProviderSettings(
  provider: ProviderName,
  explicit: ProviderSettings = {},
  environment: Record<string, string | undefined> = readEnvironment(),
): ProviderSettings {
  const names = PROVIDER_ENVIRONMENT[provider];
  const settings: ProviderSettings = { ...explicit };
  if (settings.apiKey === undefined) {
    const key = names.apiKey.map((name) => environment[name]).find((value) => value);
    if (key) settings.apiKey = key;
  }
  if (settings.baseUrl === undefined && names.baseUrl) {
    const baseUrl = environment[names.baseUrl];
    if (baseUrl) settings.baseUrl = baseUrl;
  }
  if (settings.apiVersion === undefined && names.apiVersion) {
    const apiVersion = environment[names.apiVersion];
    if (apiVersion) settings.apiVersion = apiVersion;
  }
  return settings;
}

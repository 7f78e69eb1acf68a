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
  /**
   * Default first-token timeout of every streamed attempt (a request's own value wins); from
   * `CATALYST_FIRST_TOKEN_TIMEOUT_MS`, else `DEFAULT_FIRST_TOKEN_TIMEOUT_MS`.
   */
  firstTokenTimeoutMs?: number;
  /**
   * Default silence allowed between chunks of a streamed attempt (a request's own value wins);
   * from `CATALYST_IDLE_TIMEOUT_MS`, else `DEFAULT_IDLE_TIMEOUT_MS`.
   */
  idleTimeoutMs?: number;
}

/**
 * Default first-token timeout. Reasoning models (o-series, extended thinking) can think for a
 * minute before their first visible token; 120 s lets them through while still ending a dead
 * stream well before the 300 s at which proxies and clients commonly give up.
 */
export const DEFAULT_FIRST_TOKEN_TIMEOUT_MS = 120_000;

/**
 * Default silence allowed between chunks after the first token. Providers stream several chunks
 * a second and send pings (Anthropic) during long outputs; 30 s of nothing is a stalled stream.
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/** The environment variables that set the server-wide stream timeouts (milliseconds; 0 = off). */
export const TIMEOUT_ENVIRONMENT = {
  firstTokenTimeoutMs: 'CATALYST_FIRST_TOKEN_TIMEOUT_MS',
  idleTimeoutMs: 'CATALYST_IDLE_TIMEOUT_MS',
} as const;

/**
 * A millisecond count from the environment, or undefined when unset. A value that is not a
 * non-negative integer throws, naming the variable: a typo must not silently mean "no timeout".
 */
export function readMillisecondsVariable(
  name: string,
  environment: Record<string, string | undefined>,
): number | undefined {
  const raw = environment[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a whole number of milliseconds (0 = off), got "${raw}"`);
  }
  return value;
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
  for (const [field, name] of Object.entries(TIMEOUT_ENVIRONMENT) as Array<
    [keyof typeof TIMEOUT_ENVIRONMENT, string]
  >) {
    if (settings[field] !== undefined) continue;
    const value = readMillisecondsVariable(name, environment);
    if (value !== undefined) settings[field] = value;
  }
  if (settings.apiVersion === undefined && names.apiVersion) {
    const apiVersion = environment[names.apiVersion];
    if (apiVersion) settings.apiVersion = apiVersion;
  }
  return settings;
}

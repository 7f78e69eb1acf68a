import type { ProviderName } from './provider-name.js';

/**
 * What went wrong, in terms a caller can act on. Every provider's error shapes are mapped to
 * one of these.
 */
export type ProviderErrorKind =
  | 'auth'
  | 'model_not_found'
  | 'invalid_request'
  | 'context_length'
  | 'rate_limit'
  | 'overloaded'
  | 'server'
  | 'timeout'
  | 'network'
  | 'aborted'
  | 'content_filter';

/** The serialisable part of a provider error, as it travels in events and over HTTP. */
export interface ProviderErrorInfo {
  kind: ProviderErrorKind;
  message: string;
  provider: ProviderName;
  /** HTTP status when the provider answered; absent for network faults, timeouts and aborts. */
  status?: number;
  retryable: boolean;
  /** How long the provider asked us to wait, from retry-after / retry-after-ms / RetryInfo. */
  retryAfterMs?: number;
  model?: string;
  /** The provider's request id, for support tickets. */
  requestId?: string;
}

/** Kinds worth retrying on their own (a rate limit may also carry a retry-after). */
export const RETRYABLE_KINDS: ReadonlySet<ProviderErrorKind> = new Set([
  'rate_limit',
  'overloaded',
  'server',
  'timeout',
  'network',
]);

/**
 * The one error type the provider layer throws. Its message tells a person what to do next and
 * never contains a secret.
 *
 * @example
 * try { await provider.generate(request) } catch (error) {
 *   if (error instanceof ProviderError && error.kind === 'auth') console.error(error.message);
 * }
 */
export class ProviderError extends Error implements ProviderErrorInfo {
  readonly kind: ProviderErrorKind;
  readonly provider: ProviderName;
  readonly status?: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly model?: string;
  readonly requestId?: string;
  /**
   * What the provider itself said, redacted, as the sentence that appears in `message` (it ends
   * with a full stop). Built once where the error is made, so code that adds advice to an error
   * (the models a server does serve, say) composes from it instead of cutting up the message.
   * Not part of `toJSON()`: events and HTTP bodies carry only the message.
   */
  readonly detail?: string;

  constructor(info: ProviderErrorInfo, options?: { cause?: unknown; detail?: string }) {
    super(info.message, options);
    this.name = 'ProviderError';
    this.kind = info.kind;
    this.provider = info.provider;
    this.retryable = info.retryable;
    if (info.status !== undefined) this.status = info.status;
    if (info.retryAfterMs !== undefined) this.retryAfterMs = info.retryAfterMs;
    if (info.model !== undefined) this.model = info.model;
    if (info.requestId !== undefined) this.requestId = info.requestId;
    if (options?.detail !== undefined) this.detail = options.detail;
  }

  /** The plain-data form, safe to serialise into an event or an HTTP body. */
  toJSON(): ProviderErrorInfo {
    const info: ProviderErrorInfo = {
      kind: this.kind,
      message: this.message,
      provider: this.provider,
      retryable: this.retryable,
    };
    if (this.status !== undefined) info.status = this.status;
    if (this.retryAfterMs !== undefined) info.retryAfterMs = this.retryAfterMs;
    if (this.model !== undefined) info.model = this.model;
    if (this.requestId !== undefined) info.requestId = this.requestId;
    return info;
  }
}

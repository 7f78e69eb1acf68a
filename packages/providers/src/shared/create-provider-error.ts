import {
  ProviderError,
  type ProviderErrorKind,
  type ProviderName,
  RETRYABLE_KINDS,
} from '@catalyst/spec';
import { PROVIDER_ENVIRONMENT } from '../config/provider-environment.js';
import { redactSecrets } from './redact-secrets.js';

/** Facts about a failure, before they become a message a person can act on. */
export interface ProviderErrorFacts {
  provider: ProviderName;
  kind: ProviderErrorKind;
  /** What the provider said, verbatim (it is redacted here). */
  detail?: string;
  /**
   * A sentence of our own to end the message with, after the provider's words and the kind's
   * usual advice (e.g. `Available models: a, b.`).
   */
  advice?: string;
  status?: number;
  retryAfterMs?: number;
  model?: string;
  requestId?: string;
  /** Configured key values to strip from the message. */
  secrets?: readonly (string | undefined)[];
  /** Overrides the kind's default retryability (e.g. OpenAI `insufficient_quota` is a 429 never worth retrying). */
  retryable?: boolean;
}

/** The usual kind for an HTTP status. */
export function kindFromStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'model_not_found';
  if (status === 408) return 'timeout';
  if (status === 413) return 'context_length';
  if (status === 429) return 'rate_limit';
  if (status === 503 || status === 529) return 'overloaded';
  if (status >= 500) return 'server';
  return 'invalid_request';
}

/**
 * Builds the `ProviderError` for `facts`: the message says what happened and what to do next
 * (which variable to set, when to retry, what to shorten), and never contains a key.
 */
export function createProviderError(facts: ProviderErrorFacts): ProviderError {
  const names = PROVIDER_ENVIRONMENT[facts.provider];
  const words = facts.detail ? redactSecrets(facts.detail, facts.secrets ?? []).trim() : '';
  // The provider's words end with a full stop so our advice reads as its own sentence.
  const detail = words && `${words}${/[.!?]$/.test(words) ? '' : '.'}`;
  const status = facts.status !== undefined ? ` (HTTP ${facts.status})` : '';
  const said = detail ? `: ${detail}` : '.';
  const model = facts.model ? ` "${facts.model}"` : '';
  let message: string;
  switch (facts.kind) {
    case 'auth': {
      const variable = names.apiKey.join(' or ');
      message = `${names.label} rejected the credentials${status}${said} Set ${variable || 'the API key'} to a valid key, or pass apiKey explicitly.`;
      break;
    }
    case 'model_not_found':
      message = `${names.label} does not serve the model${model}${status}${said}`;
      break;
    case 'context_length':
      message = `The request is longer than the context window of${model || ' the model'}${status}${said} Shorten the input or choose a model with a larger window.`;
      break;
    case 'rate_limit': {
      const wait =
        facts.retryAfterMs !== undefined
          ? ` Retry after ${formatWait(facts.retryAfterMs)}.`
          : ' Retry later.';
      message = `${names.label} rate limit reached${status}${said}${wait}`;
      break;
    }
    case 'overloaded':
      message = `${names.label} is overloaded${status}${said} Retry later or fall back to another provider.`;
      break;
    case 'server':
      message = `${names.label} had a server error${status}${said} It is usually temporary; retry.`;
      break;
    case 'timeout':
      message = `${names.label} did not answer in time${said}`;
      break;
    case 'network': {
      const where = names.baseUrl ? ` Check ${names.baseUrl} and the network.` : '';
      message = `Could not reach ${names.label}${said}${where}`;
      break;
    }
    case 'aborted':
      message = `The call to ${names.label} was aborted.`;
      break;
    case 'content_filter':
      message = `${names.label} blocked the content${status}${said}`;
      break;
    case 'invalid_request':
      message = `${names.label} refused the request${status}${said}`;
      break;
    default: {
      const unreachable: never = facts.kind;
      throw new Error(`unknown error kind ${String(unreachable)}`);
    }
  }
  if (facts.advice) message = `${message} ${facts.advice}`;
  const info = {
    kind: facts.kind,
    provider: facts.provider,
    message,
    retryable: facts.retryable ?? RETRYABLE_KINDS.has(facts.kind),
    ...(facts.status !== undefined && { status: facts.status }),
    ...(facts.retryAfterMs !== undefined && { retryAfterMs: facts.retryAfterMs }),
    ...(facts.model !== undefined && { model: facts.model }),
    ...(facts.requestId !== undefined && { requestId: facts.requestId }),
  };
  return new ProviderError(info, detail ? { detail } : undefined);
}

/** `250 ms`, `7 s`: whole numbers only, so both runtimes print the same text. */
function formatWait(milliseconds: number): string {
  return milliseconds < 1000
    ? `${Math.round(milliseconds)} ms`
    : `${Math.ceil(milliseconds / 1000)} s`;
}

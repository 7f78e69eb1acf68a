import type { ChatMessage } from './chat-message.js';
import type { ResponseFormat } from './response-format.js';
import type { ToolChoice, ToolDefinition } from './tool.js';

/**
 * One completion request, the same for every provider.
 *
 * `signal` is required (seed 004): every call must be cancellable, and aborting it closes the
 * upstream HTTP connection at once.
 */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  signal: AbortSignal;
  /** Shorthand for a leading system message. */
  system?: string;
  /** Shorthand for a trailing user message. */
  prompt?: string;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
  seed?: number;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
  /**
   * Prompt caching: Anthropic gets `cache_control` breakpoints on the system prompt and the last
   * tool definition (messages marked `cache: true` add their own). OpenAI, Gemini, xAI and Groq
   * cache long prefixes by themselves, so there it changes nothing; their cached tokens are
   * reported in `usage` either way.
   */
  cache?: boolean;
  /**
   * Time one attempt may take until its first token; a timed-out attempt is retried like any
   * retryable error. Default: the provider's setting (`CATALYST_FIRST_TOKEN_TIMEOUT_MS`), else
   * 120 s. 0 turns it off.
   */
  firstTokenTimeoutMs?: number;
  /**
   * Silence allowed between two chunks once the first token arrived. Default: the provider's
   * setting (`CATALYST_IDLE_TIMEOUT_MS`), else 30 s. 0 turns it off.
   */
  idleTimeoutMs?: number;
  /** Time one attempt may take from request to last chunk; a timed-out attempt with no token yet is retried. */
  attemptTimeoutMs?: number;
  /** Time allowed for the whole call, retries included; never retried. */
  totalTimeoutMs?: number;
  /** Retries on retryable errors before the first token; default 2. */
  maxRetries?: number;
  /** Extra provider-specific body fields, passed through as they are. */
  providerOptions?: Record<string, unknown>;
  /**
   * Extra HTTP headers of every attempt (e.g. W3C `traceparent` so the provider call joins the
   * caller's trace). Never logged.
   */
  headers?: Record<string, string>;
}

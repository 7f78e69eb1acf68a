import type { ChatResult } from './chat-result.js';
import type { ProviderErrorInfo } from './provider-error.js';
import type { ToolCall } from './tool.js';
import type { Usage } from './usage.js';

/** A piece of reply text, forwarded the moment the provider sends it. */
export interface TokenEvent {
  type: 'token';
  text: string;
}

/** A fragment of a tool call while it streams; `index` keys parallel calls. */
export interface ToolCallDeltaEvent {
  type: 'tool-call-delta';
  index: number;
  id?: string;
  name?: string;
  argumentsDelta: string;
}

/** A tool call once all its arguments have arrived. */
export interface ToolCallEvent {
  type: 'tool-call';
  index: number;
  toolCall: ToolCall;
}

/** The provider moved to another attempt (a retry before the first token). */
export interface RetryEvent {
  type: 'retry';
  attempt: number;
  delayMs: number;
  error: ProviderErrorInfo;
}

/** Terminal: the reply is complete. */
export interface DoneEvent extends ChatResult {
  type: 'done';
}

/** Terminal: the call failed. Carries whatever arrived before the failure. */
export interface ErrorEvent {
  type: 'error';
  error: ProviderErrorInfo;
  /** Text that had streamed before the failure (the client must not take it as complete). */
  partialText: string;
  usage: Usage;
}

/**
 * What `stream()` yields. Exactly one terminal event (`done` or `error`) ends every stream,
 * with usage, even on abort.
 */
export type StreamEvent =
  | TokenEvent
  | ToolCallDeltaEvent
  | ToolCallEvent
  | RetryEvent
  | DoneEvent
  | ErrorEvent;

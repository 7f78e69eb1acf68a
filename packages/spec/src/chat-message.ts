import type { ToolCall } from './tool.js';

/** Plain text inside a message. */
export interface TextPart {
  type: 'text';
  text: string;
}

/**
 * An image inside a user message: either a URL (https or `data:`) or base64 `data` with its
 * `mediaType`.
 */
export interface ImagePart {
  type: 'image';
  url?: string;
  data?: string;
  mediaType?: string;
}

/** Content of a user message. */
export type UserContent = string | Array<TextPart | ImagePart>;

/** A system instruction. Providers without a system role get it mapped (Anthropic `system`, Gemini `systemInstruction`). */
export interface SystemMessage {
  role: 'system';
  content: string;
  /**
   * Ends a prompt-cache prefix here (Anthropic: a `cache_control` breakpoint on the message's last
   * block). Providers that cache implicitly (OpenAI, Gemini, xAI, Groq) ignore it.
   */
  cache?: boolean;
}

/** A user turn. */
export interface UserMessage {
  role: 'user';
  content: UserContent;
  /**
   * Ends a prompt-cache prefix here (Anthropic: a `cache_control` breakpoint on the message's last
   * block). Providers that cache implicitly (OpenAI, Gemini, xAI, Groq) ignore it.
   */
  cache?: boolean;
}

/** A model turn, possibly with tool calls the model made. */
export interface AssistantMessage {
  role: 'assistant';
  content: string;
  toolCalls?: ToolCall[];
  /**
   * Ends a prompt-cache prefix here (Anthropic: a `cache_control` breakpoint on the message's last
   * block). Providers that cache implicitly (OpenAI, Gemini, xAI, Groq) ignore it.
   */
  cache?: boolean;
}

/** The result of running a tool the model asked for. */
export interface ToolResultMessage {
  role: 'tool';
  toolCallId: string;
  /** The tool's name; Gemini matches results by name, not id. */
  toolName: string;
  content: string;
  isError?: boolean;
  /**
   * Ends a prompt-cache prefix here (Anthropic: a `cache_control` breakpoint on the message's last
   * block). Providers that cache implicitly (OpenAI, Gemini, xAI, Groq) ignore it.
   */
  cache?: boolean;
}

/** One message shape mapped to every provider. */
export type ChatMessage = SystemMessage | UserMessage | AssistantMessage | ToolResultMessage;

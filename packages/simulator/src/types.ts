/**
 * The simulator's internal contracts. The core (server, scenario resolution, fault injection,
 * request log, stream pacing) lives in `core/`; each wire protocol lives in its own folder and
 * plugs in through `ProtocolModule`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Which real API a request was addressed to. */
export type SimProvider = 'openai' | 'azure' | 'groq' | 'xai' | 'anthropic' | 'gemini' | 'voyage';

/** What a route does; used by scenarios to match and by the request log. */
export type SimOperation = 'chat' | 'embeddings' | 'models' | 'count_tokens';

/** Error kinds a scenario can ask for; each protocol renders its own real body and status. */
export type SimErrorKind =
  | 'auth'
  | 'model_not_found'
  | 'invalid_request'
  | 'context_length'
  | 'rate_limit'
  | 'server'
  | 'overloaded';

/**
 * A fault to inject. Counts (`afterChunks`) are content chunks: text pieces or tool-call
 * argument fragments, not protocol bookkeeping frames.
 */
export type Fault =
  /** Answer with an HTTP error. `status` overrides the protocol's usual status for the kind. */
  | {
      type: 'http';
      kind: SimErrorKind;
      status?: number;
      message?: string;
      retryAfterSeconds?: number;
      retryAfterMs?: number;
    }
  /** Destroy the socket before any byte of the response is written. */
  | { type: 'reset' }
  /** Send the headers and `afterChunks` chunks, then destroy the socket. */
  | { type: 'disconnect'; afterChunks: number }
  /** Send `afterChunks` chunks, then a frame whose JSON is cut off, then end the response. */
  | { type: 'malformed'; afterChunks: number }
  /** Send `afterChunks` chunks, then nothing more until the client gives up. */
  | { type: 'stall'; afterChunks: number }
  /** Send `afterChunks` chunks, then the protocol's in-stream error (Anthropic `event: error`…). */
  | { type: 'stream-error'; afterChunks: number; kind: SimErrorKind; message?: string };

/** One tool call the simulated model makes. */
export interface PlannedToolCall {
  id: string;
  name: string;
  /** Arguments as JSON text, exactly as they will be sent. */
  arguments: string;
}

/** Why the simulated reply ends. Protocols map it to their own vocabulary. */
export type PlannedFinish = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'stop_sequence';

/** Everything needed to answer one request, decided before the first byte. */
export interface ReplyPlan {
  /** Model id to report in the response. */
  model: string;
  /** Reply text split into the chunks to stream, in order. Joined, they are the full text. */
  chunks: string[];
  toolCalls: PlannedToolCall[];
  finish: PlannedFinish;
  /** The stop sequence that ended the reply, when `finish` is `stop_sequence`. */
  stopSequence?: string;
  usage: {
    inputTokens: number;
    outputTokens: number;
    cacheReadTokens: number;
    cacheWriteTokens: number;
  };
  /** Milliseconds before the first content chunk, and between chunks. */
  timing: { firstTokenMs: number; tokenDelayMs: number };
  fault?: Fault;
  /** Number of choices (`n`), OpenAI family only. */
  choices: number;
}

/** A request as the core parsed it, handed to a protocol. */
export interface SimRequest {
  id: number;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
  provider: SimProvider;
  operation: SimOperation;
  model?: string;
  stream: boolean;
}

/** What the core offers a protocol while it answers. */
export interface ProtocolContext {
  request: SimRequest;
  plan: ReplyPlan;
  response: ServerResponse;
  /** Writes a JSON body with `content-type: application/json`. */
  json(status: number, body: unknown, headers?: Record<string, string>): void;
  /**
   * Streams frames with the plan's timing and fault applied. `content` frames count toward a
   * fault's `afterChunks` and are paced by `tokenDelayMs`; the first content frame waits
   * `firstTokenMs`. Resolves false when the stream was cut (fault or client gone) and the
   * protocol must stop writing.
   */
  streamFrames(frames: Iterable<StreamFrame>, options: StreamOptions): Promise<boolean>;
}

/** One wire frame of a stream. */
export interface StreamFrame {
  /** The exact bytes to write, e.g. `data: {...}\n\n`. */
  wire: string;
  content: boolean;
}

/** How a protocol renders the faults it is responsible for inside a stream. */
export interface StreamOptions {
  /** Bytes for a cut-off frame (malformed fault). */
  malformedFrame: string;
  /** Bytes for the protocol's in-stream error (stream-error fault). */
  errorFrame(kind: SimErrorKind, message: string): string;
  /** Response headers for the stream (content-type is set by the core). */
  headers?: Record<string, string>;
}

/** A matched route: which provider and operation a request is for. */
export interface RouteMatch {
  provider: SimProvider;
  operation: SimOperation;
  /** Model id from the path (Gemini, Azure deployments) when the body does not carry it. */
  model?: string;
  /** Whether the request asks for a stream (path or body). */
  stream?: boolean;
}

/** One wire protocol (OpenAI family, Anthropic, Gemini, Voyage). */
export interface ProtocolModule {
  /**
   * Claims a request by method and path; returns null when it is not this protocol's. `body` is
   * the parsed JSON body (undefined when absent): vendors that share a path, such as OpenAI and
   * xAI on `/v1/chat/completions`, are told apart by the model it names. `headers` (lower-case
   * names) tell clients apart on a shared path, such as Anthropic's and OpenAI's `GET /v1/models`.
   */
  match(
    method: string,
    pathname: string,
    query: URLSearchParams,
    body?: unknown,
    headers?: Record<string, string>,
  ): RouteMatch | null;
  /**
   * Optional: the body for an unknown path that looks like this protocol's (e.g. under
   * `/v1beta/`), so a 404 comes in the style the SDK expects. Null when it is not this protocol's.
   */
  notFound?(
    method: string,
    pathname: string,
  ): { status: number; body: unknown; headers?: Record<string, string> } | null;
  /** Whether the request carries credentials this protocol accepts (else the core answers 401). */
  authenticated(request: IncomingMessage, match: RouteMatch, query: URLSearchParams): boolean;
  /** Renders an HTTP error the real API would send for this kind. */
  errorResponse(
    request: SimRequest,
    fault: Extract<Fault, { type: 'http' }>,
  ): { status: number; body: unknown; headers: Record<string, string> };
  /** Normalises the request body so the core can plan a reply without knowing the protocol. */
  summarize(request: SimRequest): RequestSummary;
  /** Answers a request (no HTTP fault) using the plan. */
  handle(context: ProtocolContext): Promise<void>;
}

/** A protocol-neutral view of a request body, from which the core plans the reply. */
export interface RequestSummary {
  /** Text of the last user message (directives already visible here). */
  lastUserText: string;
  /** All prompt text (system, messages, tool schemas), for the input token estimate. */
  promptText: string;
  /** Number of messages, for per-message token overhead. */
  messageCount: number;
  /** True when the last message is a tool result: the model should now answer in text. */
  lastIsToolResult: boolean;
  /** Text of that tool result, so the planned answer can mention it. */
  lastToolResultText?: string;
  tools: Array<{ name: string; parameters: unknown }>;
  /** `auto` | `none` | `required` | a tool name to force. */
  toolChoice: 'auto' | 'none' | 'required' | { name: string };
  responseFormat:
    | { type: 'text' }
    | { type: 'json_object' }
    | { type: 'json_schema'; schema: unknown };
  maxTokens?: number;
  stop: string[];
  /** Choices requested (`n`), default 1. */
  choices: number;
  /** Texts to embed, for embeddings requests. */
  embeddingInputs: string[];
  /**
   * Explicit prompt-cache breakpoints (Anthropic `cache_control`), in prompt order: each the key
   * of the prefix ending there (model included) and its estimated tokens, and the model's minimum
   * cacheable length. Absent when the request sets none: then nothing is cached.
   */
  cacheBreakpoints?: {
    minimumTokens: number;
    prefixes: Array<{ key: string; tokens: number }>;
  };
}

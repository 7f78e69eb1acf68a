/**
 * Token counts as the OpenAI family reports them (`usage` on the last chunk, or Groq's
 * `x_groq.usage` on the finish chunk). Only the fields Catalyst reads; vendors add more.
 */
export interface OpenAIUsage {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  total_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
}

/** One streamed tool-call fragment; `index` keys parallel calls. */
export interface OpenAIToolCallDelta {
  index: number;
  id?: string | null;
  function?: { name?: string | null; arguments?: string | null } | null;
}

/** One choice of a streamed chunk. */
export interface OpenAIChunkChoice {
  index?: number;
  delta?: {
    content?: string | null;
    tool_calls?: OpenAIToolCallDelta[] | null;
    /** The deprecated single-function form, still sent by older servers. */
    function_call?: { name?: string | null; arguments?: string | null } | null;
  } | null;
  finish_reason?: string | null;
}

/**
 * A `chat.completion.chunk`, typed structurally so that both the `openai` and the `groq-sdk`
 * chunk types fit it: the stream mapping is written once for the whole family.
 */
export interface OpenAIChatChunk {
  id?: string;
  /** Empty on Azure's prompt-filter chunk. */
  model?: string;
  /** Empty on Azure's prompt-filter chunk and on the usage chunk. */
  choices?: OpenAIChunkChoice[] | null;
  usage?: OpenAIUsage | null;
  /** Groq's extras: the request id on the first and last chunk, usage and early-stop errors on the last. */
  x_groq?: { id?: string | null; usage?: OpenAIUsage | null; error?: string | null } | null;
}

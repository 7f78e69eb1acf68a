/** Why the model stopped, normalised across providers; `other` keeps unknown future values. */
export type FinishReason =
  | 'stop'
  | 'length'
  | 'tool_calls'
  | 'content_filter'
  | 'refusal'
  | 'other';

/**
 * A setting the provider or model cannot honour, reported instead of silently dropped (the AI
 * SDK's approach): the call still runs without it.
 *
 * @example
 * { type: 'unsupported-setting', setting: 'temperature', message: 'anthropic: "temperature" is not sent: …' }
 */
export interface CallWarning {
  type: 'unsupported-setting';
  /** The request field, as spelled in `ChatRequest` and node configs. */
  setting: string;
  /** What happened and why, for a person. */
  message: string;
}

/**
 * Something about a call the caller should know although it succeeded, reported instead of
 * dropped silently (the AI SDK's approach) or printed raw by an SDK: a setting the provider or
 * model cannot honour (the call ran without it), or a deprecated model (with its end-of-life date
 * and replacement).
 *
 * @example
 * { type: 'unsupported-setting', setting: 'temperature', message: 'anthropic: "temperature" is not sent: …' }
 */
export interface CallWarning {
  type: 'unsupported-setting' | 'deprecated-model';
  /** The request field, as spelled in `ChatRequest` and node configs (`model` for deprecations). */
  setting: string;
  /** What happened and why, for a person. */
  message: string;
}

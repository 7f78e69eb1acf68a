import type { CallWarning } from './call-warning.js';
import type { FinishReason } from './finish-reason.js';
import type { ProviderName } from './provider-name.js';
import type { ToolCall } from './tool.js';
import type { Cost, Usage } from './usage.js';

/** The assembled outcome of one completion. */
export interface ChatResult {
  provider: ProviderName;
  /** The model id the provider reported (may be a dated snapshot of the requested id). */
  model: string;
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
  /** `null` when the catalog has no price for the model. */
  cost: Cost | null;
  /** For JSON mode: `text` parsed, or `undefined` when it is not valid JSON. */
  json?: unknown;
  requestId?: string;
  /** Settings the provider could not honour; absent when there were none. */
  warnings?: CallWarning[];
}

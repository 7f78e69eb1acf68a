import type { FinishReason, Usage } from '@catalyst/spec';

/**
 * What a provider adapter yields while reading its SDK's stream: the provider-specific wire
 * shapes already mapped, but nothing assembled. `providerStream` turns these into the public
 * `StreamEvent`s, adding retries, timeouts, tool-call assembly, usage totals and cost.
 */
export type RawPart =
  | { type: 'text'; text: string }
  | { type: 'tool-call-delta'; index: number; id?: string; name?: string; argumentsDelta: string }
  /** Usage as reported so far; later parts overwrite earlier fields (providers send it cumulatively). */
  | { type: 'usage'; usage: Partial<Usage> }
  | { type: 'finish'; finishReason: FinishReason }
  | { type: 'metadata'; model?: string; requestId?: string };

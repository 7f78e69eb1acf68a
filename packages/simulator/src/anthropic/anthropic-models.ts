import { asNumber, asString } from '../core/json-value.js';

/** One entry of Anthropic's model list. */
export interface AnthropicModel {
  type: 'model';
  id: string;
  display_name: string;
  created_at: string;
}

/**
 * Models the simulator lists, newest first, as the real list is ordered. Ids are the ones the
 * official SDK knows; release dates are illustrative, clients only order by them.
 */
export const ANTHROPIC_MODELS: readonly AnthropicModel[] = [
  model('claude-opus-5-5', 'Claude Opus 5.5', '2026-09-01T00:00:00Z'),
  model('claude-sonnet-5-5', 'Claude Sonnet 5.5', '2026-09-01T00:00:00Z'),
  model('claude-haiku-5-5', 'Claude Haiku 5.5', '2026-09-01T00:00:00Z'),
  model('claude-opus-4-8', 'Claude Opus 4.8', '2026-05-01T00:00:00Z'),
  model('claude-opus-4-7', 'Claude Opus 4.7', '2026-03-01T00:00:00Z'),
  model('claude-opus-4-6', 'Claude Opus 4.6', '2026-02-05T00:00:00Z'),
  model('claude-sonnet-4-6', 'Claude Sonnet 4.6', '2026-02-17T00:00:00Z'),
  model('claude-opus-4-5-20251101', 'Claude Opus 4.5', '2025-11-24T00:00:00Z'),
  model('claude-haiku-4-5-20251001', 'Claude Haiku 4.5', '2025-10-15T00:00:00Z'),
  model('claude-sonnet-4-5-20250929', 'Claude Sonnet 4.5', '2025-09-29T00:00:00Z'),
];

function model(id: string, displayName: string, createdAt: string): AnthropicModel {
  return { type: 'model', id, display_name: displayName, created_at: createdAt };
}

/** A page of Anthropic's `GET /v1/models`. */
export interface AnthropicModelPage {
  data: AnthropicModel[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

/**
 * One page of the list, honouring `limit` (default 20, 1–1000), `after_id` and `before_id`, so
 * the SDK's auto-pagination walks it as it walks the real one.
 */
export function anthropicModelPage(query: URLSearchParams): AnthropicModelPage {
  const requested = asNumber(Number(query.get('limit') ?? '20')) ?? 20;
  const limit = Math.min(1000, Math.max(1, Math.trunc(requested)));
  const afterId = asString(query.get('after_id') ?? undefined);
  const beforeId = asString(query.get('before_id') ?? undefined);
  let start = 0;
  let end = ANTHROPIC_MODELS.length;
  if (afterId !== undefined) {
    start = ANTHROPIC_MODELS.findIndex((entry) => entry.id === afterId) + 1;
  }
  if (beforeId !== undefined) {
    const before = ANTHROPIC_MODELS.findIndex((entry) => entry.id === beforeId);
    end = before === -1 ? end : before;
    start = Math.max(start, end - limit);
  }
  const data = ANTHROPIC_MODELS.slice(start, Math.min(end, start + limit));
  const hasMore = beforeId !== undefined ? start > 0 : start + data.length < end;
  return {
    data,
    has_more: hasMore,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
  };
}

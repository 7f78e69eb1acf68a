import { createHash } from 'node:crypto';
import { estimateInputTokens } from '../core/estimate-tokens.js';
import { asArray, asRecord, asString } from '../core/json-value.js';
import type { RequestSummary } from '../types.js';

/**
 * The smallest prefix each model caches, from Anthropic's prompt-caching docs (first matching id
 * prefix wins; other models 1024). Below it the real API ignores the breakpoint.
 */
const MINIMUM_CACHEABLE_TOKENS: ReadonlyArray<readonly [prefix: string, tokens: number]> = [
  ['claude-opus-4-6', 4096],
  ['claude-opus-4-5', 4096],
  ['claude-haiku-4-', 4096],
  ['claude-sonnet-4-6', 2048],
  ['claude-3-5-haiku', 2048],
  ['claude-3-haiku', 2048],
];

function minimumTokens(model: string): number {
  return MINIMUM_CACHEABLE_TOKENS.find(([prefix]) => model.startsWith(prefix))?.[1] ?? 1024;
}

/** One block of the prompt in cache order, with the text it counts as. */
interface PromptBlock {
  block: unknown;
  text: string;
  /** Messages up to and including this block's, for the per-message token overhead. */
  messageCount: number;
}

function withoutCacheControl(block: unknown): unknown {
  const record = asRecord(block);
  if (record === undefined) return block;
  const { cache_control: _cacheControl, ...rest } = record;
  return rest;
}

/**
 * The `cache_control` breakpoints of a Messages body. The cached prefix runs in Anthropic's
 * order — tools, then system, then messages — and ends at the block carrying the breakpoint; its
 * key hashes the model and those blocks (breakpoints themselves left out, so moving one does not
 * change what an earlier prefix is).
 */
export function anthropicCacheBreakpoints(options: {
  body: Record<string, unknown>;
  textOfBlock: (block: unknown) => string;
}): RequestSummary['cacheBreakpoints'] {
  const { body, textOfBlock } = options;
  const model = asString(body.model) ?? '';
  const blocks: PromptBlock[] = [];
  for (const tool of asArray(body.tools).map(asRecord)) {
    blocks.push({
      block: tool,
      text: `${asString(tool?.name) ?? ''} ${asString(tool?.description) ?? ''} ${JSON.stringify(tool?.input_schema ?? {})}`,
      messageCount: 0,
    });
  }
  const system = body.system;
  if (typeof system === 'string') blocks.push({ block: system, text: system, messageCount: 0 });
  for (const block of asArray(system)) {
    blocks.push({ block, text: textOfBlock(block), messageCount: 0 });
  }
  asArray(body.messages).forEach((item, index) => {
    const message = asRecord(item);
    const content = message?.content;
    if (typeof content === 'string') {
      blocks.push({ block: content, text: content, messageCount: index + 1 });
      return;
    }
    for (const block of asArray(content)) {
      blocks.push({ block, text: textOfBlock(block), messageCount: index + 1 });
    }
  });

  const prefixes: Array<{ key: string; tokens: number }> = [];
  blocks.forEach((entry, index) => {
    if (asRecord(entry.block)?.cache_control === undefined) return;
    const prefix = blocks.slice(0, index + 1);
    const key = createHash('sha256')
      .update(JSON.stringify([model, prefix.map((item) => withoutCacheControl(item.block))]))
      .digest('hex');
    const tokens = estimateInputTokens({
      promptText: prefix
        .map((item) => item.text)
        .filter((text) => text !== '')
        .join('\n'),
      messageCount: entry.messageCount,
    });
    prefixes.push({ key, tokens });
  });
  return prefixes.length === 0 ? undefined : { minimumTokens: minimumTokens(model), prefixes };
}

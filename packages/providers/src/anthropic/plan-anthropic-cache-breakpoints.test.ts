import type { ChatMessage, ChatRequest } from '@catalyst/spec';
import { describe, expect, it } from 'vitest';
import { ModelCatalog } from '../catalog/model-catalog.js';
import { normalizeMessages } from '../shared/normalize-messages.js';
import { anthropicWarnings, createAnthropicRequest } from './create-anthropic-request.js';
import {
  anthropicMinimumCacheableTokens,
  planAnthropicCacheBreakpoints,
} from './plan-anthropic-cache-breakpoints.js';

const catalog = ModelCatalog.default();
// About 1,250 estimated tokens: above Sonnet 4.5's minimum (1024), below Haiku 4.5's (4096).
const LONG = 'All work and no play. '.repeat(225);
const TOOL = {
  name: 'lookup',
  description: 'Looks a word up',
  parameters: { type: 'object' as const, properties: { word: { type: 'string' } } },
};

const request = (fields: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'claude-sonnet-4-5',
  messages: [{ role: 'user', content: 'hi' }],
  signal: new AbortController().signal,
  ...fields,
});

function plan(fields: Partial<ChatRequest>) {
  const chat = request(fields);
  const tools = createAnthropicRequest({ request: chat, catalog }).tools ?? [];
  return planAnthropicCacheBreakpoints({
    request: chat,
    conversation: normalizeMessages(chat),
    tools,
  });
}

describe('Anthropic cache breakpoints', () => {
  it('knows each model family’s minimum cacheable prefix', () => {
    expect(anthropicMinimumCacheableTokens('claude-sonnet-4-5')).toBe(1024);
    expect(anthropicMinimumCacheableTokens('claude-sonnet-4-6')).toBe(2048);
    expect(anthropicMinimumCacheableTokens('claude-haiku-4-5')).toBe(4096);
    expect(anthropicMinimumCacheableTokens('claude-opus-4-6')).toBe(4096);
    expect(anthropicMinimumCacheableTokens('claude-3-5-haiku-20241022')).toBe(2048);
  });

  it('puts `cache: true` on the last tool and on the system prompt, sent as one text block', () => {
    const body = createAnthropicRequest({
      request: request({
        system: 'be brief',
        tools: [TOOL, { ...TOOL, name: 'define', description: LONG }],
        cache: true,
      }),
      catalog,
    });
    expect(body.system).toEqual([
      { type: 'text', text: 'be brief', cache_control: { type: 'ephemeral' } },
    ]);
    expect(body.tools?.[0]).not.toHaveProperty('cache_control');
    expect(body.tools?.[1]).toMatchObject({ name: 'define', cache_control: { type: 'ephemeral' } });
    // The tools alone are far below the minimum: no breakpoint there would cache, so none is set.
    expect(
      plan({ system: LONG, tools: [TOOL], cache: true, model: 'claude-sonnet-4-5' }).tools,
    ).toBe(false);
  });

  it('sends nothing of the kind when caching is not asked for', () => {
    const body = createAnthropicRequest({
      request: request({ system: LONG, tools: [TOOL] }),
      catalog,
    });
    expect(body.system).toBe(LONG);
    expect(JSON.stringify(body)).not.toContain('cache_control');
    expect(anthropicWarnings(request({ system: LONG }))).toEqual([]);
  });

  it('puts a marked message’s breakpoint on its last block, even inside a merged turn', () => {
    const body = createAnthropicRequest({
      request: request({
        messages: [
          { role: 'user', content: LONG, cache: true },
          { role: 'user', content: 'and now?' },
        ],
      }),
      catalog,
    });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: LONG, cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'and now?' },
        ],
      },
    ]);
  });

  it('a marked system message caches the system prompt', () => {
    const result = plan({
      messages: [
        { role: 'system', content: LONG, cache: true },
        { role: 'user', content: 'hi' },
      ],
    });
    expect(result.system).toBe(true);
  });

  it('skips a breakpoint below the model’s minimum and says so', () => {
    const haiku = { model: 'claude-haiku-4-5', system: LONG, cache: true };
    const body = createAnthropicRequest({ request: request(haiku), catalog });
    expect(body.system).toBe(LONG);
    expect(anthropicWarnings(request(haiku))).toEqual([
      {
        type: 'unsupported-setting',
        setting: 'cache',
        message:
          'anthropic: no cache breakpoint after the system prompt: the prefix is about 1245 tokens, below the 4096 that claude-haiku-4-5 caches',
      },
    ]);
  });

  it('keeps at most four breakpoints: tools and system, then the latest messages', () => {
    const messages: ChatMessage[] = [];
    for (let turn = 1; turn <= 4; turn++) {
      messages.push({ role: 'user', content: `question ${turn}`, cache: true });
      messages.push({ role: 'assistant', content: `answer ${turn}`, cache: true });
    }
    const tools = [{ ...TOOL, description: LONG }];
    const result = plan({ system: 'be brief', tools, messages, cache: true });
    expect(result.tools).toBe(true);
    expect(result.system).toBe(true);
    expect([...result.messages]).toEqual([6, 7]);
    expect(result.warnings).toEqual([
      {
        type: 'unsupported-setting',
        setting: 'cache',
        message:
          'anthropic: 6 cache breakpoint(s) dropped (after message 1, 2, 3, 4, 5, 6): a request takes at most 4, and the latest are kept',
      },
    ]);
    const body = createAnthropicRequest({
      request: request({ system: 'be brief', tools, messages, cache: true }),
      catalog,
    });
    expect(JSON.stringify(body).match(/cache_control/g)).toHaveLength(4);
  });
});

import { describe, expect, it } from 'vitest';
import { geminiWireBody } from './gemini-wire-body.js';

const contents = [{ role: 'user', parts: [{ text: 'Hi' }] }];

describe('geminiWireBody', () => {
  it('lays the config out as the SDK does: system and tools on top, the rest generationConfig', () => {
    expect(
      geminiWireBody({
        model: 'gemini-2.5-flash',
        contents,
        config: {
          systemInstruction: 'Be brief.',
          temperature: 0,
          topK: undefined,
          seed: null as unknown as number,
          thinkingConfig: { thinkingBudget: 0 },
          tools: [{ functionDeclarations: [{ name: 'f', parametersJsonSchema: {} }] }],
          toolConfig: { functionCallingConfig: { mode: 'AUTO' as never } },
          serviceTier: 'flex' as never,
        },
      }),
    ).toEqual({
      contents,
      systemInstruction: { parts: [{ text: 'Be brief.' }], role: 'user' },
      tools: [{ functionDeclarations: [{ name: 'f', parametersJsonSchema: {} }] }],
      toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
      serviceTier: 'flex',
      generationConfig: { temperature: 0, thinkingConfig: { thinkingBudget: 0 } },
    });
  });

  it('always sends generationConfig, even empty', () => {
    expect(geminiWireBody({ model: 'm', contents, config: {} })).toEqual({
      contents,
      generationConfig: {},
    });
  });

  it('leaves automaticContinuation out: the client reads it, the SDK never sends it', () => {
    expect(
      geminiWireBody({ model: 'm', contents, config: { automaticContinuation: false } }),
    ).toEqual({ contents, generationConfig: {} });
  });

  it.each([
    ['safetySettings (moved and checked by the SDK)', { safetySettings: [] }],
    ['responseSchema (converted by the SDK)', { responseSchema: { type: 'OBJECT' } }],
    ['cachedContent (renamed by the SDK)', { cachedContent: 'abc' }],
    ['a Vertex-only field (rejected by the SDK)', { routingConfig: {} }],
    ['a field the SDK drops', { somethingNew: true }],
    ['a non-function tool', { tools: [{ googleSearch: {} }] }],
    [
      'a declaration with `parameters`',
      { tools: [{ functionDeclarations: [{ name: 'f', parameters: {} }] }] },
    ],
    [
      'a system instruction that is not a string',
      { systemInstruction: { parts: [{ text: 'x' }] } },
    ],
  ])('leaves %s to the SDK', (_name, config) => {
    expect(geminiWireBody({ model: 'm', contents, config: config as never })).toBeUndefined();
  });

  it('leaves a Vertex-only function call field, or an unknown part field, to the SDK', () => {
    const call = { name: 'f', args: {}, willContinue: true };
    expect(
      geminiWireBody({
        model: 'm',
        contents: [{ role: 'model', parts: [{ functionCall: call }] }],
      }),
    ).toBeUndefined();
    expect(
      geminiWireBody({ model: 'm', contents: [{ role: 'user', parts: [{ novel: 1 } as never] }] }),
    ).toBeUndefined();
  });
});

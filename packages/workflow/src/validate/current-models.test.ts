import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MODELS, defaultModelFor, ModelCatalog, RETIRED_MODELS } from '@catalyst/providers';
import type { JsonValue, ProviderName } from '@catalyst/spec';
import { describe, expect, it } from 'vitest';
import { readAnthropicDeprecations } from '../../../../scripts/generate-model-catalog.mjs';
import { NODE_TYPES } from '../nodes/node-types.js';

// Guards "no deprecated model anywhere we choose one for the user": the examples, the defaults,
// the ids the editor and the validator suggest, and the docs. Deprecated means deprecated by the
// installed SDKs' own tables (today the Anthropic SDK's) or by the catalog, so updating an SDK
// that deprecates one of our choices fails here before users see the SDK's console warning.
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PROVIDERS: ProviderName[] = ['anthropic', 'openai', 'groq', 'gemini', 'xai', 'local'];

function modelsInJson(value: JsonValue, found: string[]): string[] {
  if (Array.isArray(value)) for (const item of value) modelsInJson(item, found);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'model' && typeof item === 'string') found.push(item);
      else modelsInJson(item as JsonValue, found);
    }
  }
  return found;
}

async function deprecatedIds(): Promise<Set<string>> {
  const catalog = ModelCatalog.default();
  const fromCatalog = PROVIDERS.flatMap((provider) =>
    catalog
      .list(provider)
      .filter((model) => model.deprecated)
      .map((model) => model.id),
  );
  return new Set([...Object.keys(await readAnthropicDeprecations()), ...fromCatalog]);
}

describe('current models everywhere', () => {
  it('knows what is deprecated (the check below is not vacuous)', async () => {
    expect(await deprecatedIds()).toContain('claude-sonnet-4-5');
  });

  it('no example workflow uses a deprecated model', async () => {
    const deprecated = await deprecatedIds();
    const examples = readdirSync(`${ROOT}examples`).filter((name) => name.endsWith('.json'));
    const used = examples.flatMap((name) =>
      modelsInJson(JSON.parse(readFileSync(`${ROOT}examples/${name}`, 'utf8')), []).map(
        (model) => `${name}: ${model}`,
      ),
    );
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((entry) => deprecated.has(entry.split(': ')[1] ?? ''))).toEqual([]);
  });

  it('no default, editor suggestion or replacement is deprecated', async () => {
    const deprecated = await deprecatedIds();
    const catalog = ModelCatalog.default();
    const chosen: string[] = [];
    for (const provider of PROVIDERS) {
      const model = defaultModelFor(provider);
      if (model) chosen.push(model);
    }
    for (const nodeType of NODE_TYPES) {
      const model = (nodeType.configSchema.properties as Record<string, Record<string, unknown>>)
        ?.model;
      if (typeof model?.default === 'string') chosen.push(model.default);
      if (Array.isArray(model?.examples)) chosen.push(...(model.examples as string[]));
    }
    for (const model of [...DEFAULT_MODELS, ...RETIRED_MODELS]) {
      chosen.push(
        ...(model.deprecated?.replacements ?? []),
        ...(model.retired?.replacements ?? []),
      );
    }
    for (const provider of PROVIDERS) {
      chosen.push(...catalog.recommended(provider).map((model) => model.id));
    }
    expect(chosen.length).toBeGreaterThan(10);
    expect(chosen.filter((model) => deprecated.has(model))).toEqual([]);
  });

  it('the docs and the README do not name a deprecated model', async () => {
    const deprecated = await deprecatedIds();
    const files = [
      'README.md',
      ...readdirSync(`${ROOT}docs`)
        .filter((name) => name.endsWith('.md'))
        .map((name) => `docs/${name}`),
    ];
    const named = files.flatMap((file) =>
      [...readFileSync(`${ROOT}${file}`, 'utf8').matchAll(/[a-z0-9.\-/]+/g)]
        .map((match) => match[0])
        .filter((word) => deprecated.has(word))
        .map((word) => `${file}: ${word}`),
    );
    expect(named).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  buildModelCatalog,
  CATALOG_PATHS,
  renderCatalogJson,
  renderDefaultModelsModule,
} from '../../../../scripts/generate-model-catalog.mjs';
import { DEFAULT_MODELS, RETIRED_MODELS } from './default-models.js';

// The catalog is generated (scripts/generate-model-catalog.mjs) from the reviewed overlay and
// the installed data packages: @pydantic/genai-prices for prices and context windows, the
// official SDKs for deprecations. These tests fail when either generated file was edited by
// hand or the data packages were updated without regenerating: run `npm run generate`.
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const read = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');

describe('the generated model catalog', () => {
  it('conformance/model-catalog.json is what the data packages and the overlay give today', async () => {
    const catalog = await buildModelCatalog();
    expect(read(CATALOG_PATHS.catalog)).toBe(renderCatalogJson(catalog));
  });

  it('default-models.ts is the TypeScript twin of the JSON file', async () => {
    const catalog = await buildModelCatalog();
    expect(read(CATALOG_PATHS.typescript)).toBe(renderDefaultModelsModule(catalog));
    const json = JSON.parse(read(CATALOG_PATHS.catalog));
    expect([...DEFAULT_MODELS, ...RETIRED_MODELS]).toEqual(json.models);
  });

  it('records the versions of the data it was built from', () => {
    const json = JSON.parse(read(CATALOG_PATHS.catalog));
    const installed = (name: string) =>
      JSON.parse(read(`node_modules/${name}/package.json`)).version as string;
    expect(json.sources['@pydantic/genai-prices']).toBe(installed('@pydantic/genai-prices'));
    expect(json.sources['@anthropic-ai/sdk']).toBe(installed('@anthropic-ai/sdk'));
  });

  it('prices cached tokens wherever the data has a cache price (no silent full-price reads)', () => {
    const flash = DEFAULT_MODELS.find((model) => model.id === 'gemini-2.5-flash');
    const grokFast = DEFAULT_MODELS.find((model) => model.id === 'grok-4-fast-non-reasoning');
    expect(flash?.pricing?.cacheReadPerMillion).toBe(0.03);
    expect(grokFast?.pricing?.cacheReadPerMillion).toBe(0.05);
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODELS, RETIRED_MODELS } from './default-models.js';
import { modelCatalogText } from './model-catalog-file.js';

// The Python runtime reads its catalog (ids, prices, retirements) from this one file, so that the
// two runtimes price calls and refuse retired models identically. When this fails, run
// `npm run generate`.
const CATALOG_FILE = fileURLToPath(
  new URL('../../../../conformance/model-catalog.json', import.meta.url),
);

describe('conformance/model-catalog.json', () => {
  it('equals DEFAULT_MODELS followed by RETIRED_MODELS, byte for byte (run `npm run generate`)', () => {
    expect(readFileSync(CATALOG_FILE, 'utf8')).toBe(modelCatalogText());
    expect(JSON.parse(modelCatalogText())).toHaveLength(
      DEFAULT_MODELS.length + RETIRED_MODELS.length,
    );
  });
});

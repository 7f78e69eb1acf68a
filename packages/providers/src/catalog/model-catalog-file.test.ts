import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODELS, RETIRED_MODELS } from './default-models.js';

// The Python runtime reads its catalog (ids, prices, retirements) from this one file, so that the
// two runtimes price calls and refuse retired models identically. This test keeps the file equal
// to the TypeScript catalog; when it fails, regenerate the file:
//   npx tsc -b packages/providers && node -e "import('./packages/providers/dist/catalog/default-models.js').then((m) => require('node:fs').writeFileSync('conformance/model-catalog.json', JSON.stringify([...m.DEFAULT_MODELS, ...m.RETIRED_MODELS], null, 2) + '\n'))"
const CATALOG_FILE = fileURLToPath(
  new URL('../../../../conformance/model-catalog.json', import.meta.url),
);

describe('conformance/model-catalog.json', () => {
  it('equals DEFAULT_MODELS followed by RETIRED_MODELS, byte for byte', () => {
    const expected = `${JSON.stringify([...DEFAULT_MODELS, ...RETIRED_MODELS], null, 2)}\n`;
    expect(readFileSync(CATALOG_FILE, 'utf8')).toBe(expected);
  });
});

import { DEFAULT_MODELS, RETIRED_MODELS } from './default-models.js';

/**
 * The text of `conformance/model-catalog.json`: the default models followed by the retired ones,
 * as two-space JSON. The Python runtime reads this file so both runtimes price calls and refuse
 * retired models identically; `npm run generate` writes it and a test keeps it equal.
 */
export function modelCatalogText(): string {
  return `${JSON.stringify([...DEFAULT_MODELS, ...RETIRED_MODELS], null, 2)}\n`;
}

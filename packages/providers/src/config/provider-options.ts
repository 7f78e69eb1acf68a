import type { ModelCatalog } from '../catalog/model-catalog.js';
import type { ProviderSettings } from './provider-settings.js';

/** Options every `create…Provider` function takes. */
export interface ProviderOptions extends ProviderSettings {
  /** Prices and context windows; defaults to the built-in catalog. */
  catalog?: ModelCatalog;
  /** Where to read keys and base URLs from; defaults to the process environment plus `.env`. */
  environment?: Record<string, string | undefined>;
}

import { readFileSync } from 'node:fs';
import type { Cost, ModelInfo, ProviderName, Usage } from '@catalyst/spec';
import { computeCost } from './compute-cost.js';
import { DEFAULT_MODELS, RETIRED_MODELS } from './default-models.js';

// Azure deployments usually carry the OpenAI model's name; price them as OpenAI's.
const PRICE_FALLBACK: Partial<Record<ProviderName, ProviderName>> = { azure: 'openai' };

/**
 * The model catalog: ids, context windows, prices and capabilities, as data the user can
 * override.
 *
 * @example
 * const catalog = ModelCatalog.default().withOverrides([{ id: 'my-finetune', provider: 'openai', … }]);
 * catalog.cost('openai', 'gpt-4.1-mini', usage)?.totalUsd;
 */
export class ModelCatalog {
  private readonly models: ModelInfo[];

  constructor(models: ModelInfo[]) {
    this.models = models;
  }

  /** The built-in catalog. */
  static default(): ModelCatalog {
    return new ModelCatalog([...DEFAULT_MODELS, ...RETIRED_MODELS]);
  }

  /** Reads a JSON file holding an array of `ModelInfo` and lays it over the built-in catalog. */
  static fromFile(path: string): ModelCatalog {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (!Array.isArray(parsed)) {
      throw new Error(`${path}: a model catalog file must hold a JSON array of models`);
    }
    return ModelCatalog.default().withOverrides(parsed as ModelInfo[]);
  }

  /** A new catalog where `models` replace entries with the same provider and id. */
  withOverrides(models: ModelInfo[]): ModelCatalog {
    const key = (model: ModelInfo) => `${model.provider}\u0000${model.id}`;
    const replaced = new Set(models.map(key));
    return new ModelCatalog([
      ...this.models.filter((model) => !replaced.has(key(model))),
      ...models,
    ]);
  }

  /**
   * The entry for `id`, also matching dated snapshots of a catalog id
   * (`claude-haiku-4-5-20251001` → `claude-haiku-4-5`, `gpt-4o-2024-08-06` → `gpt-4o`).
   */
  find(provider: ProviderName, id: string): ModelInfo | undefined {
    const candidates = this.models.filter((model) => model.provider === provider);
    const exact = candidates.find((model) => model.id === id);
    if (exact) return exact;
    const snapshot = id.replace(/-(\d{8}|\d{4}-\d{2}-\d{2})$/, '');
    return candidates.find((model) => model.id === snapshot);
  }

  /** Current (not retired) models, optionally of one provider. */
  list(provider?: ProviderName): ModelInfo[] {
    return this.models.filter(
      (model) => !model.retired && (provider === undefined || model.provider === provider),
    );
  }

  /** Models worth suggesting (neither retired nor deprecated), optionally of one provider. */
  recommended(provider?: ProviderName): ModelInfo[] {
    return this.list(provider).filter((model) => !model.deprecated);
  }

  /** Cost of a call, or null when the model has no price here. */
  cost(provider: ProviderName, model: string, usage: Usage): Cost | null {
    const fallback = PRICE_FALLBACK[provider];
    const info = this.find(provider, model) ?? (fallback ? this.find(fallback, model) : undefined);
    if (provider === 'local')
      return computeCost({ inputPerMillion: 0, outputPerMillion: 0 }, usage);
    return info?.pricing ? computeCost(info.pricing, usage) : null;
  }
}
